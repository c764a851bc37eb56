import {
  ChangeDetectionStrategy,
  Component,
  DestroyRef,
  OnInit,
  computed,
  inject,
  input,
  signal,
} from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MatIconModule } from '@angular/material/icon';
import { MatMenuModule } from '@angular/material/menu';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { MatTooltipModule } from '@angular/material/tooltip';
import { Router, RouterLink } from '@angular/router';
import { Observable, filter, map } from 'rxjs';
import { Webhook } from '../../core/api/api.types';
import { DeliveriesApi } from '../../core/api/deliveries-api';
import { WebhooksApi } from '../../core/api/webhooks-api';
import { pollWhileVisible, remote } from '../../core/data/remote';
import { Notifier } from '../../core/errors/notifier';
import { CopyButton } from '../../shared/copy-button';
import { ConfirmData } from '../../shared/confirm-dialog';
import { Dialogs } from '../../shared/dialogs';
import { StatusChip, httpTone } from '../../shared/status-chip';
import { TimeAgo } from '../../shared/time-ago';
import { moduleLabel } from './event-picker';
import { LANE_REFRESH_MS } from './lane';
import { LaneStatus } from './lane-status';
import { ReplayDeadLettersDialog, ReplayDeadLettersData } from './replay-dead-letters-dialog';
import { SendTestDialog } from './send-test-dialog';
import { DetailView } from '../../shared/detail-view';
import { PageHeader } from '../../shared/page-header';

type Busy = null | 'pause' | 'resume' | 'rotate' | 'delete';

@Component({
  selector: 'app-webhook-detail-page',
  imports: [
    DetailView,
    PageHeader,
    RouterLink,
    MatButtonModule,
    MatIconModule,
    MatMenuModule,
    MatProgressBarModule,
    MatTooltipModule,
    CopyButton,
    LaneStatus,
    StatusChip,
    TimeAgo,
  ],
  changeDetection: ChangeDetectionStrategy.OnPush,
  templateUrl: './webhook-detail-page.html',
  styles: `
    .events {
      display: flex;
      flex-wrap: wrap;
      gap: 6px;
    }
    .event {
      font-size: 12px;
      padding: 2px 8px;
      border-radius: 6px;
      background: var(--mat-sys-surface-container-high);
    }
    .recent {
      list-style: none;
      padding: 0;
      margin: 0;
    }
    .recent li a {
      display: grid;
      grid-template-columns: auto 1fr auto auto;
      align-items: center;
      gap: 12px;
      padding: 8px;
      border-radius: 8px;
      color: inherit;
      text-decoration: none;
    }
    .recent li a:hover,
    .recent li a:focus-visible {
      background: var(--mat-sys-surface-container-low);
    }
    .recent .ev {
      overflow: hidden;
      text-overflow: ellipsis;
      white-space: nowrap;
    }
    @media (max-width: 599.98px) {
      .recent li a {
        grid-template-columns: 1fr auto;
      }
      .recent .code {
        display: none;
      }
    }
    .section-head {
      display: flex;
      justify-content: space-between;
      align-items: center;
      gap: 8px;
      flex-wrap: wrap;
      margin-bottom: 8px;
    }
    .section-head h2 {
      margin: 0;
    }
    .live {
      font: var(--mat-sys-body-small);
    }
    .danger {
      display: flex;
      flex-wrap: wrap;
      justify-content: space-between;
      align-items: center;
      gap: 12px;
    }
    .danger p {
      margin: 4px 0 0;
    }
  `,
})
export class WebhookDetailPage implements OnInit {
  /** Route parameter. */
  readonly id = input.required<string>();

  private readonly api = inject(WebhooksApi);
  private readonly deliveriesApi = inject(DeliveriesApi);
  private readonly dialogs = inject(Dialogs);
  private readonly notifier = inject(Notifier);
  private readonly router = inject(Router);
  private readonly destroyRef = inject(DestroyRef);

  /** The webhook, re-read quietly every few seconds while visible: its lane is live. */
  protected readonly webhook = remote(() => this.api.get(this.id()));
  protected readonly readAt = computed(() => Date.parse(this.webhook.updatedAt() ?? '') || null);
  protected readonly recent = remote(() =>
    this.deliveriesApi.list({ webhook_id: this.id(), limit: 10 }).pipe(map((p) => p.data)),
  );
  protected readonly busy = signal<Busy>(null);
  protected readonly moduleLabel = moduleLabel;
  protected readonly httpTone = httpTone;
  protected readonly refreshSeconds = LANE_REFRESH_MS / 1000;

