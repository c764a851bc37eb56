/**
 * Normalises a Vietnamese phone number to `84…` (digits only): accepts the national form
 * (`0912345678`), `+84…`, `0084…` and `84…`, with spaces, dots, dashes or parentheses anywhere.
 * Valid numbers are mobiles (84 + 9 digits starting 3, 5, 7, 8 or 9) and landlines (84 + 2 + 9
 * digits, e.g. 842873001234). Anything else returns null.
 */
export function normalizeVietnamesePhone(input: string): string | null {
  const compact = input.trim().replace(/[\s.\-()]/g, '');
  let national: string;
  if (/^\+84\d+$/.test(compact)) national = compact.slice(3);
  else if (/^0084\d+$/.test(compact)) national = compact.slice(4);
  else if (/^0\d+$/.test(compact)) national = compact.slice(1);
  else if (/^84\d+$/.test(compact)) national = compact.slice(2);
  else return null;
  return /^(?:[35789]\d{8}|2\d{9})$/.test(national) ? `84${national}` : null;
}

export const VN_PHONE_MESSAGE =
  'phone must be a Vietnamese phone number (0912345678, +84 912 345 678, 84912345678)';
