import { ChangeDetectionStrategy, Component, inject, signal } from '@angular/core';
import { NonNullableFormBuilder, ReactiveFormsModule, Validators } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MAT_DIALOG_DATA, MatDialogModule } from '@angular/material/dialog';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatIconModule } from '@angular/material/icon';
import { MatInputModule } from '@angular/material/input';
import { MatSelectModule } from '@angular/material/select';
import { Webhook } from '../../core/api/api.types';
import { WebhooksApi } from '../../core/api/webhooks-api';
import { Notifier } from '../../core/errors/notifier';
import { isoToLocalInput, localInputToIso } from '../../core/ui/time';
import { trackBusy } from '../../shared/track-busy';

export interface ReplayDeadLettersData {
  /** The webhook to replay for; when absent the user picks one of `webhooks`. */
  webhookId?: string;
  webhooks: Pick<Webhook, 'id' | 'display_name'>[];
}

/** `POST /webhooks/:id/replay-dead-letters {since}`: every dead letter since a time, once more. */
@Component({
  selector: 'app-replay-dead-letters-dialog',
  imports: [
    ReactiveFormsModule,
    MatButtonModule,
    MatDialogModule,
    MatFormFieldModule,
    MatIconModule,
    MatInputModule,
    MatSelectModule,
  ],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <h2 mat-dialog-title>Replay dead letters</h2>
    <form [formGroup]="form" (ngSubmit)="submit()" novalidate>
      <mat-dialog-content data-testid="replay-dl-dialog">
        <p class="muted">
          Every delivery of this webhook that was dead-lettered since the time below gets one more
          attempt (same delivery id, fresh timestamp and signature).
        </p>
        <mat-form-field class="full">
          <mat-label>Webhook</mat-label>
          <mat-select formControlName="webhookId" data-testid="replay-dl-webhook" required>
            @for (w of data.webhooks; track w.id) {
              <mat-option [value]="w.id">{{ w.display_name }}</mat-option>
            }
          </mat-select>
          <mat-error>Pick a webhook.</mat-error>
        </mat-form-field>
        <mat-form-field class="full">
          <mat-label>Dead-lettered since</mat-label>
          <input
            matInput
            type="datetime-local"
            formControlName="since"
            data-testid="replay-dl-since"
            required
          />
          <mat-hint>Your local time.</mat-hint>
          <mat-error>Enter a date and time.</mat-error>
        </mat-form-field>
        @if (count() !== null) {
          <div class="banner success" role="status" data-testid="replay-dl-result">
            <mat-icon svgIcon="success" aria-hidden="true" />
            <p>
              {{
                count() === 0
                  ? 'No dead letters in that period.'
                  : count() + ' deliveries queued for replay.'
              }}
            </p>
          </div>
        }
      </mat-dialog-content>
      <mat-dialog-actions align="end">
        <button mat-button type="button" mat-dialog-close data-testid="replay-dl-close">
          {{ count() === null ? 'Cancel' : 'Close' }}
        </button>
        <button
          mat-flat-button
          type="submit"
          data-testid="replay-dl-submit"
          [disabled]="busy() || count() !== null"
        >
          <mat-icon svgIcon="replay" />Replay
        </button>
      </mat-dialog-actions>
    </form>
  `,
})
export class ReplayDeadLettersDialog {
  protected readonly data = inject<ReplayDeadLettersData>(MAT_DIALOG_DATA);
  private readonly api = inject(WebhooksApi);
  private readonly notifier = inject(Notifier);
  protected readonly form = inject(NonNullableFormBuilder).group({
    webhookId: [this.data.webhookId ?? '', Validators.required],
    since: [
      isoToLocalInput(new Date(Date.now() - 24 * 3600 * 1000).toISOString()),
      Validators.required,
    ],
  });
  protected readonly busy = signal(false);
  protected readonly count = signal<number | null>(null);

  constructor() {
    if (this.data.webhookId) this.form.controls.webhookId.disable();
  }

  protected submit(): void {
    const since = localInputToIso(this.form.controls.since.value);
    if (this.form.invalid || !since) {
      this.form.markAllAsTouched();
      return;
    }
    this.api
      .replayDeadLetters(this.form.getRawValue().webhookId, since)
      .pipe(trackBusy(this.busy))
      .subscribe({
        next: ({ count }) => this.count.set(count),
        error: (err: unknown) => this.notifier.report(err, { form: this.form }),
      });
  }
}
