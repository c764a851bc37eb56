import { isoToLocalInput, localInputToIso, relativeTime } from './time';

describe('time helpers', () => {
  const NOW = Date.parse('2026-06-01T12:00:00Z');

  it('says relative times in words', () => {
    expect(relativeTime('2026-06-01T11:59:50Z', NOW)).toBe('just now');
    expect(relativeTime('2026-06-01T11:57:00Z', NOW)).toBe('3 minutes ago');
    expect(relativeTime('2026-06-01T10:00:00Z', NOW)).toBe('2 hours ago');
    expect(relativeTime('2026-05-31T12:00:00Z', NOW)).toBe('yesterday');
    expect(relativeTime('2026-06-01T12:05:00Z', NOW)).toBe('in 5 minutes');
    expect(relativeTime(null, NOW)).toBe('—');
  });

  it('round-trips datetime-local values through ISO', () => {
    const iso = localInputToIso('2026-06-01T08:30');
    expect(iso).toBeDefined();
    expect(isoToLocalInput(iso)).toBe('2026-06-01T08:30');
    expect(localInputToIso('')).toBeUndefined();
    expect(localInputToIso('garbage')).toBeUndefined();
  });
});
