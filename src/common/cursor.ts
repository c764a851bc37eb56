import { BadRequestException } from '@nestjs/common';
import { MESSAGES } from './errors';

/** Opaque keyset cursor: base64url of JSON [createdAtIso, id]. */
export function encodeCursor(at: Date, id: string): string {
  return Buffer.from(JSON.stringify([at.toISOString(), id])).toString('base64url');
}

export function decodeCursor(cursor: string): { at: Date; id: string } {
  try {
    const parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (
      Array.isArray(parsed) &&
      parsed.length === 2 &&
      typeof parsed[0] === 'string' &&
      typeof parsed[1] === 'string' &&
      !Number.isNaN(Date.parse(parsed[0]))
    ) {
      return { at: new Date(parsed[0]), id: parsed[1] };
    }
  } catch {
    // fall through
  }
  throw new BadRequestException({ message: `${MESSAGES[400]}: invalid cursor` });
}
