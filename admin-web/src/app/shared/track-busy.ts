import { WritableSignal } from '@angular/core';
import { MonoTypeOperatorFunction, defer, finalize } from 'rxjs';

/**
 * Holds `busy` true while the request runs: set when it is subscribed, cleared when it ends,
 * however it ends (a spinner or a disabled button follows it).
 */
export function trackBusy<T>(busy: WritableSignal<boolean>): MonoTypeOperatorFunction<T> {
  return (source) =>
    defer(() => {
      busy.set(true);
      return source.pipe(finalize(() => busy.set(false)));
    });
}
