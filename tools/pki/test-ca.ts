/**
 * A throwaway PKI for tests: a trusted test CA (give `caFile` to WEBHOOK_CA_FILE / the sender's
 * `caFile`), server certificates for localhost, 127.0.0.1 and ::1 (valid, expired, wrong host)
 * signed by it, and a second CA that nobody trusts with its own server certificate.
 *
 * Generated on first use (`./certificates`) and cached: in memory
 * per module instance and on disk under the OS temp directory, so every test file and every Jest
 * worker of a run (and of later runs, until the certificates near expiry) sees the same PKI. Files
 * on disk are written atomically and never modified, so concurrent workers cannot see half of one.
 */
import { X509Certificate, createHash, randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  DAY_MS,
  LOCAL_NAMES,
  newCa,
  newKeyPair,
  newServerCert,
  type TestCertificate,
} from './certificates';

export type { TestCertificate } from './certificates';

export interface TestPki {
  /** PEM of the trusted test CA. */
  caCertPem: string;
  /** Path of a file holding `caCertPem`: the value for WEBHOOK_CA_FILE. */
  caFile: string;
  /** localhost, 127.0.0.1 and ::1, signed by the trusted CA: verifies. */
  server: TestCertificate;
  /** Same names, signed by the trusted CA, but expired yesterday: CERT_HAS_EXPIRED. */
  expiredServer: TestCertificate;
  /** Signed by the trusted CA for `wrong-host.invalid` only: ERR_TLS_CERT_ALTNAME_INVALID. */
  wrongHostServer: TestCertificate;
  /** PEM of a second CA that is trusted by no one. */
  untrustedCaCertPem: string;
  /** localhost, 127.0.0.1 and ::1, signed by the untrusted CA: UNABLE_TO_VERIFY_LEAF_SIGNATURE. */
  untrustedServer: TestCertificate;
}

type StoredPki = Omit<TestPki, 'caFile'> & { version: number };

const FORMAT_VERSION = 1;
const VALIDITY_DAYS = 90;
/** Regenerate when the valid certificates have less than this left. */
const MIN_REMAINING_MS = 7 * DAY_MS;

let cached: TestPki | undefined;

/** The test PKI of this run (generated once, then cached in memory and on disk). */
export function getTestPki(): TestPki {
  if (cached) {
    return cached;
  }
  const dir = cacheDir();
  const file = path.join(dir, 'pki.json');
  let stored = readStored(file);
  if (!stored) {
    stored = generate();
    writeAtomically(file, JSON.stringify(stored), { replace: true });
  }
  const fingerprint = createHash('sha256').update(stored.caCertPem).digest('hex').slice(0, 16);
  const caFile = path.join(dir, `ca-${fingerprint}.pem`);
  writeAtomically(caFile, stored.caCertPem, { replace: false });
  const { version: _version, ...pki } = stored;
  cached = { ...pki, caFile };
  return cached;
}

function cacheDir(): string {
  const uid = typeof process.getuid === 'function' ? process.getuid() : 'user';
  const dir = path.join(os.tmpdir(), `zorio-test-pki-${uid}`);
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  return dir;
}

function readStored(file: string): StoredPki | null {
  try {
    const parsed = JSON.parse(fs.readFileSync(file, 'utf8')) as Partial<StoredPki>;
    if (
      parsed.version !== FORMAT_VERSION ||
      typeof parsed.caCertPem !== 'string' ||
      typeof parsed.untrustedCaCertPem !== 'string' ||
      !parsed.server ||
      !parsed.expiredServer ||
      !parsed.wrongHostServer ||
      !parsed.untrustedServer
    ) {
      return null;
    }
    const validTo = Date.parse(new X509Certificate(parsed.server.certPem).validTo);
    const caValidTo = Date.parse(new X509Certificate(parsed.caCertPem).validTo);
    if (Math.min(validTo, caValidTo) - Date.now() < MIN_REMAINING_MS) {
      return null;
    }
    return parsed as StoredPki;
  } catch {
    return null;
  }
}

/** Writes via a temp file and a rename (replace) or a hard link (keep what is there). */
function writeAtomically(file: string, content: string, opts: { replace: boolean }): void {
  if (!opts.replace && fs.existsSync(file)) {
    return;
  }
  const tmp = `${file}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  fs.writeFileSync(tmp, content, { mode: 0o600 });
  try {
    if (opts.replace) {
      fs.renameSync(tmp, file);
      return;
    }
    try {
      fs.linkSync(tmp, file);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') {
        throw err;
      }
    }
  } finally {
    fs.rmSync(tmp, { force: true });
  }
}

function generate(): StoredPki {
  const ca = newCa({ commonName: 'Zorio Test CA', organization: 'Zorio tests' }, VALIDITY_DAYS);
  const untrustedCa = newCa(
    { commonName: 'Untrusted Test CA', organization: 'Zorio tests' },
    VALIDITY_DAYS,
  );
  const serverKeys = newKeyPair();
  const now = Date.now();
  const valid = {
    ...LOCAL_NAMES,
    notBefore: new Date(now - DAY_MS),
    notAfter: new Date(now + VALIDITY_DAYS * DAY_MS),
  };
  return {
    version: FORMAT_VERSION,
    caCertPem: ca.certPem,
    server: newServerCert(ca, serverKeys, valid),
    expiredServer: newServerCert(ca, serverKeys, {
      ...LOCAL_NAMES,
      notBefore: new Date(now - 3 * DAY_MS),
      notAfter: new Date(now - DAY_MS),
    }),
    wrongHostServer: newServerCert(ca, serverKeys, {
      ...valid,
      dns: ['wrong-host.invalid'],
      ips: [],
    }),
    untrustedCaCertPem: untrustedCa.certPem,
    untrustedServer: newServerCert(untrustedCa, serverKeys, valid),
  };
}
