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
import { NonNullableFormBuilder, ReactiveFormsModule } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MatDialog } from '@angular/material/dialog';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatIconModule } from '@angular/material/icon';
import { MatInputModule } from '@angular/material/input';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { MatSelectModule } from '@angular/material/select';
import { MatSlideToggleModule } from '@angular/material/slide-toggle';
import { MatTableModule } from '@angular/material/table';
import { MatTooltipModule } from '@angular/material/tooltip';
import { ActivatedRoute, Router, RouterLink } from '@angular/router';
import { Subscription, debounceTime, filter, interval, map } from 'rxjs';
import { DELIVERY_STATUSES, Delivery, EventType, Webhook } from '../../core/api/api.types';
import { DeliveriesApi } from '../../core/api/deliveries-api';
import { EventTypesApi } from '../../core/api/event-types-api';
import { WebhooksApi } from '../../core/api/webhooks-api';
import { ApiError, toApiError } from '../../core/errors/api-error';
import { Notifier } from '../../core/errors/notifier';
import { isoToLocalInput, localInputToIso } from '../../core/ui/time';
import { CopyButton } from '../../shared/copy-button';
import { StatusChip, httpTone } from '../../shared/status-chip';
import { TimeAgo } from '../../shared/time-ago';
import { ViewState } from '../../shared/view-state';
import {
  ReplayDeadLettersData,
  ReplayDeadLettersDialog,
} from '../webhooks/replay-dead-letters-dialog';
import {
  DEFAULT_FILTERS,
  DeliveryFilterState,
  RANGES,
  RangeKey,
  filtersFromParams,
  filtersToParams,
  filtersToQuery,
} from './delivery-filters';

export const PAGE_SIZE = 50;
export const AUTO_REFRESH_MS = 5000;

const STATUS_LABELS: Record<string, string> = {
  pending: 'Pending',
  retrying: 'Retrying',
  succeeded: 'Succeeded',
  dead_letter: 'Dead letter',
  cancelled: 'Cancelled',
};

@Component({
  selector: 'app-delivery-list-page',
  imports: [
    ReactiveFormsModule,
    RouterLink,
    MatButtonModule,
    MatFormFieldModule,
    MatIconModule,
    MatInputModule,
    MatProgressBarModule,
    MatSelectModule,
    MatSlideToggleModule,
    MatTableModule,
    MatTooltipModule,
    CopyButton,
    StatusChip,
    TimeAgo,
    ViewState,
  ],
  changeDetection: ChangeDetectionStrategy.OnPush,
  templateUrl: './delivery-list-page.html',
  styles: `
    .event-cell {
      display: flex;
      flex-direction: column;
      gap: 2px;
      padding: 4px 0;
    }
    .test-badge {
      display: inline-block;
      font: var(--mat-sys-label-small);
      padding: 0 6px;
      border-radius: 6px;
      background: var(--mat-sys-tertiary-container);
      color: var(--mat-sys-on-tertiary-container);
      margin-left: 6px;
    }
    .webhook-name {
      color: var(--mat-sys-on-surface-variant);
      font-size: 12px;
    }
    .id-cell {
      display: flex;
      align-items: center;
      white-space: nowrap;
    }
    .num {
      font-variant-numeric: tabular-nums;
    }
    .spacer {
      flex: 1;
    }
    .count {
      color: var(--mat-sys-on-surface-variant);
    }
  `,
})
export class DeliveryListPage implements OnInit {
  private readonly api = inject(DeliveriesApi);
  private readonly webhooksApi = inject(WebhooksApi);
  private readonly eventTypesApi = inject(EventTypesApi);
  private readonly notifier = inject(Notifier);
  private readonly dialog = inject(MatDialog);
  private readonly route = inject(ActivatedRoute);
  private readonly router = inject(Router);
  private readonly destroyRef = inject(DestroyRef);

  protected readonly statuses = DELIVERY_STATUSES;
  protected readonly statusLabels = STATUS_LABELS;
  protected readonly ranges = RANGES;
  protected readonly httpTone = httpTone;

  protected readonly form = inject(NonNullableFormBuilder).group({
    webhook_id: [''],
    event: [''],
    status: [''],
    range: ['all' as RangeKey],
    fromLocal: [''],
    toLocal: [''],
  });

  protected readonly webhooks = signal<Webhook[]>([]);
  protected readonly eventTypes = signal<EventType[]>([]);
  protected readonly items = signal<Delivery[]>([]);
  protected readonly nextCursor = signal<string | null>(null);
  protected readonly loading = signal(true);
  protected readonly loadingMore = signal(false);
  protected readonly loaded = signal(false);
  protected readonly error = signal<ApiError | null>(null);
  protected readonly autoRefresh = signal(false);
  protected readonly lastRefreshed = signal<string | null>(null);
  private readonly state = signal<DeliveryFilterState>(DEFAULT_FILTERS);
  protected readonly custom = computed(() => this.state().range === 'custom');
  protected readonly filtered = computed(() => {
    const s = this.state();
    return !!(s.webhook_id || s.event || s.status || s.range !== 'all');
  });
  private pages = 0;
  private loadSub: Subscription | null = null;
  private refreshSub: Subscription | null = null;

  protected readonly compact = toSignal(
    inject(BreakpointObserver)
      .observe('(max-width: 839.98px)')
      .pipe(map((r) => r.matches)),
    { initialValue: false },
  );
  protected readonly columns = computed(() =>
    this.compact() ? ['event', 'status'] : ['event', 'status', 'http', 'attempts', 'time', 'id'],
  );

