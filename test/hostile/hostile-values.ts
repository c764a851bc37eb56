import fc from 'fast-check';

/**
 * Generators of what hostile clients, broken integrations and foreign systems send, for the
 * property-based walk of every route.
 */

/** Any UTF-16 code units, lone surrogates and NUL included. */
const anyUnits = fc.string({
  unit: fc.nat(0xffff).map((c) => String.fromCharCode(c)),
  maxLength: 30,
});

const NASTY = [
  '\u0000',
  'a\u0000b',
  '\ud800',
  '\udfff',
  'x\udc00y',
  '\ud83d',
  '=HYPERLINK("https://evil.example","x")',
  '@SUM(1+1)*cmd|/C calc!A0',
  "' OR 1=1 --",
  '"; DROP TABLE users; --',
  '<script>alert(1)</script>',
  '../../../etc/passwd',
  '%00',
  '%ED%A0%80',
  '%',
  '\u202eevil',
  '\r\nX-Injected: 1',
  ' ',
  '',
  '0',
  '-1',
  '1e309',
  'NaN',
  'Infinity',
  'null',
  'true',
  '[]',
  '{"a":1}',
  '__proto__',
  'constructor',
  '2026-02-30T25:61:00Z',
  '0000-01-01T00:00:00Z',
  '9'.repeat(400),
  '/'.repeat(20_000) + 'x',
  'a'.repeat(10_001),
  'é'.repeat(300),
  '😀'.repeat(120),
];

/** Values that pass some validators, so requests also get further than the first check. */
const PLAUSIBLE = [
  '0912345678',
  '+84 912 345 678',
  'ops@example.test',
  'https://127.0.0.1:9/hook',
  'pbx.call.ringing',
  'telesales.lead.created',
  'admin',
  'auditor',
  'manual',
  'progressive',
  'per_key',
  'none',
  'dialed',
  'answered',
  'INTERESTED',
  '1001',
  '6f1c2b0e-4d1a-4c8e-9a57-3e2f8b1d7c40',
  '2026-06-29T03:29:40Z',
  '203.0.113.7',
  '10.0.0.0/8',
  '010.0.0.1',
  'pbx_api_access',
  'a long enough password',
];

export const hostileString = fc.oneof(
  { arbitrary: fc.constantFrom(...NASTY), weight: 5 },
  { arbitrary: fc.constantFrom(...PLAUSIBLE), weight: 3 },
  { arbitrary: anyUnits, weight: 2 },
);

/** Nested deeper than any request may be. */
const tooDeep = fc.constant(
  Array.from({ length: 60 }).reduce<unknown>((inner) => ({ a: [inner] }), 'leaf'),
);

const leaf = fc.oneof(
  { arbitrary: hostileString, weight: 6 },
  { arbitrary: fc.integer(), weight: 1 },
  { arbitrary: fc.constantFrom(0, -1, 1e308, -0, 2 ** 53, 1.5, 64, 65, 10_000), weight: 1 },
  { arbitrary: fc.boolean(), weight: 1 },
  { arbitrary: fc.constant(null), weight: 1 },
);

export const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  { arbitrary: leaf, weight: 8 },
  { arbitrary: fc.array(leaf, { maxLength: 4 }), weight: 2 },
  { arbitrary: fc.dictionary(hostileString, leaf, { maxKeys: 4 }), weight: 2 },
  { arbitrary: tooDeep, weight: 1 },
);

/** Field names of the rows of each bulk import, so rows have the right shape most of the time. */
const ROW_FIELDS: Record<string, string[]> = {
  'POST /api/telesales/campaigns/:id/leads/bulk-import': [
    'full_name',
    'phone',
    'email',
    'custom_fields',
  ],
  'POST /api/autocall/campaigns/:id/leads/import': ['phone', 'external_ref', 'payload'],
};

const CDR_VARIABLES = [
  'uuid',
  'caller_id_number',
  'destination_number',
  'start_epoch',
  'answer_epoch',
  'end_epoch',
  'duration',
  'billsec',
  'hangup_cause',
  'record_path',
  'record_name',
  'recording_url',
  'dialed_user',
  'call_direction',
  'cc_queue',
  'sip_user_agent',
];

function objectOf(fields: string[]): fc.Arbitrary<Record<string, unknown>> {
  const known = fc.record(Object.fromEntries(fields.map((f) => [f, hostileValue])), {
    requiredKeys: [],
  });
  return fc
    .tuple(known, fc.option(fc.dictionary(hostileString, hostileValue, { maxKeys: 2 })))
    .map(([k, extra]) => ({ ...(extra ?? {}), ...k }));
}

