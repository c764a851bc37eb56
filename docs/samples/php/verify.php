<?php
// Verifies a Zorio webhook request with PHP's standard library only (PHP 7.4+).
//
// In your receiver, check the signature on the raw body before decoding the JSON:
//   $raw = file_get_contents('php://input');
//   $headers = array_change_key_case(getallheaders(), CASE_LOWER);
//   [$ok, $reason] = verify_standard_webhook($secret, $headers, $raw);
//   if (!$ok) { http_response_code(401); exit; }
//
// Run as a script it reads the raw body on stdin and the headers from a JSON file:
//   ZORIO_WEBHOOK_SECRET=... php verify.php <zorio|standard> headers.json < body

// Requests whose timestamp is further than this from the receiver's clock are refused.
const TOLERANCE_SECONDS = 300;

function zorio_fresh($timestamp, int $now): bool
{
    if (!is_string($timestamp) || !preg_match('/^[0-9]+$/', $timestamp)) {
        return false;
    }
    return abs($now - (int) $timestamp) <= TOLERANCE_SECONDS;
}

/** X-Zorio-Signature: "sha256=" + hex HMAC-SHA256(secret, raw body); X-Zorio-Timestamp fresh. */
function verify_zorio_signature(string $secret, array $headers, string $rawBody, ?int $now = null): array
{
    if (!zorio_fresh($headers['x-zorio-timestamp'] ?? null, $now ?? time())) {
        return [false, 'X-Zorio-Timestamp missing or more than 300 s off'];
    }
    if (!preg_match('/^sha256=([0-9a-fA-F]{64})$/', $headers['x-zorio-signature'] ?? '', $m)) {
        return [false, 'X-Zorio-Signature missing or malformed'];
    }
    $expected = hash_hmac('sha256', $rawBody, $secret);
    if (!hash_equals($expected, strtolower($m[1]))) {
        return [false, 'X-Zorio-Signature does not match'];
    }
    return [true, null];
}

/**
 * Standard Webhooks: one space-separated "v1,<base64>" entry of webhook-signature must be
 * HMAC-SHA256(secret, "<webhook-id>.<webhook-timestamp>.<raw body>").
 */
function verify_standard_webhook(string $secret, array $headers, string $rawBody, ?int $now = null): array
{
    $id = $headers['webhook-id'] ?? '';
    $timestamp = $headers['webhook-timestamp'] ?? null;
    if ($id === '' || !zorio_fresh($timestamp, $now ?? time())) {
        return [false, 'webhook-id missing, or webhook-timestamp missing or stale'];
    }
    $expected = base64_encode(hash_hmac('sha256', "$id.$timestamp.$rawBody", $secret, true));
    foreach (explode(' ', $headers['webhook-signature'] ?? '') as $entry) {
        $parts = explode(',', $entry, 2);
        if (count($parts) === 2 && $parts[0] === 'v1' && hash_equals($expected, $parts[1])) {
            return [true, null];
        }
    }
    return [false, 'webhook-signature does not match'];
}

function main(array $argv): int
{
    $verifiers = ['zorio' => 'verify_zorio_signature', 'standard' => 'verify_standard_webhook'];
    $secret = getenv('ZORIO_WEBHOOK_SECRET');
    if (count($argv) !== 3 || !isset($verifiers[$argv[1]]) || !$secret) {
        echo "usage: ZORIO_WEBHOOK_SECRET=... verify.php <zorio|standard> headers.json\n";
        return 2;
    }
    $headers = array_change_key_case(json_decode(file_get_contents($argv[2]), true), CASE_LOWER);
    [$ok, $reason] = $verifiers[$argv[1]]($secret, $headers, file_get_contents('php://stdin'));
    echo $ok ? "verified\n" : "rejected: $reason\n";
    return $ok ? 0 : 1;
}

if (PHP_SAPI === 'cli' && realpath($argv[0]) === __FILE__) {
    exit(main($argv));
}
