import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { parse } from 'dotenv';

/**
 * What the demo keeps between runs, in `.demo-admin` (gitignored, mode 0600, dotenv format): the
 * console sign-in of its admin and the keys its database was set up with. The demo has a
 * database of its own (`zorio_demo`), so it has keys of its own too: webhook secrets stored in
 * that database stay readable on every later run, whatever `.env` says.
 */
export interface DemoState {
  ADMIN_EMAIL: string;
  ADMIN_PASSWORD: string;
  SECRETS_KEY: string;
  SESSION_SECRET: string;
}

const KEYS: (keyof DemoState)[] = [
  'ADMIN_EMAIL',
  'ADMIN_PASSWORD',
  'SECRETS_KEY',
  'SESSION_SECRET',
];

/** 20 characters of A-Z a-z 0-9 (rejection sampling, no modulo bias). */
function password(length = 20): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  let out = '';
  while (out.length < length) {
    for (const byte of randomBytes(length * 2)) {
      if (byte < 248 && out.length < length) out += alphabet[byte % alphabet.length];
    }
  }
  return out;
}

function valid(state: Partial<DemoState>): state is DemoState {
  return (
    typeof state.ADMIN_EMAIL === 'string' &&
    /^[^\s@]+@[^\s@]+$/.test(state.ADMIN_EMAIL) &&
    typeof state.ADMIN_PASSWORD === 'string' &&
    state.ADMIN_PASSWORD.length >= 12 &&
    typeof state.SECRETS_KEY === 'string' &&
    /^[A-Za-z0-9+/]{43}=$/.test(state.SECRETS_KEY) &&
    typeof state.SESSION_SECRET === 'string' &&
    state.SESSION_SECRET.length >= 32
  );
}

/**
 * Reads the state file, or creates it (`created: true`) when it is missing or unreadable.
 */
export function loadOrCreateState(file: string): { state: DemoState; created: boolean } {
  if (existsSync(file)) {
    const parsed: Partial<DemoState> = parse(readFileSync(file));
    if (valid(parsed)) {
      const { ADMIN_EMAIL, ADMIN_PASSWORD, SECRETS_KEY, SESSION_SECRET } = parsed;
      return {
        state: { ADMIN_EMAIL, ADMIN_PASSWORD, SECRETS_KEY, SESSION_SECRET },
        created: false,
      };
    }
  }
  const state: DemoState = {
    ADMIN_EMAIL: 'admin@localhost',
    ADMIN_PASSWORD: password(),
    SECRETS_KEY: randomBytes(32).toString('base64'),
    SESSION_SECRET: randomBytes(48).toString('base64url'),
  };
  const text =
    '# npm run demo: the sign-in of the demo console and the keys of the demo database.\n' +
    '# Delete this file to start the demo from scratch (its database is reset on the next run).\n' +
    KEYS.map((k) => `${k}=${state[k]}`).join('\n') +
    '\n';
  writeFileSync(file, text, { mode: 0o600 });
  return { state, created: true };
}
