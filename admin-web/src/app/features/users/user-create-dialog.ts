import { ChangeDetectionStrategy, Component, inject, signal } from '@angular/core';
import { ReactiveFormsModule } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MatDialogModule, MatDialogRef } from '@angular/material/dialog';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { MatRadioModule } from '@angular/material/radio';
import { User } from '../../core/api/api.types';
import { UsersApi } from '../../core/api/users-api';
import { Notifier } from '../../core/errors/notifier';
import { CopyButton } from '../../shared/copy-button';
import { PasswordToggle } from '../../shared/password-toggle';
import { PASSWORD_MIN, buildUserForm, generatePassword } from './user-form';
import { trackBusy } from '../../shared/track-busy';

@Component({
  selector: 'app-user-create-dialog',
  imports: [
    ReactiveFormsModule,
    MatButtonModule,
    MatDialogModule,
    MatFormFieldModule,
    MatInputModule,
    MatRadioModule,
    CopyButton,
    PasswordToggle,
  ],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <h2 mat-dialog-title>Add user</h2>
    <form [formGroup]="form" (ngSubmit)="submit()" novalidate data-testid="user-form">
      <mat-dialog-content>
        <mat-form-field class="full">
          <mat-label>Email</mat-label>
          <input matInput type="email" formControlName="email" data-testid="user-email" required />
          <mat-error>{{ message('email') }}</mat-error>
        </mat-form-field>
        <mat-form-field class="full">
          <mat-label>Name</mat-label>
          <input matInput formControlName="name" data-testid="user-name" required />
          <mat-error>{{ message('name') }}</mat-error>
        </mat-form-field>
        <div class="roles" role="radiogroup" aria-labelledby="role-label">
          <span id="role-label" class="role-label">Role</span>
          <mat-radio-group formControlName="role" data-testid="user-role">
            <mat-radio-button value="admin" data-testid="user-role-admin">
              <strong>Admin</strong>
              <span class="muted"> — manages webhooks, deliveries, users and API tokens</span>
            </mat-radio-button>
            <mat-radio-button value="auditor" data-testid="user-role-auditor">
              <strong>Auditor</strong>
              <span class="muted"> — reads the audit log only</span>
            </mat-radio-button>
          </mat-radio-group>
        </div>
        <mat-form-field class="full">
          <mat-label>Initial password</mat-label>
          <input
            matInput
            [type]="showPassword() ? 'text' : 'password'"
            formControlName="password"
            autocomplete="new-password"
            data-testid="user-password"
            class="mono"
            required
          />
          <app-password-toggle matSuffix [(shown)]="showPassword" />
          @if (form.controls.password.value) {
            <app-copy-button
              matSuffix
              [value]="form.controls.password.value"
              label="Copy password"
            />
          }
          <mat-hint>At least {{ min }} characters. Share it with the user securely.</mat-hint>
          <mat-error>{{ message('password') }}</mat-error>
        </mat-form-field>
        <button mat-button type="button" (click)="generate()" data-testid="user-generate-password">
          Generate a strong password
        </button>
      </mat-dialog-content>
      <mat-dialog-actions align="end">
        <button mat-button type="button" mat-dialog-close>Cancel</button>
        <button mat-flat-button type="submit" [disabled]="saving()" data-testid="user-form-submit">
          {{ saving() ? 'Adding…' : 'Add user' }}
        </button>
      </mat-dialog-actions>
    </form>
  `,
  styles: `
    form {
      display: block;
    }
    mat-form-field {
      margin-bottom: 8px;
    }
    .roles {
      margin: 4px 0 16px;
    }
    .role-label {
      display: block;
      font: var(--mat-sys-label-large);
      margin-bottom: 4px;
    }
    mat-radio-group {
      display: flex;
      flex-direction: column;
    }
  `,
})
export class UserCreateDialog {
  private readonly api = inject(UsersApi);
  private readonly notifier = inject(Notifier);
  private readonly ref = inject<MatDialogRef<UserCreateDialog, User>>(MatDialogRef);
  protected readonly form = buildUserForm();
  protected readonly min = PASSWORD_MIN;
  protected readonly saving = signal(false);
  protected readonly showPassword = signal(false);

  protected message(name: 'email' | 'name' | 'password'): string {
    const e = this.form.controls[name].errors;
    if (!e) return '';
    if (typeof e['server'] === 'string') return e['server'];
    if (e['required']) return 'Required.';
    if (e['email']) return 'Enter a valid email address.';
    if (e['minlength']) return `At least ${PASSWORD_MIN} characters.`;
    if (e['maxlength']) return 'Too long.';
    return 'Invalid.';
  }

  protected generate(): void {
    this.form.controls.password.setValue(generatePassword());
    this.showPassword.set(true);
  }

  protected submit(): void {
    if (this.form.invalid) {
      this.form.markAllAsTouched();
      return;
    }
    const v = this.form.getRawValue();
    this.api
      .create({ ...v, email: v.email.trim(), name: v.name.trim() })
      .pipe(trackBusy(this.saving))
      .subscribe({
        next: (user) => this.ref.close(user),
        error: (err: unknown) => this.notifier.report(err, { form: this.form }),
      });
  }
}
