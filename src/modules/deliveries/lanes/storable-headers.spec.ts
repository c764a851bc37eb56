import { HEADERS_CUT_MARKER, MAX_STORED_HEADER_BYTES, storableHeaders } from './storable-headers';

describe('storableHeaders', () => {
  it('keeps ordinary headers as they are', () => {
    expect(storableHeaders({ 'content-type': 'text/plain', 'x-a': 'b' })).toEqual({
      'content-type': 'text/plain',
      'x-a': 'b',
    });
  });

  it('shows NUL as U+FFFD (jsonb refuses U+0000)', () => {
    expect(storableHeaders({ 'x-\u0000': 'a\u0000b' })).toEqual({ 'x-\uFFFD': 'a\uFFFDb' });
  });

  it('keeps 64 KiB at most and says how many headers were left out', () => {
    const many: Record<string, string> = {};
    for (let i = 0; i < 5000; i++) many[`x-header-${i}`] = 'v'.repeat(20);
    const kept = storableHeaders(many);
    expect(Buffer.byteLength(JSON.stringify(kept))).toBeLessThanOrEqual(
      MAX_STORED_HEADER_BYTES + 100,
    );
    const left = Number(/^(\d+) more headers$/.exec(kept[HEADERS_CUT_MARKER])?.[1]);
    expect(Object.keys(kept).length - 1 + left).toBe(5000);
  });
});
