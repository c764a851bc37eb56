import { BreakpointObserver } from '@angular/cdk/layout';
import {
  ChangeDetectionStrategy,
  Component,
  DestroyRef,
  OnInit,
  computed,
  inject,
  signal,
} from '@angular/core';
import { takeUntilDestroyed, toSignal } from '@angular/core/rxjs-interop';
import { MatButtonModule } from '@angular/material/button';
import { MatIconModule } from '@angular/material/icon';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { MatTableModule } from '@angular/material/table';
import { MatTooltipModule } from '@angular/material/tooltip';
import { RouterLink } from '@angular/router';
import { map } from 'rxjs';
import { Webhook } from '../../core/api/api.types';
import { WebhooksApi } from '../../core/api/webhooks-api';
import { ApiError, toApiError } from '../../core/errors/api-error';
import { StatusChip } from '../../shared/status-chip';
import { TimeAgo } from '../../shared/time-ago';
import { ViewState } from '../../shared/view-state';
import { WebhookStats, WebhookStatsService, formatRate } from './webhook-stats';

@Component({
  selector: 'app-webhook-list-page',
  imports: [
    RouterLink,
    MatButtonModule,
    MatIconModule,
    MatProgressBarModule,
    MatTableModule,
    MatTooltipModule,
    StatusChip,
    TimeAgo,
    ViewState,
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
  `,
})
export class WebhookListPage implements OnInit {
  private readonly api = inject(WebhooksApi);
  private readonly statsService = inject(WebhookStatsService);
  private readonly destroyRef = inject(DestroyRef);

  protected readonly webhooks = signal<Webhook[]>([]);
  protected readonly stats = signal<Record<string, WebhookStats | null | undefined>>({});
  protected readonly loading = signal(true);
  protected readonly loaded = signal(false);
  protected readonly error = signal<ApiError | null>(null);
  protected readonly formatRate = formatRate;

  private readonly size = toSignal(
    inject(BreakpointObserver)
      .observe(['(max-width: 599.98px)', '(max-width: 959.98px)'])
      .pipe(
        map((r) =>
          r.breakpoints['(max-width: 599.98px)']
            ? 'phone'
            : r.breakpoints['(max-width: 959.98px)']
              ? 'tablet'
              : 'wide',
        ),
      ),
    { initialValue: 'wide' },
  );
  protected readonly columns = computed(() =>
    this.size() === 'phone'
      ? ['name', 'status']
      : this.size() === 'tablet'
        ? ['name', 'status', 'last', 'rate']
        : ['name', 'events', 'status', 'last', 'rate'],
  );

  ngOnInit(): void {
    this.load();
  }

  protected load(): void {
    this.loading.set(true);
    this.error.set(null);
    this.api
      .list()
      .pipe(takeUntilDestroyed(this.destroyRef))
      .subscribe({
        next: (list) => {
          this.webhooks.set(list);
          this.loading.set(false);
          this.loaded.set(true);
          this.loadStats(list);
        },
        error: (err: unknown) => {
          this.error.set(toApiError(err));
          this.loading.set(false);
        },
      });
  }

  private loadStats(list: Webhook[]): void {
    const now = Date.now();
    for (const w of list) {
      this.statsService
        .statsFor(w, now)
        .pipe(takeUntilDestroyed(this.destroyRef))
        .subscribe((s) => this.stats.update((all) => ({ ...all, [w.id]: s })));
    }
  }

  protected rateTitle(s: WebhookStats): string {
    if (s.successRate24h === null) return 'No finished deliveries in the last 24 hours';
    const base = s.sample24h ? ` of ${s.sample24h} finished deliveries` : '';
    return `Succeeded${base} in the last 24 hours${s.partial ? ' (newest 200 only)' : ''}`;
  }
}
