import { inject, signal } from '@angular/core';
import { Observable } from 'rxjs';
import { Notifier } from '../errors/notifier';

/**
 * A list's row actions: which row is busy (its buttons disabled, a progress bar shown), one at a
 * time; a failure is reported through the Notifier. Call in an injection context.
 */
export function rowActions() {
  const notifier = inject(Notifier);
  const busyId = signal<string | null>(null);
  return {
    busyId: busyId.asReadonly(),
    /** Runs `action` for the row `id`; `done` gets its result and may say what happened. */
    run<T>(id: string, action: Observable<T>, done: (result: T) => string | void): void {
      busyId.set(id);
      action.subscribe({
        next: (result) => {
          busyId.set(null);
          const message = done(result);
          if (message) notifier.success(message);
        },
        error: (err: unknown) => {
          busyId.set(null);
          notifier.report(err);
        },
      });
    },
  };
}
