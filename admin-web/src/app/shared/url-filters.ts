import { DestroyRef, inject } from '@angular/core';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';
import { FormGroup } from '@angular/forms';
import { ActivatedRoute, ParamMap, Params, Router } from '@angular/router';
import { debounceTime, filter } from 'rxjs';
import { isoToLocalInput, localInputToIso } from '../core/ui/time';

/** What a filtered list page says about its filters: how they read from and go to the URL. */
export interface FilterCodec<S> {
  fromParams(params: ParamMap): S;
  toParams(state: S): Params;
}

/**
 * A list page's filters kept in its URL, the source of truth, so a filtered view can be linked
 * to: `follow` applies each URL's filters, `fromForm` writes what the user types to the URL,
 * `show` and `clear` navigate. Call in an injection context; it stops with the page.
 */
export function urlFilters<S>(codec: FilterCodec<S>) {
  const route = inject(ActivatedRoute);
  const router = inject(Router);
  const destroyRef = inject(DestroyRef);
  const show = (next: S, replaceUrl = false): void => {
    void router.navigate([], { relativeTo: route, queryParams: codec.toParams(next), replaceUrl });
  };
  return {
    /** Shows the view filtered by `next`; `replaceUrl` while typing, so Back skips keystrokes. */
    show,
    clear(): void {
      void router.navigate([], { relativeTo: route, queryParams: {} });
    },
    /** Calls `apply` with the filters of the URL now and after each change. */
    follow(apply: (state: S) => void): void {
      route.queryParamMap
        .pipe(takeUntilDestroyed(destroyRef))
        .subscribe((params) => apply(codec.fromParams(params)));
    },
    /** Writes the form's valid value to the URL once the user pauses typing for `debounceMs`. */
    fromForm<V>(form: FormGroup, debounceMs: number, toState: (value: V) => S): void {
      form.valueChanges
        .pipe(
          debounceTime(debounceMs),
          filter(() => form.valid),
          takeUntilDestroyed(destroyRef),
        )
        .subscribe(() => show(toState(form.getRawValue() as V), true));
    },
  };
}

type IsoRange = { from: string; to: string };
type LocalRange = { fromLocal: string; toLocal: string };

/** A filter state's `from`/`to` (ISO) as the form's local date-time fields (DateRangeFields). */
export function withLocalRange<S extends IsoRange>(state: S): Omit<S, keyof IsoRange> & LocalRange {
  const { from, to, ...rest } = state;
  return { ...rest, fromLocal: isoToLocalInput(from), toLocal: isoToLocalInput(to) };
}

/** The form's local date-time fields back as the filter state's ISO `from`/`to`. */
export function withIsoRange<V extends LocalRange>(value: V): Omit<V, keyof LocalRange> & IsoRange {
  const { fromLocal, toLocal, ...rest } = value;
  return { ...rest, from: localInputToIso(fromLocal) ?? '', to: localInputToIso(toLocal) ?? '' };
}
