import { Injectable, inject } from '@angular/core';
import { Observable, catchError, map, of } from 'rxjs';
import { Delivery, DeliveryStatus, Webhook } from '../../core/api/api.types';
import { DeliveriesApi } from '../../core/api/deliveries-api';

export interface WebhookStats {
  lastDeliveryAt: string | null;
  lastDeliveryStatus: DeliveryStatus | null;
  lastResponseStatus: number | null;
  /** 0–1, or null when no delivery finished in the last 24 h. */
  successRate24h: number | null;
  /** How many finished deliveries the rate is based on. */
  sample24h: number;
  /** True when the rate comes from the newest page only (more deliveries exist). */
  partial: boolean;
}

const DAY_MS = 24 * 3600 * 1000;
export const STATS_PAGE = 200;

/**
 * Last delivery and 24 h success rate from a newest-first page of deliveries. Pending and
 * cancelled deliveries have no outcome yet and do not count; a retrying one has failed so far.
 */
export function summarise(
  deliveries: readonly Delivery[],
  now: number,
  hasMore = false,
): WebhookStats {
  const last = deliveries[0] ?? null;
  const since = now - DAY_MS;
  let ok = 0;
  let finished = 0;
  for (const d of deliveries) {
    if (Date.parse(d.created_at) < since) continue;
    if (d.status === 'pending' || d.status === 'cancelled') continue;
    finished++;
    if (d.status === 'succeeded') ok++;
  }
  const oldest = deliveries[deliveries.length - 1];
  return {
    lastDeliveryAt: last ? last.updated_at || last.created_at : null,
    lastDeliveryStatus: last?.status ?? null,
    lastResponseStatus: last?.last_response_status ?? null,
    successRate24h: finished ? ok / finished : null,
    sample24h: finished,
    partial: hasMore && !!oldest && Date.parse(oldest.created_at) >= since,
  };
}

/** The backend's own summary fields, when it sends them. */
export function statsFromWebhook(w: Webhook): WebhookStats | null {
  if (w.last_delivery_at === undefined && w.success_rate_24h === undefined) return null;
  return {
    lastDeliveryAt: w.last_delivery_at ?? null,
    lastDeliveryStatus: w.last_delivery_status ?? null,
    lastResponseStatus: null,
    successRate24h: w.success_rate_24h ?? null,
    sample24h: 0,
    partial: false,
  };
}

@Injectable({ providedIn: 'root' })
export class WebhookStatsService {
  private readonly deliveries = inject(DeliveriesApi);

  /** Uses the webhook's summary fields when present, else derives them from its deliveries. */
  statsFor(w: Webhook, now = Date.now()): Observable<WebhookStats | null> {
    const own = statsFromWebhook(w);
    if (own) return of(own);
    return this.deliveries.list({ webhook_id: w.id, limit: STATS_PAGE }).pipe(
      map((page) => summarise(page.data, now, page.next_cursor !== null)),
      catchError(() => of(null)),
    );
  }
}

export function formatRate(rate: number | null | undefined): string {
  if (rate === null || rate === undefined) return '—';
  const pct = rate * 100;
  return pct === 100 || pct === 0 ? `${pct}%` : `${pct.toFixed(1)}%`;
}
