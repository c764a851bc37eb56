// Verifies a Zorio webhook request with Node.js's standard library only (Node 18+).
//
// In your receiver, keep the raw body bytes (e.g. express.raw({ type: 'application/json' })),
// check the signature first, and parse the JSON only when it holds:
//
//   const result = verifyStandardWebhook(secret, req.headers, req.body);
//   if (!result.ok) return res.status(401).end();
//
// Node lower-cases header names; both functions take such a headers object. Run as a script it
// reads the raw body on stdin and the headers from a JSON file:
//   ZORIO_WEBHOOK_SECRET=... node verify.mjs <zorio|standard> headers.json < body
import { Buffer } from 'node:buffer';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { argv, env, exit, stdin, stdout } from 'node:process';
import { fileURLToPath } from 'node:url';

/** Requests whose timestamp is further than this from the receiver's clock are refused. */
export const TOLERANCE_SECONDS = 300;

function fresh(timestamp, nowSeconds) {
  if (typeof timestamp !== 'string' || !/^\d+$/.test(timestamp)) return false;
  return Math.abs(nowSeconds - Number(timestamp)) <= TOLERANCE_SECONDS;
}

function sameBytes(a, b) {
  return a.length === b.length && timingSafeEqual(a, b);
}

/** X-Zorio-Signature: "sha256=" + hex HMAC-SHA256(secret, raw body); X-Zorio-Timestamp fresh. */
export function verifyZorioSignature(secret, headers, rawBody, nowSeconds = Date.now() / 1000) {
  if (!fresh(headers['x-zorio-timestamp'], nowSeconds)) {
    return { ok: false, reason: 'X-Zorio-Timestamp missing or more than 300 s off' };
  }
  const match = /^sha256=([0-9a-f]{64})$/i.exec(headers['x-zorio-signature'] ?? '');
  if (!match) return { ok: false, reason: 'X-Zorio-Signature missing or malformed' };
  const expected = createHmac('sha256', secret).update(rawBody).digest();
  if (!sameBytes(Buffer.from(match[1], 'hex'), expected)) {
    return { ok: false, reason: 'X-Zorio-Signature does not match' };
  }
  return { ok: true };
}

/**
 * Standard Webhooks: webhook-signature holds space-separated "v1,<base64>" entries, where
 * <base64> = HMAC-SHA256(secret, "<webhook-id>.<webhook-timestamp>.<raw body>"); one must match.
 */
export function verifyStandardWebhook(secret, headers, rawBody, nowSeconds = Date.now() / 1000) {
  const id = headers['webhook-id'];
  const timestamp = headers['webhook-timestamp'];
  if (!id || !fresh(timestamp, nowSeconds)) {
    return { ok: false, reason: 'webhook-id missing, or webhook-timestamp missing or stale' };
  }
  const expected = createHmac('sha256', secret)
    .update(`${id}.${timestamp}.`)
    .update(rawBody)
    .digest();
  const matches = (headers['webhook-signature'] ?? '')
    .split(' ')
    .filter((entry) => entry.startsWith('v1,'))
    .some((entry) => sameBytes(Buffer.from(entry.slice(3), 'base64'), expected));
  return matches ? { ok: true } : { ok: false, reason: 'webhook-signature does not match' };
}

async function main() {
  const [scheme, headersFile] = argv.slice(2);
  const verify = { zorio: verifyZorioSignature, standard: verifyStandardWebhook }[scheme];
  if (!verify || !headersFile || !env.ZORIO_WEBHOOK_SECRET) {
    stdout.write('usage: ZORIO_WEBHOOK_SECRET=... verify.mjs <zorio|standard> headers.json\n');
    exit(2);
  }
  const headers = Object.fromEntries(
    Object.entries(JSON.parse(readFileSync(headersFile, 'utf8'))).map(([k, v]) => [
      k.toLowerCase(),
      v,
    ]),
  );
  const chunks = [];
  for await (const chunk of stdin) chunks.push(chunk);
  const result = verify(env.ZORIO_WEBHOOK_SECRET, headers, Buffer.concat(chunks));
  stdout.write(result.ok ? 'verified\n' : `rejected: ${result.reason}\n`);
  exit(result.ok ? 0 : 1);
}

if (argv[1] === fileURLToPath(import.meta.url)) await main();
