const DAY_MS = 86_400_000;
/** The days the windows after the first one span; everything older is one last window. */
const SPANS = [1, 2, 4, 8, 16];

/** A range of created_at, [from, to), either side open when null. */
export interface DayWindow {
  from: Date | null;
  to: Date | null;
}

/**
 * The created_at windows a history page is read through, newest first: the day of the page's
 * upper bound (and anything later), then the day before, then 2, 4, 8, 16 days further back, then
 * everything older, each window within the query's own from/to. A page usually fills in the first
 * window, so its query plans and reads one day partition instead of all of them (with every day
 * of the retention period and a week ahead, planning alone cost more than reading the page). The
 * windows do not overlap, so rows read window after window come in the page's order.
 */
export function* dayWindows(
  bounds: { from?: Date; to?: Date; cursorAt?: Date },
  now: Date,
): Generator<DayWindow> {
  // `to` is exclusive: a page up to midnight starts with the day before.
  const top = bounds.cursorAt ?? (bounds.to ? new Date(bounds.to.getTime() - 1) : now);
  const floor = bounds.from ?? null;
  let from = new Date(Math.floor(top.getTime() / DAY_MS) * DAY_MS);
  if (floor && floor >= from) {
    yield { from: null, to: null };
    return;
  }
  yield { from, to: null };
  for (const span of SPANS) {
    const to = from;
    from = new Date(to.getTime() - span * DAY_MS);
    if (floor && floor >= from) {
      yield { from: null, to };
      return;
    }
    yield { from, to };
  }
  yield { from: null, to: from };
}
