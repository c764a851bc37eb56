import { ChangeDetectionStrategy, Component, inject, input, signal } from '@angular/core';
import { NonNullableFormBuilder, ReactiveFormsModule, Validators } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatIconModule } from '@angular/material/icon';
import { MatInputModule } from '@angular/material/input';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { Router } from '@angular/router';
import { toApiError } from '../../core/errors/api-error';
import { AuthStore } from '../../core/auth/auth-store';
import { PasswordToggle } from '../../shared/password-toggle';
import { Brand } from '../../layout/brand';

/** Only same-app paths are followed after login (no open redirect). */
export function safeReturnUrl(url: string | null | undefined): string | null {
  if (!url || !url.startsWith('/') || url.startsWith('//') || url.startsWith('/\\')) return null;
  if (url.startsWith('/login')) return null;
  return url;
}

@Component({
  selector: 'app-login-page',
  imports: [
    Brand,
    ReactiveFormsModule,
    MatButtonModule,
    MatFormFieldModule,
    MatIconModule,
    MatInputModule,
    MatProgressBarModule,
    PasswordToggle,
  ],
  changeDetection: ChangeDetectionStrategy.OnPush,
  templateUrl: './login-page.html',
  styleUrl: './login-page.scss',
})
export class LoginPage {
  private readonly auth = inject(AuthStore);
  private readonly router = inject(Router);
  /** Query parameters, bound by the router. */
  readonly returnUrl = input<string | undefined>();
  readonly expired = input<string | undefined>();

  protected readonly form = inject(NonNullableFormBuilder).group({
    email: ['', [Validators.required, Validators.email]],
    password: ['', [Validators.required]],
  });
  protected readonly submitting = signal(false);
  protected readonly error = signal<string | null>(null);
  protected readonly showPassword = signal(false);

  protected submit(): void {
    if (this.form.invalid) {
      this.form.markAllAsTouched();
      return;
    }
    const { email, password } = this.form.getRawValue();
    this.submitting.set(true);
    this.error.set(null);
    this.auth.login(email.trim(), password).subscribe({
      next: (user) => {
        this.submitting.set(false);
        void this.router.navigateByUrl(safeReturnUrl(this.returnUrl()) ?? this.auth.homeFor(user));
      },
      error: (err: unknown) => {
        this.submitting.set(false);
        const e = toApiError(err);
        this.error.set(
          e.status === 401
            ? 'The email or password is incorrect, or the account is disabled.'
            : e.status === 429
              ? `Too many sign-in attempts. ${e.retryAfterSeconds ? `Try again in ${e.retryAfterSeconds} seconds.` : 'Try again in a minute.'}`
              : e.message,
        );
        this.form.controls.password.reset();
      },
    });
  }
}
