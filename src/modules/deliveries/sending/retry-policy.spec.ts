import {
  DEFAULT_RETRY_SCHEDULE_SECONDS,
  MAX_ATTEMPTS,
  RETRY_AFTER_CAP_MS,
  nextAttemptDelayMs,
  parseRetryAfter,
} from './retry-policy';

const now = new Date('2026-06-29T03:30:12.000Z');
const HOUR = 3_600_000;

describe('parseRetryAfter', () => {
  it.each<[string, string | undefined, number | null]>([
    ['absent', undefined, null],
    ['empty', '', null],
    ['blank', '   ', null],
    ['delay-seconds', '120', 120_000],
    ['delay-seconds with spaces', ' 7 ', 7_000],
    ['zero', '0', 0],
    ['fractional seconds', '1.5', 1_500],
    ['negative seconds', '-5', 0],
    ['seconds over the cap', '86400', RETRY_AFTER_CAP_MS],
    ['absurdly many seconds', '9'.repeat(40), RETRY_AFTER_CAP_MS],
    ['IMF-fixdate in the future', 'Mon, 29 Jun 2026 03:35:12 GMT', 300_000],
    ['IMF-fixdate, lower case', 'mon, 29 jun 2026 03:35:12 gmt', 300_000],
    ['IMF-fixdate in the past', 'Mon, 29 Jun 2026 03:00:00 GMT', 0],
    ['IMF-fixdate far ahead', 'Tue, 30 Jun 2026 03:30:12 GMT', RETRY_AFTER_CAP_MS],
    ['RFC 850 date', 'Monday, 29-Jun-26 04:30:12 GMT', HOUR],
    ['asctime date', 'Mon Jun 29 03:31:12 2026', 60_000],
    ['asctime date, one-digit day', 'Wed Jul  1 03:30:12 2026', RETRY_AFTER_CAP_MS],
    ['asctime date in the past', 'Sun Nov  6 08:49:37 1994', 0],
    ['an impossible date', 'Mon, 31 Feb 2026 03:35:12 GMT', null],
    ['an impossible time', 'Mon, 29 Jun 2026 25:35:12 GMT', null],
    ['a date without GMT', 'Mon, 29 Jun 2026 03:35:12', null],
    ['an ISO date', '2026-06-29T03:35:12Z', null],
    ['words', 'soon', null],
    ['seconds with a unit', '10s', null],
    ['hex', '0x10', null],
    ['two values', '10, 20', null],
  ])('%s: %p -> %p', (_label, value, expected) => {
    expect(parseRetryAfter(value, now)).toBe(expected);
  });

  it('reads a two-digit RFC 850 year as the most recent past century when needed', () => {
    // 99 would be 2099, more than 50 years ahead of 2026, so it is 1999: in the past.
    expect(parseRetryAfter('Friday, 31-Dec-99 23:59:59 GMT', now)).toBe(0);
  });
});

describe('nextAttemptDelayMs', () => {
  const schedule = DEFAULT_RETRY_SCHEDULE_SECONDS;

  it('has four attempts in all', () => {
    expect(MAX_ATTEMPTS).toBe(4);
  });

  it.each<[number, number | null]>([
    [1, 30_000],
    [2, 300_000],
    [3, 1_800_000],
    [4, null],
    [5, null],
  ])('after attempt %p fails: %p ms', (attempt, expected) => {
    expect(nextAttemptDelayMs(attempt, schedule, null)).toBe(expected);
  });

  it('totals 35 min 30 s over the default schedule', () => {
    const total = [1, 2, 3].reduce(
      (sum, n) => sum + (nextAttemptDelayMs(n, schedule, null) ?? 0),
      0,
    );
    expect(total).toBe((35 * 60 + 30) * 1000);
  });

  it('lets Retry-After push the next attempt later', () => {
    expect(nextAttemptDelayMs(1, schedule, 120_000)).toBe(120_000);
    expect(nextAttemptDelayMs(3, schedule, 2 * HOUR)).toBe(2 * HOUR);
  });

  it('never lets Retry-After bring the next attempt earlier', () => {
    expect(nextAttemptDelayMs(1, schedule, 1_000)).toBe(30_000);
    expect(nextAttemptDelayMs(2, schedule, 0)).toBe(300_000);
  });

  it('caps Retry-After at 6 hours', () => {
    expect(nextAttemptDelayMs(1, schedule, 48 * HOUR)).toBe(RETRY_AFTER_CAP_MS);
  });

  it('never adds attempts because of Retry-After', () => {
    expect(nextAttemptDelayMs(4, schedule, 10_000)).toBeNull();
  });

  it('follows a shortened test schedule with fractions of a second', () => {
    expect(nextAttemptDelayMs(1, [0.05, 0.1, 0.2], null)).toBe(50);
    expect(nextAttemptDelayMs(3, [0.05, 0.1, 0.2], null)).toBe(200);
    expect(nextAttemptDelayMs(4, [0.05, 0.1, 0.2], null)).toBeNull();
  });

  it('stops when the schedule has fewer entries than the attempts', () => {
    expect(nextAttemptDelayMs(1, [10], null)).toBe(10_000);
    expect(nextAttemptDelayMs(2, [10], null)).toBeNull();
  });

  it('refuses nonsense input', () => {
    expect(() => nextAttemptDelayMs(0, schedule, null)).toThrow(RangeError);
    expect(() => nextAttemptDelayMs(1.5, schedule, null)).toThrow(RangeError);
    expect(() => nextAttemptDelayMs(1, [-1], null)).toThrow(RangeError);
    expect(() => nextAttemptDelayMs(1, [Number.NaN], null)).toThrow(RangeError);
  });
});
