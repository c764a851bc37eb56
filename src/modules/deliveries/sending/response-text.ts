import { StringDecoder } from 'node:string_decoder';

/**
 * A stored response body as text for people: UTF-8, with any byte that is not UTF-8 shown as
 * U+FFFD and NUL kept (JSON shows it as \u0000). A body cut at the 64 KiB limit does not end in
 * half a character.
 */
export function responseText(bytes: Buffer | null, truncated: boolean): string | null {
  if (bytes === null) return null;
  return truncated ? new StringDecoder('utf8').write(bytes) : bytes.toString('utf8');
}
