import type { FieldErrors } from './errors';

/**
 * The one input policy for every string that reaches the API (docs/http-api.md): a length cap, and
 * no NUL and no unpaired UTF-16 surrogate (PostgreSQL's text and jsonb refuse U+0000, and a lone
 * surrogate is not Unicode). Object keys are strings too and follow the same rules.
 *
 * It is applied once, globally: the global ValidationPipe walks every body and query before
 * validation (see validation.ts), and the few hand-validated inputs (the login body, bulk-import
 * rows) go through `validatePlain`, which walks them the same way. Documents a foreign system
 * sends as they are (a FreeSWITCH CDR: a body without a DTO class) are escaped instead of
 * refused: NUL becomes the six characters `\u0000`, a lone surrogate `\udXXX`.
 */

/** Cap of any string (value or key) in a request, unless a DTO caps it lower. */
export const MAX_STRING_LENGTH = 10_000;
/** Cap of a string in a foreign document (a CDR variable may carry a whole SDP or SIP header). */
export const MAX_FOREIGN_STRING_LENGTH = 128 * 1024;
export const MAX_KEY_LENGTH = 200;
/** Objects and arrays nested deeper than this are refused (before anything recurses into them). */
export const MAX_DEPTH = 32;

export const NUL_MESSAGE = 'must not contain NUL characters';
export const SURROGATE_MESSAGE = 'must not contain unpaired surrogates (invalid Unicode)';

const isHigh = (c: number): boolean => c >= 0xd800 && c <= 0xdbff;
const isLow = (c: number): boolean => c >= 0xdc00 && c <= 0xdfff;

/** What is wrong with a string under the policy, or null. */
export function stringProblem(s: string, max: number): string | null {
  if (s.length > max) return `must be at most ${max} characters`;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0) return NUL_MESSAGE;
    if (isHigh(c) && i + 1 < s.length && isLow(s.charCodeAt(i + 1))) i++;
    else if (isHigh(c) || isLow(c)) return SURROGATE_MESSAGE;
  }
  return null;
}

/** The string with NUL and lone surrogates replaced by visible `\uXXXX` text. */
export function escapeString(s: string): string {
  let out = '';
  let from = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (isHigh(c) && i + 1 < s.length && isLow(s.charCodeAt(i + 1))) {
      i++;
    } else if (c === 0 || isHigh(c) || isLow(c)) {
      out += `${s.slice(from, i)}\\u${c.toString(16).padStart(4, '0')}`;
      from = i + 1;
    }
  }
  return from === 0 ? s : out + s.slice(from);
}

/** A key as it can be named in an error: escaped and shortened. */
function visibleKey(key: string): string {
  const escaped = escapeString(key);
  return escaped.length > 60 ? `${escaped.slice(0, 60)}…` : escaped;
}

const join = (path: string, key: string | number): string =>
  path ? `${path}.${key}` : String(key);

interface WalkOptions {
  maxString: number;
  /** Top-level fields whose array items are left alone (validated one by one elsewhere). */
  skipItemsOf?: readonly string[];
}

function walk(value: unknown, path: string, depth: number, o: WalkOptions, out: FieldErrors) {
  if (typeof value === 'string') {
    const problem = stringProblem(value, o.maxString);
    if (problem) out[path || 'body'] = [`${path || 'the body'} ${problem}`];
    return;
  }
  if (typeof value !== 'object' || value === null) return;
  if (depth >= MAX_DEPTH) {
    out[path || 'body'] = [`${path || 'the body'} is nested too deeply`];
    return;
  }
  if (Array.isArray(value)) {
    if (depth === 1 && o.skipItemsOf?.includes(path)) return;
    value.forEach((item, i) => walk(item, join(path, i), depth + 1, o, out));
    return;
  }
  for (const [key, item] of Object.entries(value as Record<string, unknown>)) {
    const problem = stringProblem(key, MAX_KEY_LENGTH);
    if (problem) {
      const field = path || visibleKey(key);
      out[field] = [`${path ? `${path} has a key that` : 'a field name'} ${problem}`];
      continue;
    }
    walk(item, join(path, key), depth + 1, o, out);
  }
}

/** Every string of the value that breaks the policy, by field path (`leads.3.full_name`). */
export function policyErrors(value: unknown, options: Partial<WalkOptions> = {}): FieldErrors {
  const out: FieldErrors = {};
  walk(value, '', 0, { maxString: MAX_STRING_LENGTH, ...options }, out);
  return out;
}

/**
 * A foreign document made storable: NUL and lone surrogates escaped in every value and key. The
 * caps still apply: an over-long string or a too-deep document is reported (by field path).
 */
export function escapeForeignDocument(value: unknown): { value: unknown; errors: FieldErrors } {
  const errors: FieldErrors = {};
  const escaped = escapeDeep(value, '', 0, errors);
  return { value: escaped, errors };
}

function escapeDeep(value: unknown, path: string, depth: number, errors: FieldErrors): unknown {
  if (typeof value === 'string') {
    if (value.length > MAX_FOREIGN_STRING_LENGTH) {
      errors[path || 'body'] = [
        `${path || 'the body'} must be at most ${MAX_FOREIGN_STRING_LENGTH} characters`,
      ];
    }
    return escapeString(value);
  }
  if (typeof value !== 'object' || value === null) return value;
  if (depth >= MAX_DEPTH) {
    errors[path || 'body'] = [`${path || 'the body'} is nested too deeply`];
    return null;
  }
  if (Array.isArray(value))
    return value.map((v, i) => escapeDeep(v, join(path, i), depth + 1, errors));
  const out: Record<string, unknown> = {};
  for (const [rawKey, item] of Object.entries(value as Record<string, unknown>)) {
    const key = escapeString(rawKey);
    if (key.length > MAX_KEY_LENGTH) {
      errors[path || visibleKey(key)] = [`a key must be at most ${MAX_KEY_LENGTH} characters`];
      continue;
    }
    // defineProperty: a `__proto__` key stays a plain key instead of replacing the prototype.
    Object.defineProperty(out, key, {
      value: escapeDeep(item, join(path, key), depth + 1, errors),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return out;
}
