import { DestroyRef } from '@angular/core';
import { HttpErrorResponse } from '@angular/common/http';
import { Observable, Subject, of, throwError } from 'rxjs';
import { CursorPage } from '../api/api.types';
import { CursorList, mergeNewest } from './cursor-list';
import { Remote, pollWhileVisible } from './remote';

class FakeDestroyRef implements DestroyRef {
  private readonly fns: (() => void)[] = [];
  destroyed = false;
  onDestroy(fn: () => void): () => void {
    this.fns.push(fn);
    return () => undefined;
  }
  destroy(): void {
    this.destroyed = true;
    this.fns.forEach((f) => f());
  }
}

const fail = (status: number): Observable<never> =>
  throwError(() => new HttpErrorResponse({ status, error: { message: `HTTP ${status}` } }));

describe('Remote', () => {
  it('loads visibly, refreshes quietly and keeps the value when a refresh fails', () => {
    let next: Observable<number> = of(1);
    const r = new Remote<number>(() => next, new FakeDestroyRef());
    expect(r.hasValue()).toBe(false);
    r.load();
    expect(r.value()).toBe(1);
    expect(r.loading()).toBe(false);
    expect(r.updatedAt()).not.toBeNull();
    next = fail(503);
    r.refresh();
    expect(r.value()).toBe(1);
    expect(r.error()?.status).toBe(503);
    next = of(2);
    r.refresh();
    expect(r.value()).toBe(2);
    expect(r.error()).toBeNull();
    r.update((v) => v + 1);
    expect(r.value()).toBe(3);
    r.clear();
    expect(r.hasValue()).toBe(false);
  });

  it('cancels the request in flight when a newer one starts, and on destroy', () => {
    const first = new Subject<string>();
    const second = new Subject<string>();
    const queue = [first, second];
    const destroy = new FakeDestroyRef();
    const r = new Remote(() => queue.shift()!, destroy);
    r.load();
    expect(r.loading()).toBe(true);
    r.load();
    first.next('stale');
    expect(r.value()).toBeUndefined();
    second.next('fresh');
    expect(r.value()).toBe('fresh');
    destroy.destroy();
    expect(second.observed).toBe(false);
  });
});

describe('CursorList', () => {
  type Row = { id: string; v?: number };
  const page = (ids: string[], next: string | null, v = 0): CursorPage<Row> => ({
    data: ids.map((id) => ({ id, v })),
    next_cursor: next,
  });

  it('reloads, loads more without duplicates, merges a refreshed newest page', () => {
    const pages: Record<string, CursorPage<Row>> = {
      first: page(['c', 'b'], 'k1'),
      k1: page(['b', 'a'], null),
    };
    const list = new CursorList<Row>(
      (cursor) => of(pages[cursor ?? 'first']),
      new FakeDestroyRef(),
    );
    list.reload();
    expect(list.items().map((r) => r.id)).toEqual(['c', 'b']);
    expect(list.nextCursor()).toBe('k1');
    list.loadMore();
    expect(list.items().map((r) => r.id)).toEqual(['c', 'b', 'a']);
    expect(list.nextCursor()).toBeNull();
    pages['first'] = page(['d', 'c'], 'k0', 7);
    list.refreshNewest();
    expect(list.items().map((r) => `${r.id}${r.v}`)).toEqual(['d7', 'c7', 'b0', 'a0']);
    expect(list.nextCursor()).toBeNull(); // more than one page shown: the cursor stays
    list.replace({ id: 'a', v: 9 });
    expect(list.items()[3]).toEqual({ id: 'a', v: 9 });
  });

  it('shows an error state for a failed reload and reports a failed "load more"', () => {
    const reported: unknown[] = [];
    let mode: 'ok' | 'fail' = 'fail';
    const list = new CursorList<Row>(
      (cursor) => (mode === 'fail' ? fail(500) : of(page(cursor ? [] : ['a'], 'k'))),
      new FakeDestroyRef(),
      (err) => reported.push(err),
    );
    list.reload();
    expect(list.error()?.status).toBe(500);
    expect(list.loaded()).toBe(false);
    mode = 'ok';
    list.reload();
    expect(list.empty()).toBe(false);
    mode = 'fail';
    list.loadMore();
    expect(reported).toHaveLength(1);
    expect(list.items()).toHaveLength(1);
    expect(list.loadingMore()).toBe(false);
  });

  it('mergeNewest prepends new rows and replaces known ones', () => {
    expect(mergeNewest([{ id: 'b', v: 1 }], [{ id: 'c' }, { id: 'b', v: 2 }])).toEqual([
      { id: 'c' },
      { id: 'b', v: 2 },
    ]);
  });
});

describe('pollWhileVisible', () => {
  it('ticks while visible, skips a hidden page, ticks when it shows again, stops on destroy', async () => {
    vi.useFakeTimers();
    const hidden = vi.spyOn(document, 'hidden', 'get');
    try {
      hidden.mockReturnValue(false);
      const destroy = new FakeDestroyRef();
      let ticks = 0;
      pollWhileVisible(1000, () => ticks++, destroy);
      await vi.advanceTimersByTimeAsync(2000);
      expect(ticks).toBe(2);
      hidden.mockReturnValue(true);
      await vi.advanceTimersByTimeAsync(3000);
      expect(ticks).toBe(2);
      hidden.mockReturnValue(false);
      document.dispatchEvent(new Event('visibilitychange'));
      expect(ticks).toBe(3);
      destroy.destroy();
      await vi.advanceTimersByTimeAsync(3000);
      document.dispatchEvent(new Event('visibilitychange'));
      expect(ticks).toBe(3);
    } finally {
      hidden.mockRestore();
      vi.useRealTimers();
    }
  });
});
