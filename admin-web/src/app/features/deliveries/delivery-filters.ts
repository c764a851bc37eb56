import { ParamMap, Params } from '@angular/router';
import { DELIVERY_STATUSES, DeliveryFilters, DeliveryStatus } from '../../core/api/api.types';

export type RangeKey = '1h' | '24h' | '7d' | '30d' | 'all' | 'custom';

export const RANGES: { key: RangeKey; label: string; ms: number | null }[] = [
  { key: '1h', label: 'Last hour', ms: 3600_000 },
  { key: '24h', label: 'Last 24 hours', ms: 24 * 3600_000 },
  { key: '7d', label: 'Last 7 days', ms: 7 * 24 * 3600_000 },
  { key: '30d', label: 'Last 30 days', ms: 30 * 24 * 3600_000 },
  { key: 'all', label: 'Any time', ms: null },
  { key: 'custom', label: 'Custom range…', ms: null },
];

/**
 * What the filter form holds and the URL carries
 * (`?webhook_id=&event=&status=&ordering_key=&range=&from=&to=`).
 */
export interface DeliveryFilterState {
  webhook_id: string;
  event: string;
  status: DeliveryStatus | '';
  /** Exact ordering key (a call or lead), e.g. `call:…`. */
  ordering_key: string;
  range: RangeKey;
  /** ISO 8601, only used when range is `custom`. */
  from: string;
  to: string;
}

export const DEFAULT_FILTERS: DeliveryFilterState = {
  webhook_id: '',
  event: '',
  status: '',
  ordering_key: '',
  range: 'all',
  from: '',
  to: '',
};

export function filtersFromParams(p: ParamMap): DeliveryFilterState {
  const status = p.get('status') ?? '';
  const range = (p.get('range') ?? '') as RangeKey;
  const from = p.get('from') ?? '';
  const to = p.get('to') ?? '';
  return {
    webhook_id: p.get('webhook_id') ?? '',
    event: p.get('event') ?? '',
    status: (DELIVERY_STATUSES as readonly string[]).includes(status)
      ? (status as DeliveryStatus)
      : '',
    ordering_key: (p.get('ordering_key') ?? '').trim(),
    range: RANGES.some((r) => r.key === range) ? range : from || to ? 'custom' : 'all',
    from,
    to,
  };
}

export function filtersToParams(f: DeliveryFilterState): Params {
  const custom = f.range === 'custom';
  return {
    webhook_id: f.webhook_id || null,
    event: f.event || null,
    status: f.status || null,
    ordering_key: f.ordering_key.trim() || null,
    range: f.range === 'all' ? null : f.range,
    from: custom && f.from ? f.from : null,
    to: custom && f.to ? f.to : null,
  };
}

/** True when any filter narrows the list. */
export function isFiltered(f: DeliveryFilterState): boolean {
  return !!(f.webhook_id || f.event || f.status || f.ordering_key || f.range !== 'all');
}

/** The API query for a filter state, with relative ranges resolved against `now`. */
export function filtersToQuery(f: DeliveryFilterState, now: number): DeliveryFilters {
  const q: DeliveryFilters = {};
  if (f.webhook_id) q.webhook_id = f.webhook_id;
  if (f.event) q.event = f.event;
  if (f.status) q.status = f.status;
  if (f.ordering_key.trim()) q.ordering_key = f.ordering_key.trim();
  const range = RANGES.find((r) => r.key === f.range);
  if (range?.ms) q.from = new Date(now - range.ms).toISOString();
  if (f.range === 'custom') {
    if (f.from) q.from = f.from;
    if (f.to) q.to = f.to;
  }
  return q;
}
