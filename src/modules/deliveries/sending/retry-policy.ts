/** Attempts of one delivery in all (docs/receiver-guide.md §4): the first one and three retries. */
export const MAX_ATTEMPTS = 4;

/** Seconds before attempts 2, 3 and 4 when WEBHOOK_RETRY_SCHEDULE is not set. */
export const DEFAULT_RETRY_SCHEDULE_SECONDS: readonly number[] = [30, 300, 1800];

/** A `Retry-After` never pushes the next attempt further out than this. */
export const RETRY_AFTER_CAP_MS = 6 * 60 * 60 * 1000;

const DELAY_SECONDS = /^-?\d+(?:\.\d+)?$/;

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const MONTH = '(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)';
const TIME = '(\\d{2}):(\\d{2}):(\\d{2})';
/** `Sun, 06 Nov 1994 08:49:37 GMT` (the preferred form). */
const IMF_FIXDATE = new RegExp(`^[A-Za-z]{3}, (\\d{2}) ${MONTH} (\\d{4}) ${TIME} GMT$`, 'i');
/** `Sunday, 06-Nov-94 08:49:37 GMT` (obsolete, still to be accepted). */
const RFC_850 = new RegExp(`^[A-Za-z]{6,9}, (\\d{2})-${MONTH}-(\\d{2}) ${TIME} GMT$`, 'i');
/** `Sun Nov  6 08:49:37 1994` (obsolete, still to be accepted). */
const ASCTIME = new RegExp(`^[A-Za-z]{3} ${MONTH} ([ \\d]\\d) ${TIME} (\\d{4})$`, 'i');

function utc(
  year: number,
  month: string,
  day: string,
  hh: string,
  mm: string,
  ss: string,
): number | null {
  const m = MONTHS.indexOf(month.toLowerCase());
  const d = Number(day.trim());
  const time = Date.UTC(year, m, d, Number(hh), Number(mm), Number(ss));
  const check = new Date(time);
  // Refuse dates that Date.UTC would roll over, such as 31 Feb or 25:00.
  if (
    check.getUTCFullYear() !== year ||
    check.getUTCMonth() !== m ||
    check.getUTCDate() !== d ||
    check.getUTCHours() !== Number(hh) ||
    check.getUTCMinutes() !== Number(mm) ||
    check.getUTCSeconds() !== Number(ss)
  ) {
    return null;
  }
  return time;
}

/** Parses the three HTTP-date forms of RFC 9110 §5.6.7; null if it is none of them. */
function parseHttpDate(value: string, now: Date): number | null {
  let m = IMF_FIXDATE.exec(value);
  if (m) {
    return utc(Number(m[3]), m[2], m[1], m[4], m[5], m[6]);
  }
  m = ASCTIME.exec(value);
  if (m) {
    return utc(Number(m[6]), m[1], m[2], m[3], m[4], m[5]);
  }
  m = RFC_850.exec(value);
  if (m) {
    // A two-digit year more than 50 years ahead means the most recent past year ending so.
    const thisYear = now.getUTCFullYear();
    let year = Math.floor(thisYear / 100) * 100 + Number(m[3]);
    if (year > thisYear + 50) {
      year -= 100;
    }
    return utc(year, m[2], m[1], m[4], m[5], m[6]);
  }
  return null;
}

/**
 * The delay a `Retry-After` header asks for, in milliseconds from `now`: delay-seconds or an
 * HTTP-date. A negative delay or a date in the past gives 0; anything unparseable gives null; the
 * result is capped at 6 hours.
 */
export function parseRetryAfter(value: string | undefined, now: Date): number | null {
  if (value === undefined) {
    return null;
  }
  const trimmed = value.trim();
  if (trimmed === '') {
    return null;
  }
  let delayMs: number | null;
  if (DELAY_SECONDS.test(trimmed)) {
    delayMs = Math.ceil(Number(trimmed) * 1000);
  } else {
    const at = parseHttpDate(trimmed, now);
    delayMs = at === null ? null : at - now.getTime();
  }
  if (delayMs === null || Number.isNaN(delayMs)) {
    return null;
  }
  return Math.min(Math.max(delayMs, 0), RETRY_AFTER_CAP_MS);
}

/**
 * How long to wait before the next attempt after attempt `attemptNumberJustFailed` (1-based)
 * failed, or null when there is no next attempt (the delivery is dead-lettered).
 *
 * `scheduleSeconds[i]` is the wait before attempt i + 2 (WEBHOOK_RETRY_SCHEDULE). A
 * `Retry-After` from the failed response only ever pushes the attempt later, up to 6 hours; it
 * never brings it earlier and never adds attempts beyond MAX_ATTEMPTS.
 */
export function nextAttemptDelayMs(
  attemptNumberJustFailed: number,
  scheduleSeconds: readonly number[],
  retryAfterMs: number | null,
): number | null {
  if (!Number.isInteger(attemptNumberJustFailed) || attemptNumberJustFailed < 1) {
    throw new RangeError(`attempt number must be an integer >= 1, got ${attemptNumberJustFailed}`);
  }
  if (attemptNumberJustFailed >= MAX_ATTEMPTS) {
    return null;
  }
  const scheduled = scheduleSeconds[attemptNumberJustFailed - 1];
  if (scheduled === undefined) {
    return null;
  }
  if (!Number.isFinite(scheduled) || scheduled < 0) {
    throw new RangeError(`retry schedule entries must be finite seconds >= 0, got ${scheduled}`);
  }
  const scheduledMs = Math.round(scheduled * 1000);
  if (retryAfterMs === null || !(retryAfterMs > scheduledMs)) {
    return scheduledMs;
  }
  return Math.max(scheduledMs, Math.min(Math.round(retryAfterMs), RETRY_AFTER_CAP_MS));
}
