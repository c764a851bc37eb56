import type { FindOptionsWhere, ObjectLiteral, Repository } from 'typeorm';
import { NotFound } from './errors';

/** The row `where` names, or a 404 when there is none. */
export async function findOr404<T extends ObjectLiteral>(
  repo: Repository<T>,
  where: FindOptionsWhere<T>,
): Promise<T> {
  const row = await repo.findOneBy(where);
  if (!row) throw new NotFound();
  return row;
}
