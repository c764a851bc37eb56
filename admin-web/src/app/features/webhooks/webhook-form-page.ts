import {
  ChangeDetectionStrategy,
  Component,
  OnInit,
  computed,
  effect,
  inject,
  input,
  signal,
} from '@angular/core';
import { toSignal } from '@angular/core/rxjs-interop';
import { AbstractControl, ReactiveFormsModule } from '@angular/forms';
import { ErrorStateMatcher } from '@angular/material/core';
import { MatButtonModule } from '@angular/material/button';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatIconModule } from '@angular/material/icon';
import { MatInputModule } from '@angular/material/input';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { MatRadioModule } from '@angular/material/radio';
import { Router, RouterLink } from '@angular/router';
import { forkJoin, of } from 'rxjs';
import { EventTypesApi, groupByModule } from '../../core/api/event-types-api';
import { Webhook, WebhookInput } from '../../core/api/api.types';
import { WebhooksApi } from '../../core/api/webhooks-api';
import { remote } from '../../core/data/remote';
import { Notifier } from '../../core/errors/notifier';
import { Dialogs } from '../../shared/dialogs';
import { ViewState } from '../../shared/view-state';
import { EventPicker } from './event-picker';
import { urlErrorMessage } from './https-url.validator';
import {
  MAX_IN_FLIGHT,
  MAX_NAME_LENGTH,
  RATE_LIMIT,
  WebhookField,
  WebhookFormValue,
  buildWebhookForm,
  createInput,
  formValueOf,
  patchInput,
  webhookFieldError,
} from './webhook-form';

/** Create (`/webhooks/new`) and edit (`/webhooks/:id/edit`) a webhook. */
@Component({
  selector: 'app-webhook-form-page',
  imports: [
    ReactiveFormsModule,
    RouterLink,
    MatButtonModule,
    MatFormFieldModule,
    MatIconModule,
    MatInputModule,
    MatProgressBarModule,
    MatRadioModule,
    EventPicker,
    ViewState,
  ],
  changeDetection: ChangeDetectionStrategy.OnPush,
  templateUrl: './webhook-form-page.html',
  styles: `
    form {
      display: flex;
      flex-direction: column;
    }
    mat-form-field + mat-form-field {
      margin-top: 16px;
    }
    .events-head {
      display: flex;
      flex-wrap: wrap;
      align-items: baseline;
      justify-content: space-between;
      gap: 8px;
      margin: 8px 0;
    }
    .events-head h2 {
      margin: 0;
    }
    .events-error {
      color: var(--mat-sys-error);
      font: var(--mat-sys-body-small);
      margin: 6px 0 0;
    }
    .form-actions {
      display: flex;
      justify-content: flex-end;
      gap: 8px;
      flex-wrap: wrap;
    }
    .url-ok {
      color: var(--app-on-success-container);
    }
    .section-intro {
      margin: 0 0 16px;
    }
    .lane-fields {
      display: grid;
      grid-template-columns: repeat(auto-fit, minmax(240px, 1fr));
      gap: 16px 24px;
    }
    .lane-fields mat-form-field + mat-form-field {
      margin-top: 0;
    }
    h3 {
      font: var(--mat-sys-title-small);
      margin: 24px 0 4px;
    }
    .ordering {
      display: flex;
      flex-direction: column;
      gap: 4px;
    }
    .option-title {
      display: block;
      font-weight: 500;
    }
    .option-help {
      display: block;
      color: var(--mat-sys-on-surface-variant);
      font: var(--mat-sys-body-small);
    }
  `,
})
export class WebhookFormPage implements OnInit {
  /** Route parameter: present when editing. */
  readonly id = input<string | undefined>();

  private readonly webhooksApi = inject(WebhooksApi);
  private readonly eventTypesApi = inject(EventTypesApi);
  private readonly notifier = inject(Notifier);
  private readonly dialogs = inject(Dialogs);
  private readonly router = inject(Router);

