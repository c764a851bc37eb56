import { Webhook } from '../../core/api/api.types';
import { Tone } from '../../shared/status-chip';

/**
 * What a webhook's delivery lane is doing, for an operator scanning the list:
 * - `unknown`: the backend sent no lane (yet);
 * - `idle`: nothing open, nothing due;
 * - `sending`: requests open or a fresh backlog being worked off;
 * - `backed_up`: deliveries have been due for a while (the endpoint cannot keep up);
 * - `throttled`: a 429/503 `Retry-After` holds the whole lane;
 * - `held`: paused or suspended with deliveries waiting.
 */
export type LaneState = 'unknown' | 'idle' | 'sending' | 'backed_up' | 'throttled' | 'held';

/** How often the webhook list and detail pages re-read the live lanes. */
export const LANE_REFRESH_MS = 5000;

/** A backlog whose oldest due delivery waits this long is "backed up". */
export const BACKED_UP_AFTER_MS = 60_000;

export interface LaneView {
  state: LaneState;
  tone: Tone;
  label: string;
  /** One sentence saying why, for the detail page and tooltips. */
  reason: string;
  /** True for the states an operator should look at (throttled, backed up). */
  flagged: boolean;
  inFlight: number | null;
  maxInFlight: number | null;
  due: number | null;
  oldestDueAt: string | null;
  /** How long the oldest due delivery has waited, ms (null when nothing is due). */
  oldestWaitMs: number | null;
  throttledUntil: string | null;
  /** How much longer the throttle holds, ms (null when not throttled). */
  throttledForMs: number | null;
}

export function laneView(w: Webhook, now: number): LaneView {
  const lane = w.lane;
  const base = {
    maxInFlight: w.max_in_flight ?? null,
    inFlight: lane?.in_flight ?? null,
    due: lane?.due ?? null,
    oldestDueAt: lane?.oldest_due_at ?? null,
    oldestWaitMs: waited(lane?.oldest_due_at, now),
    throttledUntil: null as string | null,
    throttledForMs: null as number | null,
  };
  if (!lane) return { ...base, ...look('unknown', 'No lane data from the server.') };
  const due = lane.due ?? 0;
  const throttledFor = lane.throttled_until ? Date.parse(lane.throttled_until) - now : NaN;
  if (throttledFor > 0) {
    const view = { ...base, throttledUntil: lane.throttled_until, throttledForMs: throttledFor };
    return {
      ...view,
      ...look(
        'throttled',
        `The endpoint asked to slow down (429/503 with Retry-After): nothing is sent for ` +
          `${formatDuration(throttledFor)} more${due ? `; ${waiting(due)}` : ''}.`,
      ),
    };
  }
  if (w.status !== 'active' && due > 0) {
    const why = w.status === 'paused' ? 'Paused' : 'Suspended';
    return { ...base, ...look('held', `${why}: ${waiting(due)} until it resumes.`) };
  }
  if (due > 0 && (base.oldestWaitMs ?? 0) >= BACKED_UP_AFTER_MS) {
    return {
      ...base,
      ...look(
        'backed_up',
        `${formatCount(due)} due; the oldest has waited ${formatDuration(base.oldestWaitMs ?? 0)}: ` +
          'the endpoint is not keeping up (slow answers, or max in flight too low).',
      ),
    };
  }
  if (due > 0 || (lane.in_flight ?? 0) > 0) {
    return { ...base, ...look('sending', 'Sending: keeping up with what is due.') };
  }
  return { ...base, ...look('idle', 'Nothing open, nothing due.') };
}

const LOOKS: Record<LaneState, { label: string; tone: Tone }> = {
  unknown: { label: '—', tone: 'neutral' },
  idle: { label: 'Idle', tone: 'neutral' },
  sending: { label: 'Sending', tone: 'info' },
  backed_up: { label: 'Backed up', tone: 'warning' },
  throttled: { label: 'Throttled', tone: 'warning' },
  held: { label: 'Held', tone: 'neutral' },
};

function look(state: LaneState, reason: string) {
  const { label, tone } = LOOKS[state];
  return { state, label, tone, reason, flagged: state === 'backed_up' || state === 'throttled' };
}

function waited(iso: string | null | undefined, now: number): number | null {
  if (!iso) return null;
  const t = Date.parse(iso);
  return Number.isNaN(t) ? null : Math.max(0, now - t);
}

/** "<1 s", "12 s", "4 min 5 s", "2 h 10 min", "3 d 4 h". */
export function formatDuration(ms: number): string {
  const s = Math.floor(ms / 1000);
  if (s < 1) return '<1 s';
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return s % 60 ? `${m} min ${s % 60} s` : `${m} min`;
  const h = Math.floor(m / 60);
  if (h < 24) return m % 60 ? `${h} h ${m % 60} min` : `${h} h`;
  const d = Math.floor(h / 24);
  return h % 24 ? `${d} d ${h % 24} h` : `${d} d`;
}

const count = new Intl.NumberFormat('en-US');

/** "1 due delivery waits", "1,840 due deliveries wait". */
function waiting(due: number): string {
  return due === 1 ? '1 due delivery waits' : `${formatCount(due)} due deliveries wait`;
}

export function formatCount(n: number | null | undefined): string {
  return n === null || n === undefined ? '—' : count.format(n);
}
