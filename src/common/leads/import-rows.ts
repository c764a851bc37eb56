import type { Type } from '@nestjs/common';
import { ApiProperty } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray } from 'class-validator';
import { stacked } from '../fields';

/** Rows one bulk lead import may carry (its body limit, 10 MiB, is set in bootstrap.ts). */
export const MAX_IMPORT = 5000;

/**
 * The `leads` list of a bulk import body (Telesales, AutoCall): at most MAX_IMPORT rows, each a
 * `row`. Only the list is checked here: its DTO class carries `@RowList('leads')`, and the service
 * validates each row on its own (lead-import.ts), so that a bad row is reported, not fatal.
 */
export function ImportRows(row: Type): PropertyDecorator {
  return stacked(
    ApiProperty({
      type: [row],
      maxItems: MAX_IMPORT,
      description: 'Each row is validated on its own; invalid rows are reported, not imported',
    }),
    IsArray({ message: 'leads must be a list' }),
    ArrayMaxSize(MAX_IMPORT, { message: `leads must contain at most ${MAX_IMPORT} rows` }),
  );
}
