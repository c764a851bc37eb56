import { ChangeDetectionStrategy, Component, computed, inject, signal } from '@angular/core';
import { FormsModule } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MAT_DIALOG_DATA, MatDialogModule } from '@angular/material/dialog';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatIconModule } from '@angular/material/icon';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { MatSelectModule } from '@angular/material/select';
import { RouterLink } from '@angular/router';
import { DeliveryDetail, Webhook } from '../../core/api/api.types';
import { WebhooksApi } from '../../core/api/webhooks-api';
import { ApiError } from '../../core/errors/api-error';
import { Notifier } from '../../core/errors/notifier';
import { JsonView } from '../../shared/json-view';
import { StatusChip, httpTone } from '../../shared/status-chip';
import { TimeAgo } from '../../shared/time-ago';
import { trackBusy } from '../../shared/track-busy';

/** Sends one sample of a subscribed event through the real path and shows what came back. */
@Component({
  selector: 'app-send-test-dialog',
  imports: [
    FormsModule,
    RouterLink,
    MatButtonModule,
    MatDialogModule,
    MatFormFieldModule,
    MatIconModule,
    MatProgressBarModule,
    MatSelectModule,
    JsonView,
    StatusChip,
    TimeAgo,
  ],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <h2 mat-dialog-title>Send test event</h2>
    <mat-dialog-content data-testid="test-dialog">
      <p class="muted">
        Sends a realistic sample to <span class="mono">{{ webhook.url }}</span> with the header
        <span class="mono">X-Zorio-Test: true</span>. One attempt, no retries; it is kept in the
        delivery history.
      </p>
      <mat-form-field class="full">
        <mat-label>Event</mat-label>
        <mat-select
          [(ngModel)]="event"
          data-testid="test-event-select"
          [disabled]="sending()"
          name="event"
        >
          @for (e of webhook.events; track e) {
            <mat-option [value]="e" class="mono">{{ e }}</mat-option>
          }
        </mat-select>
      </mat-form-field>
      @if (sending()) {
        <mat-progress-bar mode="indeterminate" aria-label="Sending test event" />
        <p class="muted" role="status">Waiting for your receiver (up to 5 seconds)…</p>
      }
      @if (result(); as r) {
        <div class="result" data-testid="test-result" [attr.data-status]="r.status" role="status">
          <div class="result-head">
            <app-status-chip [status]="r.status" data-testid="test-result-status" />
            @if (attempt(); as a) {
              <app-status-chip
                [status]="a.response_status === null ? 'no-response' : '' + a.response_status"
                [label]="a.response_status === null ? 'No response' : 'HTTP ' + a.response_status"
                [tone]="tone(a.response_status)"
                data-testid="test-result-response-status"
              />
              <span class="muted" data-testid="test-result-duration">{{ a.duration_ms }} ms</span>
              <app-time [value]="a.started_at" />
            }
          </div>
          @if (attempt()?.error; as err) {
            <p class="error-line" data-testid="test-result-error">
              <strong>{{ err.code }}</strong>: {{ err.message }}
            </p>
          }
          <h3>Response body</h3>
          @if (attempt()?.response_body) {
            <app-json
              [value]="attempt()?.response_body"
              label="Response body"
              testid="test-result-body"
            />
          } @else {
            <p class="muted" data-testid="test-result-body">(empty)</p>
          }
          <a
            mat-button
            [routerLink]="['/deliveries', r.id]"
            mat-dialog-close
            data-testid="test-result-delivery-link"
            >Open delivery <span class="mono">{{ r.id.slice(0, 8) }}</span></a
          >
        </div>
      }
      @if (error(); as e) {
        <div class="banner error" role="alert" data-testid="test-error">
          <mat-icon svgIcon="error" aria-hidden="true" />
          <p>{{ e.message }}</p>
        </div>
      }
    </mat-dialog-content>
    <mat-dialog-actions align="end">
      <button mat-button type="button" mat-dialog-close data-testid="test-dialog-close">
        Close
      </button>
      <button
        mat-flat-button
        type="button"
        data-testid="test-event-send"
        [disabled]="sending() || !event"
        (click)="send()"
      >
        <mat-icon svgIcon="send" />{{ result() ? 'Send again' : 'Send test event' }}
      </button>
    </mat-dialog-actions>
  `,
  styles: `
    .result {
      margin-top: 8px;
      display: flex;
      flex-direction: column;
      gap: 8px;
    }
    .result-head {
      display: flex;
      flex-wrap: wrap;
      align-items: center;
      gap: 8px;
    }
    h3 {
      font: var(--mat-sys-title-small);
      margin: 8px 0 0;
    }
    .error-line {
      margin: 0;
      color: var(--mat-sys-error);
    }
  `,
})
export class SendTestDialog {
  protected readonly webhook = inject<Webhook>(MAT_DIALOG_DATA);
  private readonly api = inject(WebhooksApi);
  private readonly notifier = inject(Notifier);
  protected event = this.webhook.events[0] ?? '';
  protected readonly sending = signal(false);
  protected readonly result = signal<DeliveryDetail | null>(null);
  protected readonly error = signal<ApiError | null>(null);
  protected readonly attempt = computed(() => {
    const attempts = this.result()?.attempts ?? [];
    return attempts.length ? attempts[attempts.length - 1] : null;
  });
  protected readonly tone = httpTone;

  protected send(): void {
    this.error.set(null);
    this.result.set(null);
    this.api
      .sendTest(this.webhook.id, this.event)
      .pipe(trackBusy(this.sending))
      .subscribe({
        next: (d) => this.result.set(d),
        error: (err: unknown) => this.error.set(this.notifier.report(err, { silent: true })),
      });
  }
}
