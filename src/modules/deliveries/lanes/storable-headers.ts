/** At most this much of a receiver's response headers (as JSON) is kept. */
export const MAX_STORED_HEADER_BYTES = 64 * 1024;
export const HEADERS_CUT_MARKER = 'x-zorio-headers-not-stored';

/**
 * A receiver's response headers as they can be stored (jsonb refuses U+0000): NUL shown as U+FFFD,
 * and past 64 KiB the rest left out, with a marker saying how many were.
 */
export function storableHeaders(headers: Record<string, string>): Record<string, string> {
  const kept: Record<string, string> = {};
  const names = Object.keys(headers);
  let size = 2;
  for (let i = 0; i < names.length; i++) {
    const name = clean(names[i]);
    const value = clean(headers[names[i]]);
    size += Buffer.byteLength(name) + Buffer.byteLength(value) + 6;
    if (size > MAX_STORED_HEADER_BYTES) {
      kept[HEADERS_CUT_MARKER] = `${names.length - i} more headers`;
      break;
    }
    kept[name] = value;
  }
  return kept;
}

function clean(s: string): string {
  return s.includes('\u0000') ? s.replaceAll('\u0000', '\uFFFD') : s;
}
