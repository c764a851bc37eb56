import { IsString, MaxLength } from 'class-validator';
import {
  IMPORT_CHUNK,
  RowResult,
  insertInChunks,
  sortImportRows,
  validateImportRow,
} from './lead-import';

class RowDto {
  @MaxLength(20, { message: 'phone must be at most 20 characters' })
  @IsString({ message: 'phone must be a string' })
  phone!: string;
}

type Lead = { phone: string };

const validate = (raw: unknown): RowResult<Lead> =>
  validateImportRow(RowDto, raw, (dto): RowResult<Lead> =>
    dto.phone.startsWith('0') ? { lead: { phone: dto.phone } } : { errors: { phone: ['bad'] } },
  );

describe('validateImportRow', () => {
  it.each([null, 'text', 7, [{ phone: '0' }]])('refuses a row that is not an object: %j', (raw) => {
    expect(validate(raw)).toEqual({ errors: { row: ['each lead must be an object'] } });
  });

  it('answers the DTO errors before the row rule', () => {
    expect(validate({ phone: 12 })).toEqual({ errors: { phone: ['phone must be a string'] } });
    expect(validate({ phone: '0', extra: 1 })).toEqual({
      errors: { extra: ['is not an allowed field'] },
    });
  });

  it("answers the row rule's errors and its lead", () => {
    expect(validate({ phone: '9' })).toEqual({ errors: { phone: ['bad'] } });
    expect(validate({ phone: '01' })).toEqual({ lead: { phone: '01' } });
  });
});

describe('sortImportRows', () => {
  it('reports invalid rows by index and counts a repeated phone once as a duplicate', () => {
    const sorted = sortImportRows(
      [{ phone: '01' }, { phone: '9' }, { phone: '02' }, { phone: '01' }, 'x', { phone: '01' }],
      validate,
    );
    expect(sorted).toEqual({
      accepted: [{ phone: '01' }, { phone: '02' }],
      duplicates: 2,
      invalid: [
        { index: 1, errors: { phone: ['bad'] } },
        { index: 4, errors: { row: ['each lead must be an object'] } },
      ],
    });
  });
});

describe('insertInChunks', () => {
  it(`inserts ${IMPORT_CHUNK} rows at a time and counts what a chunk skipped as duplicates`, async () => {
    const accepted = Array.from({ length: IMPORT_CHUNK * 2 + 3 }, (_, i) => ({ phone: `0${i}` }));
    const chunks: number[] = [];
    const outcome = await insertInChunks(
      { accepted, duplicates: 4, invalid: [{ index: 0, errors: { row: ['x'] } }] },
      (chunk) => {
        chunks.push(chunk.length);
        return Promise.resolve(chunk.length - 1);
      },
    );
    expect(chunks).toEqual([IMPORT_CHUNK, IMPORT_CHUNK, 3]);
    expect(outcome).toEqual({
      created: accepted.length - 3,
      duplicates: 4 + 3,
      invalid: [{ index: 0, errors: { row: ['x'] } }],
    });
  });

  it('inserts nothing when no row was accepted', async () => {
    const insert = jest.fn<Promise<number>, [Lead[]]>();
    const outcome = await insertInChunks({ accepted: [], duplicates: 1, invalid: [] }, insert);
    expect(insert).not.toHaveBeenCalled();
    expect(outcome).toEqual({ created: 0, duplicates: 1, invalid: [] });
  });
});
