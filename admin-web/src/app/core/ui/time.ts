import { Injectable, OnDestroy, signal } from '@angular/core';

/** A clock signal ticking every 30 s, so relative times stay current without polling the API. */
@Injectable({ providedIn: 'root' })
export class Clock implements OnDestroy {
  private readonly _now = signal(Date.now());
  readonly now = this._now.asReadonly();
  private readonly timer = setInterval(() => this._now.set(Date.now()), 30_000);

  ngOnDestroy(): void {
    clearInterval(this.timer);
  }
}

const UNITS: [Intl.RelativeTimeFormatUnit, number][] = [
  ['year', 365 * 24 * 3600],
  ['month', 30 * 24 * 3600],
  ['week', 7 * 24 * 3600],
  ['day', 24 * 3600],
  ['hour', 3600],
  ['minute', 60],
  ['second', 1],
];

const rtf = new Intl.RelativeTimeFormat('en', { numeric: 'auto' });

/** "3 minutes ago", "in 5 minutes", "just now". */
export function relativeTime(iso: string | null | undefined, now: number): string {
  if (!iso) return '—';
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return iso;
  const diff = Math.round((t - now) / 1000);
  if (Math.abs(diff) < 45) return diff > 5 ? 'in a few seconds' : 'just now';
  for (const [unit, seconds] of UNITS) {
    if (Math.abs(diff) >= seconds || unit === 'second') {
      return rtf.format(Math.round(diff / seconds), unit);
    }
  }
  return iso;
}

const abs = new Intl.DateTimeFormat('en-GB', {
  year: 'numeric',
  month: 'short',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  timeZoneName: 'short',
});

/** Absolute local time, for tooltips: "27 Nov 2026, 04:01:07 UTC". */
export function absoluteTime(iso: string | null | undefined): string {
  if (!iso) return '';
  const t = Date.parse(iso);
  return Number.isNaN(t) ? iso : abs.format(t);
}

/** `datetime-local` input value (local time, minutes) → ISO 8601 UTC, or undefined. */
export function localInputToIso(value: string | null | undefined): string | undefined {
  if (!value) return undefined;
  const t = new Date(value).getTime();
  return Number.isNaN(t) ? undefined : new Date(t).toISOString();
}

/** ISO 8601 → `datetime-local` input value in local time. */
export function isoToLocalInput(iso: string | null | undefined): string {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}
