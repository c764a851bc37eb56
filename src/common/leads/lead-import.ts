import type { ClassConstructor } from 'class-transformer';
import type { EntityManager, EntityTarget, ObjectLiteral } from 'typeorm';
import type { FieldErrors } from '../errors';
import { validatePlain } from '../validation';

/**
 * The bulk lead import both campaign modules (Telesales, AutoCall) run: every row is validated
 * like a single create, repeats of a phone within the import and phones already in the campaign
 * are counted as duplicates, the rest are inserted a chunk at a time. The caller owns the
 * transaction, the campaign lock and what a created lead publishes.
 */

/** Rows per INSERT (and per event batch) in a bulk import. */
export const IMPORT_CHUNK = 1000;

/** What an import answers: how many leads it created, skipped as duplicates, and refused. */
export interface ImportOutcome {
  created: number;
  duplicates: number;
  invalid: { index: number; errors: FieldErrors }[];
}

/** A row that passed validation (the lead to insert) or why it did not. */
export type RowResult<L> = { lead: L } | { errors: FieldErrors };

/** An import's rows once validated: what to insert, in order, and what is already decided. */
export interface SortedRows<L> {
  accepted: L[];
  duplicates: number;
  invalid: ImportOutcome['invalid'];
}

/**
 * One import row: an object, valid against the row DTO, then turned into a lead by `toLead`
 * (which answers the field errors of a rule the DTO cannot state, such as the phone).
 */
export function validateImportRow<D extends object, L>(
  dto: ClassConstructor<D>,
  raw: unknown,
  toLead: (value: D) => RowResult<L>,
): RowResult<L> {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    return { errors: { row: ['each lead must be an object'] } };
  }
  const result = validatePlain(dto, raw);
  return 'errors' in result ? result : toLead(result.value);
}

/** Invalid rows by index, a phone seen earlier in the import counted as a duplicate. */
export function sortImportRows<L extends { phone: string }>(
  rows: unknown[],
  validate: (raw: unknown) => RowResult<L>,
): SortedRows<L> {
  const sorted: SortedRows<L> = { accepted: [], duplicates: 0, invalid: [] };
  const seen = new Set<string>();
  rows.forEach((raw, index) => {
    const result = validate(raw);
    if ('errors' in result) {
      sorted.invalid.push({ index, errors: result.errors });
    } else if (seen.has(result.lead.phone)) {
      sorted.duplicates++;
    } else {
      seen.add(result.lead.phone);
      sorted.accepted.push(result.lead);
    }
  });
  return sorted;
}

/**
 * Inserts the accepted rows IMPORT_CHUNK at a time with `insertChunk`, which answers how many of
 * its chunk it created; the rest of each chunk were already in the campaign.
 */
export async function insertInChunks<L>(
  sorted: SortedRows<L>,
  insertChunk: (chunk: L[]) => Promise<number>,
): Promise<ImportOutcome> {
  let { duplicates } = sorted;
  let created = 0;
  for (let i = 0; i < sorted.accepted.length; i += IMPORT_CHUNK) {
    const chunk = sorted.accepted.slice(i, i + IMPORT_CHUNK);
    const n = await insertChunk(chunk);
    created += n;
    duplicates += chunk.length - n;
  }
  return { created, duplicates, invalid: sorted.invalid };
}

/**
 * Inserts leads into a campaign, skipping those whose phone is already in it (the table's unique
 * (campaign_id, phone) index); returns the ids of the created rows.
 */
export async function insertNewLeads<E extends ObjectLiteral>(
  tx: EntityManager,
  entity: EntityTarget<E>,
  campaignId: number,
  rows: Partial<E>[],
): Promise<number[]> {
  if (rows.length === 0) return [];
  const result = await tx
    .createQueryBuilder()
    .insert()
    .into(entity)
    .values(rows.map((r) => ({ ...r, campaignId })))
    .orIgnore()
    .returning(['id'])
    .execute();
  return (result.raw as { id: number }[]).map((r) => r.id);
}
