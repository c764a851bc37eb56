/**
 * Throwaway certificate authorities and server certificates for tests, benchmarks and the demo:
 * native RSA keys (Node's generator; node-forge's pure-JS one takes seconds) and node-forge for the
 * X.509 structures. Nothing here is added to any trust store: callers hand the CA's PEM to the
 * platform through WEBHOOK_CA_FILE, as a customer with a private PKI would.
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import forge from 'node-forge';

export const DAY_MS = 24 * 60 * 60 * 1000;

/** What a receiver on this machine answers to: localhost, 127.0.0.1 and ::1. */
export const LOCAL_NAMES = { dns: ['localhost'], ips: ['127.0.0.1', '::1'] };

export interface TestCertificate {
  certPem: string;
  keyPem: string;
}

export interface KeyPair {
  privateKey: forge.pki.rsa.PrivateKey;
  publicKey: forge.pki.rsa.PublicKey;
  privateKeyPem: string;
}

/** A certificate authority: its certificate and the keys that sign with it. */
export interface CertificateAuthority {
  cert: forge.pki.Certificate;
  keys: KeyPair;
  certPem: string;
}

export interface ServerCertOptions {
  dns: string[];
  ips: string[];
  notBefore: Date;
  notAfter: Date;
}

export function newKeyPair(): KeyPair {
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

/** A self-signed CA valid from yesterday for `validityDays`. */
export function newCa(
  name: { commonName: string; organization: string },
  validityDays: number,
): CertificateAuthority {
  const keys = newKeyPair();
  const cert = forge.pki.createCertificate();
  cert.publicKey = keys.publicKey;
  cert.serialNumber = serialNumber();
  cert.validity.notBefore = new Date(Date.now() - DAY_MS);
  cert.validity.notAfter = new Date(Date.now() + validityDays * DAY_MS);
  const subject = [
    { name: 'commonName', value: name.commonName },
    { name: 'organizationName', value: name.organization },
  ];
  cert.setSubject(subject);
  cert.setIssuer(subject);
  cert.setExtensions([
    { name: 'basicConstraints', cA: true, critical: true },
    { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
    { name: 'subjectKeyIdentifier' },
  ]);
  cert.sign(keys.privateKey, forge.md.sha256.create());
  return { cert, keys, certPem: forge.pki.certificateToPem(cert) };
}

/** A TLS server certificate for the given names, signed by `ca`, with the key of `keys`. */
export function newServerCert(
  ca: CertificateAuthority,
  keys: KeyPair,
  opts: ServerCertOptions,
): TestCertificate {
  const cert = forge.pki.createCertificate();
  cert.publicKey = keys.publicKey;
  cert.serialNumber = serialNumber();
  cert.validity.notBefore = opts.notBefore;
  cert.validity.notAfter = opts.notAfter;
  cert.setSubject([{ name: 'commonName', value: opts.dns[0] ?? opts.ips[0] }]);
  cert.setIssuer(ca.cert.subject.attributes);
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
      keyIdentifier: ca.cert.generateSubjectKeyIdentifier().getBytes(),
    },
  ]);
  cert.sign(ca.keys.privateKey, forge.md.sha256.create());
  return { certPem: forge.pki.certificateToPem(cert), keyPem: keys.privateKeyPem };
}

/** A CA and one certificate for this machine's names, both valid for `validityDays`. */
export function newLocalPki(
  name: { commonName: string; organization: string },
  validityDays: number,
): { caCertPem: string; server: TestCertificate } {
  const ca = newCa(name, validityDays);
  const server = newServerCert(ca, newKeyPair(), {
    ...LOCAL_NAMES,
    notBefore: new Date(Date.now() - DAY_MS),
    notAfter: new Date(Date.now() + validityDays * DAY_MS),
  });
  return { caCertPem: ca.certPem, server };
}
