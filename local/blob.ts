import { createRequire } from 'node:module';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { LocalTls } from './tls.js';

/** Azurite's one account on every install (path-style URLs: the account is the first path segment). */
const account = 'devstoreaccount1';

export interface BlobEmulator {
  /** Value for UPLOADS_BLOB_ENDPOINT: https://127.0.0.1:PORT/devstoreaccount1 */
  readonly endpoint: string;
  close(): Promise<void>;
}

interface AzuriteBlobServer {
  start(): Promise<void>;
  close(): Promise<void>;
  getHttpServerAddress(): string;
}
type AzuriteBlobServerClass = new (configuration: unknown) => AzuriteBlobServer;
type AzuriteConfigurationClass = new (...args: unknown[]) => unknown;

/**
 * Azurite's Blob service in this process, over https with `--oauth basic` (user-delegation keys
 * need both: /work/shared/DESIGN.md), `--skipApiVersionCheck` (storage-blob 12.34 speaks a newer
 * version than Azurite 3.37 knows) and in-memory storage. Azurite has no programmatic API of its
 * own, so this builds the BlobServer its CLI builds, with the CLI's arguments in order.
 */
export async function startBlobEmulator(tls: LocalTls): Promise<BlobEmulator> {
  const require = createRequire(import.meta.url);
  const BlobServer = (require('azurite/dist/src/blob/BlobServer.js') as { default: AzuriteBlobServerClass }).default;
  const BlobConfiguration = (require('azurite/dist/src/blob/BlobConfiguration.js') as { default: AzuriteConfigurationClass }).default;
  const certPath = join(tls.dir, 'azurite-cert.pem');
  const keyPath = join(tls.dir, 'azurite-key.pem');
  await writeFile(certPath, tls.cert);
  await writeFile(keyPath, tls.key);
  const configuration = new BlobConfiguration(
    '127.0.0.1',
    0, // a free port
    5, // keep-alive timeout, seconds
    undefined, // metadata database path: unused in memory
    undefined, // extent database path
    undefined, // persistence paths
    false, // access log
    undefined,
    false, // debug log
    undefined,
    true, // --loose: ignore headers Azurite does not know
    true, // --skipApiVersionCheck
    certPath,
    keyPath,
    '', // certificate password
    'basic', // --oauth basic: Bearer tokens read, signature not checked
    false, // disableProductStyleUrl
    true, // --inMemoryPersistence
  );
  const server = new BlobServer(configuration);
  await server.start();
  return { endpoint: `${server.getHttpServerAddress()}/${account}`, close: () => server.close() };
}