/** A CDR document with hostile variables: raw JSON or mod_json_cdr's `cdr=<json>` form. */
const cdrBody = fc
  .tuple(
    fc.subarray(CDR_VARIABLES, { minLength: 0, maxLength: 2 }),
    fc.array(hostileValue, { minLength: 2, maxLength: 2 }),
    fc.uuid(),
    fc.boolean(),
    fc.boolean(),
  )
  .map(([names, values, uuid, hostileWins, form]) => {
    const valid: Record<string, unknown> = {
      uuid,
      start_epoch: '1782703780',
      end_epoch: '1782703812',
      hangup_cause: 'NORMAL_CLEARING',
    };
    const hostile = Object.fromEntries(names.map((n, i) => [n, values[i]]));
    const variables = hostileWins ? { ...valid, ...hostile } : { ...hostile, ...valid };
    const doc = { switchname: 'pbx01', variables };
    return form ? { form: `cdr=${safeEncode(JSON.stringify(doc))}` } : { json: doc };
  });

/** The body of a request to a route: its DTO's fields (or rows, or a CDR) with hostile values. */
export function hostileBody(
  routeKey: string,
  fields: string[],
): fc.Arbitrary<{ json?: unknown; form?: string }> {
  if (routeKey === 'POST /api/pbx/cdr') return cdrBody;
  const rows = ROW_FIELDS[routeKey];
  const shaped = rows
    ? fc
        .tuple(fc.array(objectOf(rows), { maxLength: 6 }), objectOf(fields))
        .map(([leads, rest]) => ({ ...rest, leads }))
    : objectOf(fields);
  return fc.oneof(
    { arbitrary: shaped.map((json) => ({ json })), weight: 8 },
    { arbitrary: hostileValue.map((json) => ({ json })), weight: 1 },
    {
      arbitrary: shaped.map((json) => ({
        form: new URLSearchParams(flatStrings(json)).toString(),
      })),
      weight: 1,
    },
  );
}

/** `?a=..&b=..` with hostile values for the query DTO's fields (and sometimes unknown ones). */
export function hostileQuery(fields: string[]): fc.Arbitrary<string> {
  const names = fields.length ? fc.constantFrom(...fields) : hostileString;
  return fc
    .array(
      fc.tuple(
        fc.oneof({ arbitrary: names, weight: 4 }, { arbitrary: hostileString, weight: 1 }),
        hostileString,
      ),
      {
        maxLength: 4,
      },
    )
    .map((pairs) =>
      pairs.length
        ? `?${pairs.map(([k, v]) => `${safeEncode(k)}=${safeEncode(v)}`).join('&')}`
        : '',
    );
}

/** Path parameters: malformed ids, huge numbers, encoded NUL and slashes. */
export const hostileParam = fc.oneof(
  fc.constantFrom(
    '%00',
    '0',
    '-1',
    '1e3',
    '0x10',
    '99999999999999999999',
    '2147483648',
    'not-an-id',
    '%2e%2e',
    '%ED%A0%80',
    '6f1c2b0e-4d1a-4c8e-9a57-3e2f8b1d7c4',
    '6F1C2B0E-4D1A-4C8E-9A57-3E2F8B1D7C40',
  ),
  fc.uuid(),
  fc.nat().map(String),
);

/** What a client (through a trusted loopback proxy) may claim as its address. */
export const hostileForwardedFor = fc.oneof(
  fc.ipV4(),
  fc.ipV6(),
  fc.constantFrom(
    'unknown',
    '010.0.0.1',
    '1.2.3.4:80',
    '[::1]',
    'a, b, c',
    ' ',
    '::ffff:127.0.0.1',
  ),
);

/** encodeURIComponent, with lone surrogates (which it refuses) written as their code units. */
function safeEncode(s: string): string {
  try {
    return encodeURIComponent(s);
  } catch {
    return [...s]
      .map((ch) => {
        try {
          return encodeURIComponent(ch);
        } catch {
          return `%25u${ch.charCodeAt(0).toString(16)}`;
        }
      })
      .join('');
  }
}

function flatStrings(value: Record<string, unknown>): [string, string][] {
  return Object.entries(value).map(([k, v]) => [
    k,
    typeof v === 'string' ? v : (JSON.stringify(v) ?? ''),
  ]);
}
