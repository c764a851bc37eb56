import { AppConfig, loadConfig } from '../../src/config/app-config';

/** The two variables loadConfig cannot do without (README, .env.example), with test values. */
export const REQUIRED_ENV = {
  SECRETS_KEY: Buffer.alloc(32, 7).toString('base64'),
  SESSION_SECRET: 'a'.repeat(32),
};

/** The configuration of `env` on top of the required variables. */
export function configWith(env: Record<string, string> = {}): AppConfig {
  return loadConfig({ ...REQUIRED_ENV, ...env });
}
