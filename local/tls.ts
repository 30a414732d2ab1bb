/**
 * A throwaway certificate authority and a loopback server certificate for the local stack.
 *
 * Why: the Azure SDKs refuse to send a Bearer token over plain http, so the managed-identity path
 * (SmsClient + ManagedIdentityCredential) can only be exercised locally over https. Node has no API
 * to create X.509 certificates, so this shells out to the `openssl` CLI (present on Linux/macOS and
 * in Git for Windows). Keys are generated per run into a temporary directory and never committed.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface LocalTls {
  /** Temporary directory holding every generated file; removed by `dispose()`. */
  readonly dir: string;
  /** PEM of the local CA alone, for `tlsOptions: { ca }` or an https.Agent. */
  readonly caCert: string;
  /**
   * File to pass as NODE_EXTRA_CA_CERTS to a child process: the local CA followed by the
   * certificates NODE_EXTRA_CA_CERTS already named when this was created (a corporate proxy CA, say),
   * because setting the variable replaces the previous value rather than adding to it.
   */
  readonly caCertPath: string;
  /** Server private key (PEM) for `https.createServer({ key, cert })`. */
  readonly key: string;
  /** Server certificate (PEM) for localhost, 127.0.0.1 and ::1, signed by the local CA. */
  readonly cert: string;
  dispose(): Promise<void>;
}

export interface LocalTlsOptions {
  /** Validity of both certificates in days (default 7): they are regenerated on every start. */
  readonly days?: number;
  /** CA bundle to chain after the local CA in `caCertPath`; defaults to process.env.NODE_EXTRA_CA_CERTS. */
  readonly existingExtraCaCerts?: string;
}

const serverExtensions = [
  'basicConstraints = critical, CA:FALSE',
  'keyUsage = critical, digitalSignature',
  'extendedKeyUsage = serverAuth',
  'subjectAltName = DNS:localhost, IP:127.0.0.1, IP:::1',
  'subjectKeyIdentifier = hash',
  'authorityKeyIdentifier = keyid',
].join('\n');

export async function createLocalTls(options: LocalTlsOptions = {}): Promise<LocalTls> {
  const days = String(options.days ?? 7);
  const dir = await mkdtemp(join(tmpdir(), 'waitlist-tls-'));
  const path = (name: string) => join(dir, name);
  const openssl = async (args: readonly string[]): Promise<void> => {
    try {
      await run('openssl', [...args], { cwd: dir });
    } catch (error) {
      await rm(dir, { recursive: true, force: true });
      const detail = error instanceof Error ? error.message : String(error);
      throw new Error(`openssl ${args[0] ?? ''} failed (is the openssl CLI on PATH?): ${detail}`, { cause: error });
    }
  };

  // P-256 keys: generated in milliseconds, unlike RSA, and accepted by Node's TLS stack.
  await openssl(['ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', path('ca.key')]);
  await openssl([
    'req',
    '-x509',
    '-new',
    '-key',
    path('ca.key'),
    '-sha256',
    '-days',
    days,
    '-subj',
    '/CN=Waitlist local development CA',
    '-addext',
    'basicConstraints = critical, CA:TRUE, pathlen:0',
    '-addext',
    'keyUsage = critical, keyCertSign, cRLSign',
    '-out',
    path('ca.pem'),
  ]);
  await openssl(['ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', path('server.key')]);
  await openssl(['req', '-new', '-key', path('server.key'), '-subj', '/CN=localhost', '-out', path('server.csr')]);
  await writeFile(path('server.ext'), serverExtensions);
  await openssl([
    'x509',
    '-req',
    '-in',
    path('server.csr'),
    '-CA',
    path('ca.pem'),
    '-CAkey',
    path('ca.key'),
    '-set_serial',
    `0x${randomBytes(16).toString('hex')}`,
    '-sha256',
    '-days',
    days,
    '-extfile',
    path('server.ext'),
    '-out',
    path('server.pem'),
  ]);

  const caCert = await readFile(path('ca.pem'), 'utf8');
  const key = await readFile(path('server.key'), 'utf8');
  const cert = await readFile(path('server.pem'), 'utf8');
  const existing = options.existingExtraCaCerts ?? process.env.NODE_EXTRA_CA_CERTS;
  const previous = existing ? await readFile(existing, 'utf8').catch(() => '') : '';
  const caCertPath = path('node-extra-ca-certs.pem');
  await writeFile(caCertPath, previous ? `${caCert.trimEnd()}\n${previous}` : caCert);

  return {
    dir,
    caCert,
    caCertPath,
    key,
    cert,
    dispose: () => rm(dir, { recursive: true, force: true }),
  };
}
