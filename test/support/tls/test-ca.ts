/**
 * A throwaway PKI for tests: a trusted test CA (give `caFile` to WEBHOOK_CA_FILE / the sender's
 * `caFile`), server certificates for localhost, 127.0.0.1 and ::1 (valid, expired, wrong host)
 * signed by it, and a second CA that nobody trusts with its own server certificate.
 *
 * Generated on first use (native RSA keys, node-forge for the certificates) and cached: in memory
 * per module instance and on disk under the OS temp directory, so every test file and every Jest
 * worker of a run (and of later runs, until the certificates near expiry) sees the same PKI. Files
 * on disk are written atomically and never modified, so concurrent workers cannot see half of one.
 */
import { X509Certificate, createHash, generateKeyPairSync, randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import forge from 'node-forge';

export interface TestCertificate {
  certPem: string;
  keyPem: string;
}

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
const DAY_MS = 24 * 60 * 60 * 1000;
const VALIDITY_DAYS = 90;
/** Regenerate when the valid certificates have less than this left. */
const MIN_REMAINING_MS = 7 * DAY_MS;
const SERVER_NAMES = { dns: ['localhost'], ips: ['127.0.0.1', '::1'] };

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

interface KeyPair {
  privateKey: forge.pki.rsa.PrivateKey;
  publicKey: forge.pki.rsa.PublicKey;
  privateKeyPem: string;
}

/** RSA keys from Node's native generator (node-forge's pure-JS one takes seconds). */
function newKeyPair(): KeyPair {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
  });
  return {
    privateKey: forge.pki.privateKeyFromPem(privateKey),
    publicKey: forge.pki.publicKeyFromPem(publicKey),
    privateKeyPem: privateKey,
  };
}

function serialNumber(): string {
  const bytes = randomBytes(16);
  bytes[0] &= 0x7f; // keep it positive
  return bytes.toString('hex');
}

function newCa(commonName: string, keys: KeyPair): forge.pki.Certificate {
  const cert = forge.pki.createCertificate();
  cert.publicKey = keys.publicKey;
  cert.serialNumber = serialNumber();
  cert.validity.notBefore = new Date(Date.now() - DAY_MS);
  cert.validity.notAfter = new Date(Date.now() + VALIDITY_DAYS * DAY_MS);
  const name = [
    { name: 'commonName', value: commonName },
    { name: 'organizationName', value: 'Zorio tests' },
  ];
  cert.setSubject(name);
  cert.setIssuer(name);
  cert.setExtensions([
    { name: 'basicConstraints', cA: true, critical: true },
    { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
    { name: 'subjectKeyIdentifier' },
  ]);
  cert.sign(keys.privateKey, forge.md.sha256.create());
  return cert;
}

function newServerCert(
  ca: forge.pki.Certificate,
  caKeys: KeyPair,
  keys: KeyPair,
  opts: { dns: string[]; ips: string[]; notBefore: Date; notAfter: Date },
): TestCertificate {
  const cert = forge.pki.createCertificate();
  cert.publicKey = keys.publicKey;
  cert.serialNumber = serialNumber();
  cert.validity.notBefore = opts.notBefore;
  cert.validity.notAfter = opts.notAfter;
  cert.setSubject([{ name: 'commonName', value: opts.dns[0] ?? opts.ips[0] }]);
  cert.setIssuer(ca.subject.attributes);
  cert.setExtensions([
    { name: 'basicConstraints', cA: false, critical: true },
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
    { name: 'extKeyUsage', serverAuth: true },
    {
      name: 'subjectAltName',
      altNames: [
        ...opts.dns.map((value) => ({ type: 2, value })),
        ...opts.ips.map((ip) => ({ type: 7, ip })),
      ],
    },
    { name: 'subjectKeyIdentifier' },
    {
      name: 'authorityKeyIdentifier',
      keyIdentifier: ca.generateSubjectKeyIdentifier().getBytes(),
    },
  ]);
  cert.sign(caKeys.privateKey, forge.md.sha256.create());
  return { certPem: forge.pki.certificateToPem(cert), keyPem: keys.privateKeyPem };
}

function generate(): StoredPki {
  const caKeys = newKeyPair();
  const untrustedCaKeys = newKeyPair();
  const serverKeys = newKeyPair();
  const ca = newCa('Zorio Test CA', caKeys);
  const untrustedCa = newCa('Untrusted Test CA', untrustedCaKeys);
  const now = Date.now();
  const valid = {
    ...SERVER_NAMES,
    notBefore: new Date(now - DAY_MS),
    notAfter: new Date(now + VALIDITY_DAYS * DAY_MS),
  };
  return {
    version: FORMAT_VERSION,
    caCertPem: forge.pki.certificateToPem(ca),
    server: newServerCert(ca, caKeys, serverKeys, valid),
    expiredServer: newServerCert(ca, caKeys, serverKeys, {
      ...SERVER_NAMES,
      notBefore: new Date(now - 3 * DAY_MS),
      notAfter: new Date(now - DAY_MS),
    }),
    wrongHostServer: newServerCert(ca, caKeys, serverKeys, {
      ...valid,
      dns: ['wrong-host.invalid'],
      ips: [],
    }),
    untrustedCaCertPem: forge.pki.certificateToPem(untrustedCa),
    untrustedServer: newServerCert(untrustedCa, untrustedCaKeys, serverKeys, valid),
  };
}
