import { DestroyRef, Signal, computed, inject, signal } from '@angular/core';
import { Observable, Subscription, filter, interval } from 'rxjs';
import { ApiError, toApiError } from '../errors/api-error';

/**
 * One piece of server state a page shows: its value, whether it is loading, the last error.
 * `load()` is the visible (re)load; `refresh()` is the quiet one of polling: the value stays on
 * screen while it runs and a failed refresh keeps it (the error is still reported).
 * A newer request cancels the one in flight; everything stops when the owner is destroyed.
 */
export class Remote<T> {
  private readonly _value = signal<T | undefined>(undefined);
  private readonly _loading = signal(false);
  private readonly _error = signal<ApiError | null>(null);
  private readonly _updatedAt = signal<string | null>(null);
  private sub: Subscription | null = null;

  readonly value = this._value.asReadonly();
  readonly loading = this._loading.asReadonly();
  readonly error = this._error.asReadonly();
  /** When the value last came from the server (ISO). */
  readonly updatedAt = this._updatedAt.asReadonly();
  readonly hasValue: Signal<boolean> = computed(() => this._value() !== undefined);

  constructor(
    private readonly fetch: () => Observable<T>,
    destroyRef: DestroyRef,
  ) {
    destroyRef.onDestroy(() => this.sub?.unsubscribe());
  }

  load(): void {
    this._loading.set(true);
    this._error.set(null);
    this.run();
  }

  refresh(): void {
    if (this._loading()) return;
    this.run();
  }

  /** Forgets the value (e.g. the page now shows another resource) and cancels any request. */
  clear(): void {
    this.sub?.unsubscribe();
    this._value.set(undefined);
    this._updatedAt.set(null);
  }

  /** Replaces the value locally (e.g. with a mutation's response). */
  set(value: T): void {
    this._value.set(value);
  }

  update(fn: (value: T) => T): void {
    const v = this._value();
    if (v !== undefined) this._value.set(fn(v));
  }

  private run(): void {
    this.sub?.unsubscribe();
    this.sub = this.fetch().subscribe({
      next: (value) => {
        this._value.set(value);
        this._error.set(null);
        this._loading.set(false);
        this._updatedAt.set(new Date().toISOString());
      },
      error: (err: unknown) => {
        this._error.set(toApiError(err));
        this._loading.set(false);
      },
    });
  }
}

/** A `Remote` owned by the calling component (call in an injection context). */
export function remote<T>(fetch: () => Observable<T>): Remote<T> {
  return new Remote(fetch, inject(DestroyRef));
}

/** True while the page is shown (a hidden tab is not polled). */
export function pageVisible(): boolean {
  return typeof document === 'undefined' || !document.hidden;
}

/**
 * Calls `tick` every `ms` while the page is visible, and at once when it becomes visible again,
 * until the owner is destroyed or the returned subscription is ended.
 */
export function pollWhileVisible(
  ms: number,
  tick: () => void,
  destroyRef: DestroyRef = inject(DestroyRef),
): Subscription {
  const sub = interval(ms).pipe(filter(pageVisible)).subscribe(tick);
  if (typeof document !== 'undefined') {
    const onShow = (): void => {
      if (pageVisible()) tick();
    };
    document.addEventListener('visibilitychange', onShow);
    sub.add(() => document.removeEventListener('visibilitychange', onShow));
  }
  destroyRef.onDestroy(() => sub.unsubscribe());
  return sub;
}
