const SENSITIVE =
  /(secret|password|passwd|token(?!_id|_name)|authorization|cookie|signature|hash)/i;

/** Deep copy with every sensitive-looking key removed (not masked: not even a hash is kept). */
export function redact<T>(value: T): T {
  if (Array.isArray(value)) return value.map((v: unknown) => redact(v)) as T;
  if (value && typeof value === 'object' && !(value instanceof Date)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      if (!SENSITIVE.test(k)) out[k] = redact(v);
    }
    return out as T;
  }
  return value;
}

/** JSON with object keys sorted, so a value hashes the same after a jsonb round trip. */
export function canonicalJson(value: unknown): string {
  if (value === undefined) return 'null';
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}
