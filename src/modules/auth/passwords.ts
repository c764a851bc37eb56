import * as argon2 from 'argon2';
import { randomBytes } from 'node:crypto';

const OPTIONS: argon2.HashOptions = {
  type: argon2.argon2id,
  memoryCost: 19_456,
  timeCost: 2,
  parallelism: 1,
};

/**
 * At most this many argon2 computations run at once in the process. Each takes ~19 MiB and a
 * libuv thread for tens of milliseconds; uncapped, a burst of logins would fill the thread pool
 * (which DNS lookups, file access and TLS key work share) and starve everything else.
 */
export const MAX_CONCURRENT_ARGON2 = 2;

let running = 0;
const waiting: (() => void)[] = [];

/** Counts since the process started (tests and metrics read them). */
export const argon2Stats = { verifications: 0, hashes: 0, peakConcurrency: 0 };

async function capped<T>(work: () => Promise<T>): Promise<T> {
  if (running < MAX_CONCURRENT_ARGON2) running++;
  else await new Promise<void>((resolve) => waiting.push(resolve)); // the slot is handed over
  argon2Stats.peakConcurrency = Math.max(argon2Stats.peakConcurrency, running);
  try {
    return await work();
  } finally {
    const next = waiting.shift();
    if (next) next();
    else running--;
  }
}

export function hashPassword(password: string): Promise<string> {
  return capped(() => {
    argon2Stats.hashes++;
    return argon2.hash(password, OPTIONS);
  });
}

export async function verifyPassword(hash: string, password: string): Promise<boolean> {
  try {
    return await capped(() => {
      argon2Stats.verifications++;
      return argon2.verify(hash, password);
    });
  } catch {
    return false;
  }
}

/** A hash of a random password, verified against when the account does not exist (even timing). */
export const DUMMY_HASH = hashPassword(randomBytes(16).toString('hex'));
