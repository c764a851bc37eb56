import { ChangeDetectionStrategy, Component, inject, signal } from '@angular/core';
import { ReactiveFormsModule } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MatCheckboxModule } from '@angular/material/checkbox';
import { MatDialogModule, MatDialogRef } from '@angular/material/dialog';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { ApiTokenCreated, ApiTokenInput, SCOPES, Scope } from '../../core/api/api.types';
import { ApiTokensApi } from '../../core/api/api-tokens-api';
import { Notifier } from '../../core/errors/notifier';
import { MAX_EXPIRY_DAYS, buildTokenForm, parseIpList } from './token-form';
import { trackBusy } from '../../shared/track-busy';

export const SCOPE_INFO: Record<Scope, { label: string; help: string }> = {
  pbx_api_access: { label: 'PBX', help: 'CDR ingestion and queries (/api/pbx/*)' },
  telesales_api_access: {
    label: 'Telesales',
    help: 'Campaigns, leads, dispositions (/api/telesales/*)',
  },
  autocall_api_access: {
    label: 'AutoCall',
    help: 'AutoCall campaigns and call events (/api/autocall/*)',
  },
};

@Component({
  selector: 'app-token-create-dialog',
  imports: [
    ReactiveFormsModule,
    MatButtonModule,
    MatCheckboxModule,
    MatDialogModule,
    MatFormFieldModule,
    MatInputModule,
  ],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <h2 mat-dialog-title>Create API token</h2>
    <form [formGroup]="form" (ngSubmit)="submit()" novalidate data-testid="token-form">
      <mat-dialog-content>
        <p class="muted">
          Machine tokens call the domain APIs (PBX, Telesales, AutoCall). They can never manage
          webhooks.
        </p>
        <mat-form-field class="full">
          <mat-label>Name</mat-label>
          <input matInput formControlName="name" data-testid="token-name" required />
          <mat-hint>Who or what uses it, e.g. "CRM sync".</mat-hint>
          <mat-error>{{ message('name') }}</mat-error>
        </mat-form-field>

        <fieldset class="scopes" [class.invalid]="scopeError()">
          <legend>Scopes</legend>
          @for (s of scopes; track s) {
            <div class="scope">
              <mat-checkbox
                [checked]="form.controls.scopes.value.includes(s)"
                (change)="toggleScope(s, $event.checked)"
                [attr.data-testid]="'token-scope-' + s"
                [aria-describedby]="'scope-help-' + s"
              >
                <strong>{{ info[s].label }}</strong> <span class="mono small">{{ s }}</span>
              </mat-checkbox>
              <p class="help" [id]="'scope-help-' + s">{{ info[s].help }}</p>
            </div>
          }
          @if (scopeError(); as e) {
            <p class="error" role="alert" data-testid="token-scopes-error">{{ e }}</p>
          }
        </fieldset>

        <mat-form-field class="full">
          <mat-label>IP allowlist (optional)</mat-label>
          <textarea
            matInput
            formControlName="ip_allowlist"
            rows="2"
            class="mono"
            placeholder="203.0.113.7, 198.51.100.0/24"
            data-testid="token-ip-allowlist"
          ></textarea>
          <mat-hint
            >Addresses or CIDR ranges, separated by commas or new lines. Empty: any IP.</mat-hint
          >
          <mat-error>{{ message('ip_allowlist') }}</mat-error>
        </mat-form-field>

        <mat-form-field class="full">
          <mat-label>Expires in (days, optional)</mat-label>
          <input
            matInput
            type="number"
            min="1"
            [max]="maxDays"
            step="1"
            formControlName="expires_in_days"
            data-testid="token-expires-in-days"
          />
          <mat-hint>Empty: never expires. At most {{ maxDays }}.</mat-hint>
          <mat-error>{{ message('expires_in_days') }}</mat-error>
        </mat-form-field>
      </mat-dialog-content>
      <mat-dialog-actions align="end">
        <button mat-button type="button" mat-dialog-close>Cancel</button>
        <button mat-flat-button type="submit" [disabled]="saving()" data-testid="token-form-submit">
          {{ saving() ? 'Creating…' : 'Create token' }}
        </button>
      </mat-dialog-actions>
    </form>
  `,
  styles: `
    mat-form-field {
      margin-bottom: 8px;
    }
    .scopes {
      border: 1px solid var(--mat-sys-outline-variant);
      border-radius: 12px;
      padding: 4px 12px 8px;
      margin: 4px 0 16px;
    }
    .scopes.invalid {
      border-color: var(--mat-sys-error);
    }
    legend {
      font: var(--mat-sys-label-large);
      padding: 0 4px;
    }
    .help {
      margin: -6px 0 4px 40px;
      font: var(--mat-sys-body-small);
      color: var(--mat-sys-on-surface-variant);
    }
    .small {
      font-size: 12px;
      color: var(--mat-sys-on-surface-variant);
      margin-left: 6px;
    }
    .error {
      color: var(--mat-sys-error);
      font: var(--mat-sys-body-small);
      margin: 4px 0 0;
    }
  `,
})
export class TokenCreateDialog {
  private readonly api = inject(ApiTokensApi);
  private readonly notifier = inject(Notifier);
  private readonly ref = inject<MatDialogRef<TokenCreateDialog, ApiTokenCreated>>(MatDialogRef);
  protected readonly form = buildTokenForm();
  protected readonly scopes = SCOPES;
  protected readonly info = SCOPE_INFO;
  protected readonly maxDays = MAX_EXPIRY_DAYS;
  protected readonly saving = signal(false);
  protected readonly scopesTouched = signal(false);

  protected toggleScope(scope: Scope, on: boolean): void {
    const current = this.form.controls.scopes.value;
    const next = on ? [...current, scope] : current.filter((s) => s !== scope);
    this.form.controls.scopes.setValue(SCOPES.filter((s) => next.includes(s)));
    this.scopesTouched.set(true);
  }

  protected scopeError(): string | null {
    const c = this.form.controls.scopes;
    if (!c.errors || !(this.scopesTouched() || c.touched)) return null;
    if (typeof c.errors['server'] === 'string') return c.errors['server'];
    return 'Pick at least one scope.';
  }

  protected message(name: 'name' | 'ip_allowlist' | 'expires_in_days'): string {
    const e = this.form.controls[name].errors;
    if (!e) return '';
    if (typeof e['server'] === 'string') return e['server'];
    if (e['required']) return 'Required.';
    if (e['maxlength']) return 'At most 100 characters.';
    if (e['ipList']) {
      const bad = (e['ipList'] as { invalid: string[] }).invalid;
      return `Not an IP address or CIDR range: ${bad.join(', ')}`;
    }
    if (e['min'] || e['max'] || e['pattern']) return `A whole number from 1 to ${MAX_EXPIRY_DAYS}.`;
    return 'Invalid.';
  }

  protected submit(): void {
    if (this.form.invalid) {
      this.form.markAllAsTouched();
      this.scopesTouched.set(true);
      return;
    }
    const v = this.form.getRawValue();
    const input: ApiTokenInput = { name: v.name.trim(), scopes: v.scopes };
    const ips = parseIpList(v.ip_allowlist);
    if (ips.length) input.ip_allowlist = ips;
    if (v.expires_in_days !== null && `${v.expires_in_days}` !== '') {
      input.expires_in_days = Number(v.expires_in_days);
    }
    this.api
      .create(input)
      .pipe(trackBusy(this.saving))
      .subscribe({
        next: (created) => this.ref.close(created),
        error: (err: unknown) => {
          this.scopesTouched.set(true);
          this.notifier.report(err, { form: this.form });
        },
      });
  }
}
