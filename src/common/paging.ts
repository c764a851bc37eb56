import type { FindManyOptions, ObjectLiteral, Repository } from 'typeorm';
import type { PageQuery } from './query-dto';

/** One page of a list and the number of rows in all. */
export interface Paged<T> {
  rows: T[];
  total: number;
}

/** Page `page` (from 1) of `perPage` rows of what `options` finds. */
export async function findPage<T extends ObjectLiteral>(
  repo: Repository<T>,
  options: Pick<FindManyOptions<T>, 'where' | 'order'>,
  page: number,
  perPage: number,
): Promise<Paged<T>> {
  const [rows, total] = await repo.findAndCount({
    ...options,
    skip: (page - 1) * perPage,
    take: perPage,
  });
  return { rows, total };
}

/** A paged list's body: `{"data": [...], "meta": {"page", "per_page", "total"}}` (docs/http-api.md). */
export interface PageBody<R> {
  data: R[];
  meta: { page: number; per_page: number; total: number };
}

/**
 * Loads the page a list query asks for (page 1 and 50 rows unless it says otherwise) and answers
 * its rows, presented, with the page's meta.
 */
export async function listPage<T, R>(
  query: PageQuery,
  load: (page: number, perPage: number) => Promise<Paged<T>>,
  present: (rows: T[]) => R[] | Promise<R[]>,
): Promise<PageBody<R>> {
  const page = query.page ?? 1;
  const perPage = query.per_page ?? 50;
  const { rows, total } = await load(page, perPage);
  return { data: await present(rows), meta: { page, per_page: perPage, total } };
}
