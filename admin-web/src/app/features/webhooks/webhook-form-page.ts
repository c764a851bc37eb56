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
import { takeUntilDestroyed, toSignal } from '@angular/core/rxjs-interop';
import { AbstractControl, ReactiveFormsModule } from '@angular/forms';
import { ErrorStateMatcher } from '@angular/material/core';
import { MatButtonModule } from '@angular/material/button';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatIconModule } from '@angular/material/icon';
import { MatInputModule } from '@angular/material/input';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { Router, RouterLink } from '@angular/router';
import { switchMap } from 'rxjs';
import { EventGroup, EventTypesApi, groupByModule } from '../../core/api/event-types-api';
import { Webhook, WebhookInput } from '../../core/api/api.types';
import { WebhooksApi } from '../../core/api/webhooks-api';
import { ApiError, toApiError } from '../../core/errors/api-error';
import { Notifier } from '../../core/errors/notifier';
import { Dialogs } from '../../shared/dialogs';
import { ViewState } from '../../shared/view-state';
import { EventPicker } from './event-picker';
import { urlErrorMessage } from './https-url.validator';
import { MAX_NAME_LENGTH, buildWebhookForm } from './webhook-form';

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
  private readonly destroyRef = inject(DestroyRef);

  protected readonly form = buildWebhookForm();
  protected readonly maxName = MAX_NAME_LENGTH;
  protected readonly groups = signal<EventGroup[]>([]);
  protected readonly loading = signal(true);
  protected readonly loadError = signal<ApiError | null>(null);
  protected readonly saving = signal(false);
  protected readonly original = signal<Webhook | null>(null);
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

  protected load(): void {
    this.loading.set(true);
    this.loadError.set(null);
    const id = this.id();
    this.eventTypesApi
      .list()
      .pipe(
        switchMap((types) => {
          this.groups.set(groupByModule(types));
          return id ? this.webhooksApi.get(id) : [null];
        }),
        takeUntilDestroyed(this.destroyRef),
      )
      .subscribe({
        next: (webhook) => {
          if (webhook) {
            this.original.set(webhook);
            this.form.setValue({
              display_name: webhook.display_name,
              url: webhook.url,
              events: webhook.events,
            });
          }
          this.loading.set(false);
        },
        error: (err: unknown) => {
          this.loadError.set(toApiError(err));
          this.loading.set(false);
        },
      });
  }

  protected urlError(): string | null {
    return urlErrorMessage(this.form.controls.url);
  }

  protected fieldError(name: 'display_name' | 'events'): string | null {
    const c = this.form.controls[name];
    if (!c.errors || !(c.touched || c.dirty)) return null;
    if (typeof c.errors['server'] === 'string') return c.errors['server'];
    if (name === 'display_name') {
      if (c.errors['required'] || c.errors['blank']) return 'Give the webhook a name.';
      if (c.errors['maxlength']) return `At most ${MAX_NAME_LENGTH} characters.`;
    }
    if (name === 'events' && c.errors['required']) return 'Pick at least one event.';
    return null;
  }

  protected submit(): void {
    if (this.form.invalid) {
      this.form.markAllAsTouched();
      focusFirstInvalid();
      return;
    }
    const value = this.form.getRawValue();
    const input: WebhookInput = {
      display_name: value.display_name.trim(),
      url: value.url.trim(),
      events: value.events,
    };
    this.saving.set(true);
    const original = this.original();
    if (original) {
      const patch: Partial<WebhookInput> = {};
      if (input.display_name !== original.display_name) patch.display_name = input.display_name;
      if (input.url !== original.url) patch.url = input.url;
      if (!sameList(input.events, original.events)) patch.events = input.events;
      if (!Object.keys(patch).length) {
        this.saving.set(false);
        void this.router.navigate(['/webhooks', original.id]);
        return;
      }
      this.webhooksApi.update(original.id, patch).subscribe({
        next: (w) => {
          this.saving.set(false);
          this.notifier.success('Webhook saved');
          void this.router.navigate(['/webhooks', w.id]);
        },
        error: (err: unknown) => this.failed(err),
      });
      return;
    }
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

function sameList(a: string[], b: string[]): boolean {
  return a.length === b.length && [...a].sort().join('\n') === [...b].sort().join('\n');
}

function focusFirstInvalid(): void {
  setTimeout(() => {
    document.querySelector<HTMLElement>('form .ng-invalid input, form input.ng-invalid')?.focus();
  });
}
