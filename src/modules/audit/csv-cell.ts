/** First characters that make a spreadsheet read a cell as a formula (or hide one behind). */
const FORMULA_START = new Set(['=', '+', '-', '@', '\t', '\r']);

/**
 * A CSV cell that spreadsheets show as text: a value starting with `=`, `+`, `-`, `@`, a tab or a
 * carriage return gets a leading `'` (OWASP's CSV-injection advice; Excel, LibreOffice and Google
 * Sheets then display it verbatim, the `'` hidden). csv-stringify does the quoting.
 */
export function csvCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return text.length > 0 && FORMULA_START.has(text[0]) ? `'${text}` : text;
}
