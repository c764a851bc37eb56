import { Injectable, Param, PipeTransform } from '@nestjs/common';
import { NotFound } from './errors';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuid(value: unknown): value is string {
  return typeof value === 'string' && UUID.test(value);
}

/** A path id that is not a UUID names no resource: 404, never a database error. */
@Injectable()
export class UuidParam implements PipeTransform<string, string> {
  transform(value: string): string {
    if (!isUuid(value)) throw new NotFound();
    return value.toLowerCase();
  }
}

/** Integer path ids (leads, campaigns). */
@Injectable()
export class IntParam implements PipeTransform<string, number> {
  transform(value: string): number {
    if (!/^\d{1,15}$/.test(value)) throw new NotFound();
    const n = Number(value);
    if (!Number.isSafeInteger(n) || n < 1 || n > 2_147_483_647) throw new NotFound();
    return n;
  }
}

/** The `:id` path parameter of a UUID-keyed resource (404 when it is not a UUID). */
export const UuidId = (): ParameterDecorator => Param('id', UuidParam);

/** The `:id` path parameter of an integer-keyed resource (404 when it is not one). */
export const IntId = (): ParameterDecorator => Param('id', IntParam);
