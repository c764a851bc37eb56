import {
  ChangeDetectionStrategy,
  Component,
  DestroyRef,
  computed,
  effect,
  inject,
  input,
  signal,
  untracked,
} from '@angular/core';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';
import { MatButtonModule } from '@angular/material/button';
import { MatExpansionModule } from '@angular/material/expansion';
import { MatIconModule } from '@angular/material/icon';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { MatTooltipModule } from '@angular/material/tooltip';
import { Router, RouterLink } from '@angular/router';
import { EMPTY, Subscription, catchError, exhaustMap, finalize, takeWhile, timer } from 'rxjs';
import { DeliveryAttempt, DeliveryDetail } from '../../core/api/api.types';
import { DeliveriesApi } from '../../core/api/deliveries-api';
import { remote } from '../../core/data/remote';
import { Notifier } from '../../core/errors/notifier';
import { CopyButton } from '../../shared/copy-button';
import { JsonView } from '../../shared/json-view';
import { StatusChip, httpTone } from '../../shared/status-chip';
import { TimeAgo } from '../../shared/time-ago';
import { HeadersTable } from './headers-table';
import { OrderingKey } from './ordering-key';
import { DetailView } from '../../shared/detail-view';
import { PageHeader } from '../../shared/page-header';
import { trackBusy } from '../../shared/track-busy';

/** How often and how long the page polls while an attempt is in flight. */
export const POLL_MS = 1500;
export const POLL_FOR_MS = 60_000;

const ERROR_HINTS: Record<string, string> = {
  timeout: 'No complete response within 5 seconds.',
  dns: 'The host name could not be resolved.',
  connection: 'The connection was refused or dropped.',
  tls: 'The TLS handshake failed (certificate not trusted, expired or for another host).',
  http_status: 'The receiver answered with a non-2xx status.',
  blocked_address: 'The URL resolves to a private or reserved address, which Zorio does not call.',
};

@Component({
  selector: 'app-delivery-detail-page',
  imports: [
    DetailView,
    PageHeader,
    RouterLink,
    MatButtonModule,
    MatExpansionModule,
    MatIconModule,
    MatProgressBarModule,
    MatTooltipModule,
    CopyButton,
    HeadersTable,
    JsonView,
    OrderingKey,
    StatusChip,
    TimeAgo,
  ],
  changeDetection: ChangeDetectionStrategy.OnPush,
  templateUrl: './delivery-detail-page.html',
  styles: `
    .panel-title {
      display: flex;
      align-items: center;
      flex-wrap: wrap;
      gap: 8px 12px;
    }
    .panel-title .num {
      font-weight: 600;
    }
    h3 {
      font: var(--mat-sys-title-small);
      margin: 16px 0 8px;
    }
    .attempt-error {
      margin: 8px 0 0;
      padding: 8px 12px;
      border-radius: 8px;
      background: var(--mat-sys-error-container);
      color: var(--mat-sys-on-error-container);
    }
    .truncated {
      font: var(--mat-sys-body-small);
      color: var(--mat-sys-on-surface-variant);
    }
    .grid2 {
      display: grid;
      grid-template-columns: 1fr 1fr;
      gap: 16px;
    }
    @media (max-width: 839.98px) {
      .grid2 {
        grid-template-columns: 1fr;
      }
    }
  `,
})
export class DeliveryDetailPage {
  /** Route parameter. */
  readonly id = input.required<string>();

  private readonly api = inject(DeliveriesApi);
  private readonly notifier = inject(Notifier);
  private readonly router = inject(Router);
  private readonly destroyRef = inject(DestroyRef);

  protected readonly detail = remote(() => this.api.get(this.id()));
  protected readonly delivery = computed(() => this.detail.value() ?? null);
  protected readonly replaying = signal(false);
  protected readonly polling = signal(false);
  protected readonly attempts = computed(() =>
    [...(this.delivery()?.attempts ?? [])].sort((a, b) => b.number - a.number),
  );
  protected readonly inFlight = computed(() => {
    const s = this.delivery()?.status;
    return s === 'pending' || s === 'retrying';
  });
  protected readonly httpTone = httpTone;
  private pollSub: Subscription | null = null;

  constructor() {
    // The page stays when a link leads to another delivery (e.g. the head of its key).
    effect(() => {
      this.id();
      untracked(() => {
        this.detail.clear();
        this.load();
      });
    });
    // A pending delivery is followed until its attempt is recorded.
    let followed: string | null = null;
    effect(() => {
      const d = this.delivery();
      if (d?.status === 'pending' && followed !== d.id && !untracked(this.polling)) {
        followed = d.id;
        untracked(() => this.pollUntil((n) => n.status !== 'pending'));
      }
    });
  }

  protected load(): void {
    this.pollSub?.unsubscribe();
    this.detail.load();
  }

  /** The deliveries of this delivery's key to the same webhook. */
  protected filterByKey(key: string): void {
    const d = this.delivery();
    void this.router.navigate(['/deliveries'], {
      queryParams: { ordering_key: key, webhook_id: d?.webhook_id ?? null },
    });
  }

  protected replay(): void {
    const d = this.delivery();
    if (!d) return;
    const before = d.attempt_count;
    this.api
      .replay(d.id)
      .pipe(trackBusy(this.replaying))
      .subscribe({
        next: (updated) => {
          this.detail.update((cur) => ({ ...cur, ...updated }));
          this.notifier.success('Replay queued: one more attempt with a fresh signature');
          // The attempt runs in the background; follow it until it is recorded.
          this.pollUntil((n) => n.attempt_count > before && n.status !== 'pending');
        },
        error: (err: unknown) => this.notifier.report(err),
      });
  }

  private pollUntil(done: (d: DeliveryDetail) => boolean): void {
    this.pollSub?.unsubscribe();
    this.polling.set(true);
    const started = Date.now();
    this.pollSub = timer(POLL_MS, POLL_MS)
      .pipe(
        takeWhile(() => Date.now() - started < POLL_FOR_MS),
        exhaustMap(() => this.api.get(this.id()).pipe(catchError(() => EMPTY))),
        takeWhile((d) => !done(d), true),
        finalize(() => this.polling.set(false)),
        takeUntilDestroyed(this.destroyRef),
      )
      .subscribe((d) => this.detail.set(d));
  }

  protected errorHint(a: DeliveryAttempt): string {
    return a.error ? (ERROR_HINTS[a.error.code] ?? '') : '';
  }
}
