import { BreakpointObserver } from '@angular/cdk/layout';
import {
  ChangeDetectionStrategy,
  Component,
  DestroyRef,
  OnInit,
  computed,
  effect,
  inject,
  signal,
} from '@angular/core';
import { takeUntilDestroyed, toSignal } from '@angular/core/rxjs-interop';
import { MatButtonModule } from '@angular/material/button';
import { MatIconModule } from '@angular/material/icon';
import { MatTooltipModule } from '@angular/material/tooltip';
import { RouterLink } from '@angular/router';
import { map } from 'rxjs';
import { Webhook } from '../../core/api/api.types';
import { WebhooksApi } from '../../core/api/webhooks-api';
import { pollWhileVisible, remote } from '../../core/data/remote';
import { Column, ColumnHeader, DataTable, TableSpec } from '../../shared/data-table';
import { StatusChip } from '../../shared/status-chip';
import { TimeAgo } from '../../shared/time-ago';
import { PageHeader } from '../../shared/page-header';
import { RemoteView } from '../../shared/remote-view';
import { LANE_REFRESH_MS, laneView } from './lane';
import { LaneStatus } from './lane-status';
import { WebhookStats, WebhookStatsService, formatRate } from './webhook-stats';

@Component({
  selector: 'app-webhook-list-page',
  imports: [
    RouterLink,
    MatButtonModule,
    MatIconModule,
    Column,
    ColumnHeader,
    DataTable,
    MatTooltipModule,
    LaneStatus,
    StatusChip,
    TimeAgo,
    PageHeader,
    RemoteView,
  ],
  changeDetection: ChangeDetectionStrategy.OnPush,
  templateUrl: './webhook-list-page.html',
  styles: `
    .name-cell {
      display: flex;
      flex-direction: column;
      gap: 2px;
      min-width: 200px;
      padding: 4px 0;
    }
    .url {
      color: var(--mat-sys-on-surface-variant);
      font-size: 12px;
      max-width: 420px;
      overflow-wrap: anywhere;
    }
    @media (max-width: 599.98px) {
      .name-cell {
        min-width: 150px;
        align-items: flex-start;
      }
    }
    .events {
      display: flex;
      flex-wrap: wrap;
      gap: 4px;
      max-width: 320px;
    }
    .event {
      font-size: 11.5px;
      padding: 1px 6px;
      border-radius: 6px;
      background: var(--mat-sys-surface-container-high);
      white-space: nowrap;
    }
    .last {
      display: flex;
      flex-direction: column;
      align-items: flex-start;
      gap: 2px;
    }
    .rate {
      font-variant-numeric: tabular-nums;
      font-weight: 500;
    }
    .rate.low {
      color: var(--mat-sys-error);
    }
    .lane-head {
      white-space: nowrap;
    }
  `,
})
export class WebhookListPage implements OnInit {
  private readonly api = inject(WebhooksApi);
  private readonly statsService = inject(WebhookStatsService);
  private readonly destroyRef = inject(DestroyRef);

  /** The list, refreshed quietly every few seconds while the page is visible (live lanes). */
  protected readonly list = remote(() => this.api.list());
  protected readonly webhooks = computed(() => this.list.value() ?? []);
  /** When the shown lanes were read: their durations are relative to it. */
  protected readonly readAt = computed(() => Date.parse(this.list.updatedAt() ?? '') || null);
  protected readonly stats = signal<Record<string, WebhookStats | null | undefined>>({});
  protected readonly formatRate = formatRate;
  protected readonly refreshSeconds = LANE_REFRESH_MS / 1000;
  private statsLoadedFor: ReadonlySet<string> = new Set();

  private readonly size = toSignal(
    inject(BreakpointObserver)
      .observe(['(max-width: 599.98px)', '(max-width: 959.98px)', '(max-width: 1439.98px)'])
      .pipe(
        map((r) =>
          r.breakpoints['(max-width: 599.98px)']
            ? 'phone'
            : r.breakpoints['(max-width: 959.98px)']
              ? 'tablet'
              : r.breakpoints['(max-width: 1439.98px)']
                ? 'laptop'
                : 'wide',
        ),
      ),
    { initialValue: 'wide' },
  );
  /** On a phone the status chip sits under the name, leaving room for the lane. */
  protected readonly phone = computed(() => this.size() === 'phone');
  protected readonly columns = computed(() =>
    this.size() === 'phone'
      ? ['name', 'lane']
      : this.size() === 'tablet'
        ? ['name', 'status', 'lane', 'rate']
        : this.size() === 'laptop'
          ? ['name', 'status', 'lane', 'last', 'rate']
          : ['name', 'events', 'status', 'lane', 'last', 'rate'],
  );

  constructor() {
    // Stats come from deliveries: fetched for webhooks not seen yet, not on every lane refresh.
    effect(() => this.loadStats(this.webhooks()));
  }

  ngOnInit(): void {
    this.load();
    pollWhileVisible(LANE_REFRESH_MS, () => this.list.refresh(), this.destroyRef);
  }

  protected load(): void {
    this.statsLoadedFor = new Set();
    this.list.load();
  }

  private loadStats(list: Webhook[]): void {
    const now = Date.now();
    const fresh = list.filter((w) => !this.statsLoadedFor.has(w.id));
    if (!fresh.length) return;
    this.statsLoadedFor = new Set([...this.statsLoadedFor, ...fresh.map((w) => w.id)]);
    for (const w of fresh) {
      this.statsService
        .statsFor(w, now)
        .pipe(takeUntilDestroyed(this.destroyRef))
        .subscribe((s) => this.stats.update((all) => ({ ...all, [w.id]: s })));
    }
  }

  protected readonly table: TableSpec<Webhook> = {
    testid: 'webhooks-table',
    rowTestid: 'webhook-row',
    rowAttrs: (w) => ({ 'data-webhook-id': w.id, 'data-webhook-name': w.display_name }),
    /** A lane that needs a look (throttled, backed up) flags its row. */
    rowClass: (w) => (laneView(w, this.readAt() ?? Date.now()).flagged ? 'flagged' : ''),
  };

  protected rateTitle(s: WebhookStats): string {
    if (s.successRate24h === null) return 'No finished deliveries in the last 24 hours';
    const base = s.sample24h ? ` of ${s.sample24h} finished deliveries` : '';
    return `Succeeded${base} in the last 24 hours${s.partial ? ' (newest 200 only)' : ''}`;
  }
}
