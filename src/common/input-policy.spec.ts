import {
  MAX_DEPTH,
  MAX_STRING_LENGTH,
  escapeForeignDocument,
  escapeString,
  policyErrors,
  stringProblem,
} from './input-policy';

describe('input policy', () => {
  it('refuses NUL, lone surrogates of either half and over-long strings; accepts real pairs', () => {
    expect(stringProblem('a\u0000b', 100)).toMatch(/NUL/);
    expect(stringProblem('a\ud800b', 100)).toMatch(/surrogate/);
    expect(stringProblem('a\udc00', 100)).toMatch(/surrogate/);
    expect(stringProblem('\ud800', 100)).toMatch(/surrogate/);
    expect(stringProblem('x'.repeat(101), 100)).toMatch(/at most 100/);
    expect(stringProblem('Nguyễn 😀 \ud83d\ude00', 100)).toBeNull();
  });

  it('names the field of every poisoned string, keys included, and skips declared row lists', () => {
    const body = {
      name: 'ok',
      custom: { deep: ['fine', 'bad\u0000'] },
      ['k\u0000ey']: 1,
      nested: { ['\ud800']: 'v' },
      leads: [{ full_name: 'x\u0000' }],
      long: 'y'.repeat(MAX_STRING_LENGTH + 1),
    };
    const errors = policyErrors(body, { skipItemsOf: ['leads'] });
    expect(Object.keys(errors).sort()).toEqual(['custom.deep.1', 'k\\u0000ey', 'long', 'nested']);
    expect(errors['custom.deep.1'][0]).toMatch(/custom\.deep\.1 must not contain NUL/);
    expect(policyErrors(body)).toHaveProperty(['leads.0.full_name']);
  });

  it('refuses documents nested deeper than the limit without recursing into them', () => {
    let deep: unknown = 'leaf';
    for (let i = 0; i < 100_000; i++) deep = [deep];
    const errors = policyErrors({ x: deep });
    expect(Object.values(errors)[0][0]).toMatch(/nested too deeply/);
    expect(Object.keys(errors)[0].split('.').length).toBe(MAX_DEPTH);
  });

  it('escapes foreign documents visibly, keys too, and keeps __proto__ a plain key', () => {
    expect(escapeString('a\u0000b\ud800c\ud83d\ude00')).toBe('a\\u0000b\\ud800c\ud83d\ude00');
    const doc = JSON.parse('{"__proto__": {"polluted": 1}, "v": {"k\\u0000": "\\udfff"}}');
    const { value, errors } = escapeForeignDocument(doc);
    expect(errors).toEqual({});
    expect(value).toEqual({ ['__proto__']: { polluted: 1 }, v: { 'k\\u0000': '\\udfff' } });
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
