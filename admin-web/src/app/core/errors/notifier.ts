import { Injectable, inject } from '@angular/core';
import { FormGroup } from '@angular/forms';
import { MatSnackBar } from '@angular/material/snack-bar';
import { ApiError, applyServerErrors, toApiError } from './api-error';
import { ErrorToast, ErrorToastData } from './error-toast';

export interface ReportOptions {
  /** 422 field errors go onto this form's controls. */
  form?: FormGroup;
  /** Maps an API field name to a control name when they differ. */
  aliases?: Record<string, string>;
  /** Do not show a toast (the caller shows the error inline). */
  silent?: boolean;
}

/** The one place API errors are turned into what the user sees. */
@Injectable({ providedIn: 'root' })
export class Notifier {
  private readonly snackBar = inject(MatSnackBar);

  report(err: unknown, options: ReportOptions = {}): ApiError {
    const error = toApiError(err);
    // A 401 is handled by the auth interceptor (redirect to the login page).
    if (error.status === 401 || options.silent) return error;
    let details: string[] = [];
    if (error.status === 422 && options.form) {
      const unmatched = applyServerErrors(options.form, error.errors, options.aliases);
      details = Object.values(unmatched).flat();
      if (!details.length) details = ['Check the highlighted fields.'];
    } else {
      details = Object.values(error.errors).flat();
    }
    if (error.retryAfterSeconds) details.push(`Retry after ${error.retryAfterSeconds} s.`);
    const data: ErrorToastData = { message: error.message, details, status: error.status };
    this.snackBar.openFromComponent(ErrorToast, {
      data,
      duration: 8000,
      panelClass: 'app-error-snackbar',
      politeness: 'assertive',
    });
    return error;
  }

  success(message: string): void {
    this.snackBar.open(message, 'Dismiss', { duration: 4000, politeness: 'polite' });
  }
}
