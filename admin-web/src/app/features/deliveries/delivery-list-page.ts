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
import { NgTemplateOutlet } from '@angular/common';
import { toSignal } from '@angular/core/rxjs-interop';
import { NonNullableFormBuilder, ReactiveFormsModule } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatIconModule } from '@angular/material/icon';
import { MatInputModule } from '@angular/material/input';
import { MatSelectModule } from '@angular/material/select';
import { MatSlideToggleModule } from '@angular/material/slide-toggle';
import { MatTooltipModule } from '@angular/material/tooltip';
import { Router, RouterLink } from '@angular/router';
import { Subscription, map } from 'rxjs';
import { DELIVERY_STATUSES, Delivery, DeliveryStatus } from '../../core/api/api.types';
import { DeliveriesApi } from '../../core/api/deliveries-api';
import { EventTypesApi } from '../../core/api/event-types-api';
import { WebhooksApi } from '../../core/api/webhooks-api';
import { cursorList } from '../../core/data/cursor-list';
import { pollWhileVisible, remote } from '../../core/data/remote';
import { Notifier } from '../../core/errors/notifier';
import { CopyButton } from '../../shared/copy-button';
import { Column, DataTable, TableSpec } from '../../shared/data-table';
import { Dialogs } from '../../shared/dialogs';
import { CursorListView } from '../../shared/cursor-list-view';
import { FilterToolbar } from '../../shared/filter-toolbar';
import { StatusChip, httpTone } from '../../shared/status-chip';
import { TimeAgo } from '../../shared/time-ago';
import { urlFilters } from '../../shared/url-filters';
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
  isFiltered,
} from './delivery-filters';
import { OrderingKey } from './ordering-key';
import { StaleCallsNotice } from './stale-calls-notice';
import { PageHeader } from '../../shared/page-header';
import { DateRangeFields } from '../../shared/date-range-fields';

export const PAGE_SIZE = 50;
export const AUTO_REFRESH_MS = 5000;

