import type { FindManyOptions, ObjectLiteral, Repository } from 'typeorm';

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
