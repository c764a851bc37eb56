/** See env-secrets.js. */
export function ensureSecrets(envPath: string, env?: Record<string, string | undefined>): string[];
