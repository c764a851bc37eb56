import {
  ChangeDetectionStrategy,
  Component,
  OnInit,
  computed,
  inject,
  signal,
} from '@angular/core';
import { NonNullableFormBuilder, ReactiveFormsModule, Validators } from '@angular/forms';
import { MatAutocompleteModule } from '@angular/material/autocomplete';
import { MatButtonModule } from '@angular/material/button';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatIconModule } from '@angular/material/icon';
import { MatInputModule } from '@angular/material/input';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { AUDIT_ACTIONS, AuditEntry, AuditVerifyResult } from '../../core/api/api.types';
import { AuditApi } from '../../core/api/audit-api';
import { cursorList } from '../../core/data/cursor-list';
import { Notifier } from '../../core/errors/notifier';
import { CopyButton } from '../../shared/copy-button';
import { CursorListView } from '../../shared/cursor-list-view';
import { FilterToolbar } from '../../shared/filter-toolbar';
import { JsonView } from '../../shared/json-view';
import { TimeAgo } from '../../shared/time-ago';
import { urlFilters } from '../../shared/url-filters';
import {
  ACTION_PATTERN,
  AuditFilterState,
  EMPTY_AUDIT_FILTERS,
  TARGET_TYPE_PATTERN,
  auditFiltersFromParams,
  auditFiltersToParams,
  auditFiltersToQuery,
} from './audit-filters';
import { PageHeader } from '../../shared/page-header';
import { DateRangeFields } from '../../shared/date-range-fields';
import { trackBusy } from '../../shared/track-busy';

export const AUDIT_PAGE_SIZE = 50;

/** A free-text filter of actor or target: its field and, when it has rules, the error shown. */
interface IdFilter {
  label: string;
  control: 'actor_id' | 'target_type' | 'target_id';
  testid: string;
  placeholder?: string;
  error?: string;
}

@Component({
  selector: 'app-audit-log-page',
  imports: [
    ReactiveFormsModule,
    DateRangeFields,
    PageHeader,
    MatAutocompleteModule,
    MatButtonModule,
    MatFormFieldModule,
    MatIconModule,
    MatInputModule,
    MatProgressBarModule,
    CopyButton,
    CursorListView,
    FilterToolbar,
    JsonView,
    TimeAgo,
  ],
  changeDetection: ChangeDetectionStrategy.OnPush,
  templateUrl: './audit-log-page.html',
  styleUrl: './audit-log-page.scss',
})
export class AuditLogPage implements OnInit {
  private readonly api = inject(AuditApi);
  private readonly notifier = inject(Notifier);
  private readonly filters = urlFilters({
    fromParams: auditFiltersFromParams,
    toParams: auditFiltersToParams,
  });

  protected readonly actions = AUDIT_ACTIONS;
  protected readonly idFilters: readonly IdFilter[] = [
    { label: 'Actor id', control: 'actor_id', testid: 'audit-filter-actor' },
    {
      label: 'Target type',
      control: 'target_type',
      testid: 'audit-filter-target-type',
      placeholder: 'webhook',
      error: 'Lowercase letters and _ only',
    },
    { label: 'Target id', control: 'target_id', testid: 'audit-filter-target-id' },
  ];
  protected readonly form = inject(NonNullableFormBuilder).group({
    action: ['', Validators.pattern(ACTION_PATTERN)],
    actor_id: ['', Validators.maxLength(100)],
    target_type: ['', Validators.pattern(TARGET_TYPE_PATTERN)],
    target_id: ['', Validators.maxLength(100)],
    fromLocal: [''],
    toLocal: [''],
  });

  private readonly state = signal<AuditFilterState>(EMPTY_AUDIT_FILTERS);
  protected readonly list = cursorList<AuditEntry>(
    (cursor) =>
      this.api.list({ ...auditFiltersToQuery(this.state()), limit: AUDIT_PAGE_SIZE, cursor }),
    (err) => this.notifier.report(err),
  );
  protected readonly expanded = signal<ReadonlySet<string>>(new Set());
  protected readonly verifying = signal(false);
  protected readonly verifyResult = signal<AuditVerifyResult | null>(null);
  protected readonly filtered = computed(() => Object.values(this.state()).some(Boolean));
  protected readonly exportUrl = computed(() =>
    this.api.exportUrl(auditFiltersToQuery(this.state())),
  );

  ngOnInit(): void {
    this.filters.bind(this.form, this.state, 350, () => this.list.reload());
  }

  protected verify(): void {
    this.verifyResult.set(null);
    this.api
      .verify()
      .pipe(trackBusy(this.verifying))
      .subscribe({
        next: (r) => this.verifyResult.set(r),
        error: (err: unknown) => this.notifier.report(err),
      });
  }

  protected toggle(id: string): void {
    this.expanded.update((set) => {
      const next = new Set(set);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });
  }

  /** Filter by a value from a row (actor, action, target) with one click. */
  protected filterBy(patch: Partial<AuditFilterState>): void {
    this.filters.show({ ...this.state(), ...patch });
  }

  protected actionTone(action: string): string {
    if (/failed|deleted|revoked|suspended|dead_lettered/.test(action)) return 'bad';
    if (/created|resumed|login$/.test(action)) return 'good';
    return 'neutral';
  }
}