  ngOnInit(): void {
    this.webhooksApi
      .list()
      .pipe(takeUntilDestroyed(this.destroyRef))
      .subscribe({ next: (w) => this.webhooks.set(w), error: () => this.webhooks.set([]) });
    this.eventTypesApi
      .list()
      .pipe(takeUntilDestroyed(this.destroyRef))
      .subscribe({ next: (t) => this.eventTypes.set(t), error: () => this.eventTypes.set([]) });

    // The URL is the source of truth for filters, so a filtered view can be linked to.
    this.route.queryParamMap.pipe(takeUntilDestroyed(this.destroyRef)).subscribe((params) => {
      const s = filtersFromParams(params);
      this.state.set(s);
      this.form.setValue(
        {
          webhook_id: s.webhook_id,
          event: s.event,
          status: s.status,
          range: s.range,
          fromLocal: isoToLocalInput(s.from),
          toLocal: isoToLocalInput(s.to),
        },
        { emitEvent: false },
      );
      this.reload();
    });

    this.form.valueChanges
      .pipe(debounceTime(200), takeUntilDestroyed(this.destroyRef))
      .subscribe(() => {
        const v = this.form.getRawValue();
        const next: DeliveryFilterState = {
          webhook_id: v.webhook_id,
          event: v.event,
          status: v.status as DeliveryFilterState['status'],
          range: v.range,
          from: localInputToIso(v.fromLocal) ?? '',
          to: localInputToIso(v.toLocal) ?? '',
        };
        void this.router.navigate([], {
          relativeTo: this.route,
          queryParams: filtersToParams(next),
          replaceUrl: true,
        });
      });
  }

  protected reload(): void {
    this.loadSub?.unsubscribe();
    this.loading.set(true);
    this.error.set(null);
    this.loadSub = this.api
      .list({ ...filtersToQuery(this.state(), Date.now()), limit: PAGE_SIZE })
      .pipe(takeUntilDestroyed(this.destroyRef))
      .subscribe({
        next: (page) => {
          this.items.set(page.data);
          this.nextCursor.set(page.next_cursor);
          this.pages = 1;
          this.loading.set(false);
          this.loaded.set(true);
          this.lastRefreshed.set(new Date().toISOString());
        },
        error: (err: unknown) => {
          this.error.set(toApiError(err));
          this.loading.set(false);
        },
      });
  }

  protected loadMore(): void {
    const cursor = this.nextCursor();
    if (!cursor) return;
    this.loadingMore.set(true);
    this.api
      .list({ ...filtersToQuery(this.state(), Date.now()), limit: PAGE_SIZE, cursor })
      .pipe(takeUntilDestroyed(this.destroyRef))
      .subscribe({
        next: (page) => {
          const seen = new Set(this.items().map((d) => d.id));
          this.items.update((list) => [...list, ...page.data.filter((d) => !seen.has(d.id))]);
          this.nextCursor.set(page.next_cursor);
          this.pages++;
          this.loadingMore.set(false);
        },
        error: (err: unknown) => {
          this.loadingMore.set(false);
          this.notifier.report(err);
        },
      });
  }

  /** Refreshes the newest page in place: updated rows change, new rows appear on top. */
  private refreshNewest(): void {
    this.api
      .list({ ...filtersToQuery(this.state(), Date.now()), limit: PAGE_SIZE })
      .pipe(takeUntilDestroyed(this.destroyRef))
      .subscribe({
        next: (page) => {
          this.items.update((list) => mergeNewest(list, page.data));
          if (this.pages <= 1) this.nextCursor.set(page.next_cursor);
          this.lastRefreshed.set(new Date().toISOString());
          this.error.set(null);
        },
        error: (err: unknown) => this.error.set(toApiError(err)),
      });
  }

  protected setAutoRefresh(on: boolean): void {
    this.autoRefresh.set(on);
    this.refreshSub?.unsubscribe();
    this.refreshSub = null;
    if (on) {
      this.refreshSub = interval(AUTO_REFRESH_MS)
        .pipe(
          filter(() => typeof document === 'undefined' || !document.hidden),
          takeUntilDestroyed(this.destroyRef),
        )
        .subscribe(() => this.refreshNewest());
    }
  }

  protected clearFilters(): void {
    void this.router.navigate([], { relativeTo: this.route, queryParams: {} });
  }

  protected webhookName(id: string | null, fallback: string): string {
    return this.webhooks().find((w) => w.id === id)?.display_name ?? fallback;
  }

  protected replayDeadLetters(): void {
    const data: ReplayDeadLettersData = {
      webhookId: this.state().webhook_id || undefined,
      webhooks: this.webhooks(),
    };
    this.dialog
      .open(ReplayDeadLettersDialog, { data, width: '480px', maxWidth: '95vw' })
      .afterClosed()
      .subscribe(() => this.reload());
  }

  protected open(d: Delivery): void {
    void this.router.navigate(['/deliveries', d.id]);
  }
}

/** Merges a fresh newest page into the list shown: replaces by id, prepends new rows. */
export function mergeNewest(current: readonly Delivery[], fresh: readonly Delivery[]): Delivery[] {
  const freshById = new Map(fresh.map((d) => [d.id, d]));
  const known = new Set(current.map((d) => d.id));
  const added = fresh.filter((d) => !known.has(d.id));
  return [...added, ...current.map((d) => freshById.get(d.id) ?? d)];
}
