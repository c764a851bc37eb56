import { DestroyRef, WritableSignal, inject } from '@angular/core';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';
import { ActivatedRoute, ParamMap, Params, Router } from '@angular/router';
import { Observable, debounceTime, filter } from 'rxjs';
import { isoToLocalInput, localInputToIso } from '../core/ui/time';

/** What a filtered list page says about its filters: how they read from and go to the URL. */
export interface FilterCodec<S> {
  fromParams(params: ParamMap): S;
  toParams(state: S): Params;
}

type IsoRange = { from: string; to: string };
type LocalRange = { fromLocal: string; toLocal: string };

/** The value of a filter form for the state `S`: its ISO `from`/`to` as DateRangeFields. */
type FormValue<S extends IsoRange> = Omit<S, keyof IsoRange> & LocalRange;

/** A filter form (with DateRangeFields) as `urlFilters` uses it. */
interface FilterForm<V> {
  readonly valid: boolean;
  readonly valueChanges: Observable<unknown>;
  getRawValue(): V;
  setValue(value: V, options: { emitEvent: boolean }): void;
}

/**
 * A list page's filters kept in its URL, the source of truth, so a filtered view can be linked
 * to: `bind` ties the filter form and state to it, `show` navigates (FilterToolbar clears). Call in an
 * injection context; it stops with the page.
 */
export function urlFilters<S extends IsoRange>(codec: FilterCodec<S>) {
  const route = inject(ActivatedRoute);
  const router = inject(Router);
  const destroyRef = inject(DestroyRef);
  const show = (next: S, replaceUrl = false): void => {
    void router.navigate([], { relativeTo: route, queryParams: codec.toParams(next), replaceUrl });
  };
  return {
    /** Shows the view filtered by `next`; `replaceUrl` while typing, so Back skips keystrokes. */
    show,
    /**
     * Each URL's filters (now and after each change) go to `state` and the form, then `reload`
     * runs; the form's valid value goes to the URL once the user pauses typing for `debounceMs`.
     */
    bind(
      form: FilterForm<FormValue<S>>,
      state: WritableSignal<S>,
      debounceMs: number,
      reload: () => void,
    ): void {
      route.queryParamMap.pipe(takeUntilDestroyed(destroyRef)).subscribe((params) => {
        const next = codec.fromParams(params);
        state.set(next);
        form.setValue(toFormValue(next), { emitEvent: false });
        reload();
      });
      form.valueChanges
        .pipe(
          debounceTime(debounceMs),
          filter(() => form.valid),
          takeUntilDestroyed(destroyRef),
        )
        .subscribe(() => show(fromFormValue<S>(form.getRawValue()), true));
    },
  };
}

/** A filter state's `from`/`to` (ISO) as the form's local date-time fields (DateRangeFields). */
function toFormValue<S extends IsoRange>(state: S): FormValue<S> {
  const { from, to, ...rest } = state;
  return { ...rest, fromLocal: isoToLocalInput(from), toLocal: isoToLocalInput(to) };
}

/** The form's local date-time fields back as the filter state's ISO `from`/`to`. */
function fromFormValue<S extends IsoRange>(value: FormValue<S>): S {
  const { fromLocal, toLocal, ...rest } = value;
  const range = { from: localInputToIso(fromLocal) ?? '', to: localInputToIso(toLocal) ?? '' };
  // `rest` is S without its range; TypeScript cannot prove that putting it back gives S.
  return { ...rest, ...range } as unknown as S;
}