  ngOnInit(): void {
    this.load();
    pollWhileVisible(LANE_REFRESH_MS, () => this.webhook.refresh(), this.destroyRef);
  }

  protected load(): void {
    this.webhook.load();
    this.recent.load();
  }

  protected loadRecent(): void {
    this.recent.load();
  }

  /** The header's Pause (active) or Resume (paused) button; a suspended one has Re-enable. */
  protected pauseToggle(w: Webhook): { kind: 'pause' | 'resume'; icon: string; label: string } {
    if (w.status === 'active') {
      return {
        kind: 'pause',
        icon: 'pause',
        label: this.busy() === 'pause' ? 'Pausing…' : 'Pause',
      };
    }
    const label = this.busy() === 'resume' ? 'Resuming…' : 'Resume';
    return { kind: 'resume', icon: 'play', label };
  }

  protected pause(): void {
    this.setStatus(
      'pause',
      this.api.pause(this.id()),
      'Webhook paused: no events are sent until you resume it.',
    );
  }

  protected resume(w: Webhook): void {
    this.setStatus(
      'resume',
      this.api.resume(this.id()),
      w.status === 'suspended' ? 'Webhook re-enabled' : 'Webhook resumed',
    );
  }

  protected rotate(w: Webhook): void {
    const confirm: ConfirmData = {
      title: 'Rotate signing secret?',
      message:
        'A new secret is generated and the current one stops signing immediately: the next ' +
        'event, including retries of older deliveries, is signed with the new secret. Update ' +
        'your receiver right after.',
      confirmLabel: 'Rotate secret',
      destructive: true,
    };
    this.confirmThenRun(
      confirm,
      'rotate',
      () => this.api.rotateSecret(w.id),
      ({ data, secret }) => {
        this.webhook.set(data);
        this.dialogs
          .secret({
            title: 'New signing secret',
            label: 'Signing secret',
            value: secret,
            intro: `The old secret no longer works. Put this one in the receiver at ${data.url}.`,
          })
          .subscribe();
      },
    );
  }

  protected remove(w: Webhook): void {
    const confirm: ConfirmData = {
      title: 'Delete webhook?',
      message:
        `"${w.display_name}" stops receiving events at once. This cannot be undone. ` +
        'Its delivery history stays until it expires and the audit log keeps the record.',
      confirmLabel: 'Delete webhook',
      destructive: true,
      typeToConfirm: w.display_name,
    };
    this.confirmThenRun(
      confirm,
      'delete',
      () => this.api.delete(w.id),
      () => {
        this.notifier.success(`Webhook "${w.display_name}" deleted`);
        void this.router.navigate(['/webhooks']);
      },
    );
  }

  protected sendTest(w: Webhook): void {
    this.dialogs.open(SendTestDialog, '640px', { data: w }).subscribe(() => this.loadRecent());
  }

  protected replayDeadLetters(w: Webhook): void {
    const data: ReplayDeadLettersData = { webhookId: w.id, webhooks: [w] };
    this.dialogs
      .open(ReplayDeadLettersDialog, '480px', { data })
      .subscribe(() => this.loadRecent());
  }

  /** A pause or resume: the webhook as it is now replaces the shown one. */
  private setStatus(kind: Busy, request: Observable<Webhook>, done: string): void {
    this.run(kind, request, (w) => {
      this.webhook.set(w);
      this.notifier.success(done);
    });
  }

  /** Runs `request()` once the user confirms. */
  private confirmThenRun<T>(
    confirm: ConfirmData,
    kind: Busy,
    request: () => Observable<T>,
    done: (result: T) => void,
  ): void {
    this.dialogs
      .confirm(confirm)
      .pipe(filter(Boolean))
      .subscribe(() => this.run(kind, request(), done));
  }

  /** Marks the page busy with `kind` while `request` runs; a failure is reported. */
  private run<T>(kind: Busy, request: Observable<T>, done: (result: T) => void): void {
    this.busy.set(kind);
    request.subscribe({
      next: (result) => {
        this.busy.set(null);
        done(result);
      },
      error: (err: unknown) => {
        this.busy.set(null);
        this.notifier.report(err);
      },
    });
  }
}