  protected readonly form = buildWebhookForm();
  protected readonly maxName = MAX_NAME_LENGTH;
  protected readonly maxInFlight = MAX_IN_FLIGHT;
  protected readonly rateLimit = RATE_LIMIT;
  /** The values the edit form was loaded with: the PATCH sends only what differs. */
  private initial: WebhookFormValue | null = null;
  /** The catalogue, and the webhook when editing. */
  protected readonly loaded = remote(() => {
    const id = this.id();
    return forkJoin({
      types: this.eventTypesApi.list(),
      webhook: id ? this.webhooksApi.get(id) : of(null),
    });
  });
  protected readonly groups = computed(() => groupByModule(this.loaded.value()?.types ?? []));
  protected readonly original = computed<Webhook | null>(
    () => this.loaded.value()?.webhook ?? null,
  );
  protected readonly saving = signal(false);
  protected readonly editing = computed(() => !!this.id());

  private readonly nameValue = toSignal(this.form.controls.display_name.valueChanges, {
    initialValue: '',
  });
  private readonly eventsValue = toSignal(this.form.controls.events.valueChanges, {
    initialValue: [] as string[],
  });
  protected readonly nameLength = computed(() => this.nameValue().length);
  protected readonly selectedCount = computed(() => this.eventsValue().length);
  /** The URL is checked as the user types, not only once the field loses focus. */
  protected readonly asYouType = asYouTypeMatcher;

  ngOnInit(): void {
    this.load();
  }

  constructor() {
    // The edit form takes the webhook's values once, when it arrives.
    effect(() => {
      const webhook = this.original();
      if (webhook && !this.initial) {
        this.initial = formValueOf(webhook);
        this.form.setValue(this.initial);
      }
    });
  }

  protected load(): void {
    this.loaded.load();
  }

  protected urlError(): string | null {
    return urlErrorMessage(this.form.controls.url);
  }

  protected fieldError(name: WebhookField): string | null {
    return webhookFieldError(name, this.form.controls[name]);
  }

  protected submit(): void {
    if (this.form.invalid) {
      this.form.markAllAsTouched();
      focusFirstInvalid();
      return;
    }
    const value = this.form.getRawValue();
    const original = this.original();
    if (original) this.save(original, patchInput(value, this.initial ?? formValueOf(original)));
    else this.create(createInput(value));
  }

  private save(original: Webhook, patch: Partial<WebhookInput> | null): void {
    if (!patch) {
      void this.router.navigate(['/webhooks', original.id]);
      return;
    }
    this.saving.set(true);
    this.webhooksApi.update(original.id, patch).subscribe({
      next: (w) => {
        this.saving.set(false);
        this.notifier.success('Webhook saved');
        void this.router.navigate(['/webhooks', w.id]);
      },
      error: (err: unknown) => this.failed(err),
    });
  }

  private create(input: WebhookInput): void {
    this.saving.set(true);
    this.webhooksApi.create(input).subscribe({
      next: ({ data, secret }) => {
        this.saving.set(false);
        this.form.markAsPristine();
        this.dialogs
          .secret({
            title: 'Webhook created',
            label: 'Signing secret',
            value: secret,
            intro: `Use this secret in your receiver to verify the X-Zorio-Signature header of every request sent to ${data.url}.`,
          })
          .subscribe(() => void this.router.navigate(['/webhooks', data.id]));
      },
      error: (err: unknown) => this.failed(err),
    });
  }

  private failed(err: unknown): void {
    this.saving.set(false);
    this.notifier.report(err, { form: this.form });
    focusFirstInvalid();
  }
}

const asYouTypeMatcher: ErrorStateMatcher = {
  isErrorState: (control: AbstractControl | null) =>
    !!control && control.invalid && (control.dirty || control.touched),
};

function focusFirstInvalid(): void {
  setTimeout(() => {
    document.querySelector<HTMLElement>('form .ng-invalid input, form input.ng-invalid')?.focus();
  });
}
