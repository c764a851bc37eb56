import { dayWindows, type DayWindow } from './day-windows';

const NOW = new Date('2026-12-02T04:30:00.000Z');
const day = (iso: string) => new Date(`${iso}T00:00:00.000Z`);
const shown = (ws: Iterable<DayWindow>) =>
  [...ws].map((w) => [
    w.from?.toISOString().slice(0, 10) ?? null,
    w.to?.toISOString().slice(0, 10) ?? null,
  ]);

describe('dayWindows: the created_at windows a history page is read through', () => {
  it('walks back from today (and later) by 1, 2, 4, 8, 16 days, then everything older', () => {
    expect(shown(dayWindows({}, NOW))).toEqual([
      ['2026-12-02', null],
      ['2026-12-01', '2026-12-02'],
      ['2026-11-29', '2026-12-01'],
      ['2026-11-25', '2026-11-29'],
      ['2026-11-17', '2026-11-25'],
      ['2026-11-01', '2026-11-17'],
      [null, '2026-11-01'],
    ]);
  });

  it.each([
    [
      'the cursor',
      { cursorAt: new Date('2026-11-20T13:00:00.000Z'), from: day('2026-11-18') },
      [
        ['2026-11-20', null],
        ['2026-11-19', '2026-11-20'],
        [null, '2026-11-19'],
      ],
    ],
    [
      '`to` (exclusive: midnight starts the day before)',
      { to: day('2026-11-10'), from: day('2026-11-01') },
      [
        ['2026-11-09', null],
        ['2026-11-08', '2026-11-09'],
        ['2026-11-06', '2026-11-08'],
        ['2026-11-02', '2026-11-06'],
        [null, '2026-11-02'],
      ],
    ],
  ])('starts at the day of %s and stops at `from`', (_what, bounds, windows) => {
    expect(shown(dayWindows(bounds, NOW))).toEqual(windows);
  });

  it('reads a range within one day in one window', () => {
    const from = new Date('2026-12-02T01:00:00.000Z');
    expect(shown(dayWindows({ from }, NOW))).toEqual([[null, null]]);
  });

  it('covers every instant exactly once, newest window first', () => {
    const ws = [...dayWindows({}, NOW)];
    for (let i = 1; i < ws.length; i++) {
      expect(ws[i].to).toEqual(ws[i - 1].from);
    }
    expect(ws[0].to).toBeNull();
    expect(ws[ws.length - 1].from).toBeNull();
  });
});
