/**
 * Normalises a lead's phone number to digits with the country code, no `+`: Vietnamese national
 * numbers (`0912 345 678`) become `84912345678`; `+84…`, `0084…` and `84…` are kept as `84…`;
 * other international numbers (`+65 6123 4567`, `0065…`) keep their country code. Spaces, dots,
 * dashes and parentheses are ignored. Vietnamese numbers must be a mobile (84 + 9 digits starting
 * 3, 5, 7, 8 or 9) or a landline (84 + 2 + 9 digits). Returns null when the input is not a number.
 */
export function normalizeLeadPhone(input: string): string | null {
  const compact = input.trim().replace(/[\s.\-()]/g, '');
  let digits: string;
  if (/^\+\d+$/.test(compact)) digits = compact.slice(1);
  else if (/^00\d+$/.test(compact)) digits = compact.slice(2);
  else if (/^0\d+$/.test(compact)) digits = `84${compact.slice(1)}`;
  else if (/^\d+$/.test(compact)) digits = compact;
  else return null;
  if (digits.startsWith('84')) return /^84(?:[35789]\d{8}|2\d{9})$/.test(digits) ? digits : null;
  return /^[1-9]\d{7,14}$/.test(digits) ? digits : null;
}

export const LEAD_PHONE_MESSAGE =
  'phone must be a phone number: Vietnamese (0912345678, +84 912 345 678, 84912345678) or international (+country code)';
