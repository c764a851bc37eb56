/**
 * The phone rule for campaign leads, shared by Telesales and AutoCall. A number is stored as its
 * digits with the country code and no `+`: Vietnamese national numbers (`0912 345 678`) become
 * `84912345678`; `+84…`, `0084…` and `84…` are kept as `84…`. Spaces, dots, dashes and parentheses
 * are ignored. A Vietnamese number must be a mobile (84 + 9 digits starting 3, 5, 7, 8 or 9) or a
 * landline (84 + 2 + 9 digits, e.g. 842873001234).
 */

const VIETNAMESE = /^84(?:[35789]\d{8}|2\d{9})$/;
/** E.164 without the `+`: a country code that does not start with 0, 8 to 15 digits in all. */
const INTERNATIONAL = /^[1-9]\d{7,14}$/;

/**
 * The number's digits with its country code (`+65…` and `0065…` → `65…`, a national `0…` →
 * `84…`), or null when it is not written as a number.
 */
function withCountryCode(input: string): string | null {
  const compact = input.trim().replace(/[\s.\-()]/g, '');
  if (/^\+\d+$/.test(compact)) return compact.slice(1);
  if (/^00\d+$/.test(compact)) return compact.slice(2);
  if (/^0\d+$/.test(compact)) return `84${compact.slice(1)}`;
  if (/^\d+$/.test(compact)) return compact;
  return null;
}

/** A Vietnamese number as `84…`; anything else (including foreign numbers) is null. */
export function normalizeVietnamesePhone(input: string): string | null {
  const digits = withCountryCode(input);
  return digits !== null && VIETNAMESE.test(digits) ? digits : null;
}

/**
 * A Vietnamese number as `84…`, or an international one (`+65 6123 4567`, `0065…`) with its
 * country code; null when it is neither.
 */
export function normalizeLeadPhone(input: string): string | null {
  const digits = withCountryCode(input);
  if (digits === null) return null;
  return (digits.startsWith('84') ? VIETNAMESE : INTERNATIONAL).test(digits) ? digits : null;
}

export const VN_PHONE_MESSAGE =
  'phone must be a Vietnamese phone number (0912345678, +84 912 345 678, 84912345678)';

export const LEAD_PHONE_MESSAGE =
  'phone must be a phone number: Vietnamese (0912345678, +84 912 345 678, 84912345678) or international (+country code)';