/** A filter picked from a list (webhook, event, status): "any" first, then the options. */
interface ChoiceFilter {
  label: string;
  control: 'webhook_id' | 'event' | 'status';
  testid: string;
  any: string;
  options: { value: string; label: string }[];
  /** The options are identifiers, shown in monospace. */
  mono?: boolean;
}

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
    NgTemplateOutlet,
    ReactiveFormsModule,
    DateRangeFields,
    PageHeader,
    RouterLink,
    MatButtonModule,
    MatFormFieldModule,
    MatIconModule,
    MatInputModule,
    MatSelectModule,
    MatSlideToggleModule,
    Column,
    DataTable,
    MatTooltipModule,
    CopyButton,
    CursorListView,
    FilterToolbar,
    OrderingKey,
    StaleCallsNotice,
    StatusChip,
    TimeAgo,
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
    .count {
      color: var(--mat-sys-on-surface-variant);
    }
    .held {
      display: flex;
      align-items: center;
      gap: 2px;
      margin-top: 4px;
      font-size: 12px;
      white-space: nowrap;
      color: var(--mat-sys-on-surface-variant);
    }
    .held mat-icon {
      width: 14px;
      height: 14px;
    }
  `,
})
export class DeliveryListPage implements OnInit {
  private readonly api = inject(DeliveriesApi);
  private readonly webhooksApi = inject(WebhooksApi);
  private readonly eventTypesApi = inject(EventTypesApi);
  private readonly notifier = inject(Notifier);
  private readonly dialogs = inject(Dialogs);
  private readonly router = inject(Router);
  private readonly filters = urlFilters({
    fromParams: filtersFromParams,
    toParams: filtersToParams,
  });
  private readonly destroyRef = inject(DestroyRef);

  protected readonly ranges = RANGES;
  protected readonly httpTone = httpTone;

  private readonly fb = inject(NonNullableFormBuilder);
  protected readonly form = this.fb.group({
    webhook_id: [''],
    event: [''],
    status: this.fb.control<DeliveryStatus | ''>(''),
    ordering_key: [''],
    range: this.fb.control<RangeKey>('all'),
    fromLocal: [''],
    toLocal: [''],
  });

  protected readonly webhooks = remote(() => this.webhooksApi.list());
  protected readonly eventTypes = remote(() => this.eventTypesApi.list());
  private readonly state = signal<DeliveryFilterState>(DEFAULT_FILTERS);
  protected readonly list = cursorList<Delivery>(
    (cursor) =>
      this.api.list({ ...filtersToQuery(this.state(), Date.now()), limit: PAGE_SIZE, cursor }),
    (err) => this.notifier.report(err),
  );
  protected readonly choiceFilters = computed<ChoiceFilter[]>(() => [
    {
      label: 'Webhook',
      control: 'webhook_id',
      testid: 'deliveries-filter-webhook',
      any: 'All webhooks',
      options: (this.webhooks.value() ?? []).map((w) => ({ value: w.id, label: w.display_name })),
    },
    {
      label: 'Event',
      control: 'event',
      testid: 'deliveries-filter-event',
      any: 'All events',
      options: (this.eventTypes.value() ?? []).map((t) => ({ value: t.name, label: t.name })),
      mono: true,
    },
    {
      label: 'Status',
      control: 'status',
      testid: 'deliveries-filter-status',
      any: 'Any status',
      options: DELIVERY_STATUSES.map((st) => ({ value: st, label: STATUS_LABELS[st] })),
    },
  ]);
  protected readonly autoRefresh = signal(false);
  protected readonly custom = computed(() => this.state().range === 'custom');
  protected readonly filtered = computed(() => isFiltered(this.state()));
  private refreshSub: Subscription | null = null;

  protected readonly compact = toSignal(
    inject(BreakpointObserver)
      .observe('(max-width: 839.98px)')
      .pipe(map((r) => r.matches)),
    { initialValue: false },
  );
  protected readonly columns = computed(() =>
    this.compact()
      ? ['event', 'status']
      : ['event', 'key', 'status', 'http', 'attempts', 'time', 'id'],
  );

  ngOnInit(): void {
    this.webhooks.load();
    this.eventTypes.load();
    this.filters.bind(this.form, this.state, 250, () => this.list.reload());
  }

  protected reload(): void {
    this.list.reload();
  }

  protected setAutoRefresh(on: boolean): void {
    this.autoRefresh.set(on);
    this.refreshSub?.unsubscribe();
    this.refreshSub = on
      ? pollWhileVisible(AUTO_REFRESH_MS, () => this.list.refreshNewest(), this.destroyRef)
      : null;
  }

  /** Shows only the deliveries of one ordering key (a click on a key). */
  protected filterByKey(key: string): void {
    this.filters.show({ ...this.state(), ordering_key: key }, true);
  }

  protected webhookName(id: string | null, fallback: string): string {
    return (this.webhooks.value() ?? []).find((w) => w.id === id)?.display_name ?? fallback;
  }

  protected replayDeadLetters(): void {
    const data: ReplayDeadLettersData = {
      webhookId: this.state().webhook_id || undefined,
      webhooks: this.webhooks.value() ?? [],
    };
    this.dialogs.open(ReplayDeadLettersDialog, '480px', { data }).subscribe(() => this.reload());
  }

  protected readonly table: TableSpec<Delivery> = {
    testid: 'deliveries-table',
    rowTestid: 'delivery-row',
    rowClass: 'clickable',
    rowAttrs: (d) => ({
      'data-delivery-id': d.id,
      'data-status': d.status,
      'data-event': d.event,
      'data-ordering-key': d.ordering_key,
      'data-sequence': d.sequence,
    }),
  };

  protected open(d: Delivery): void {
    void this.router.navigate(['/deliveries', d.id]);
  }
}
