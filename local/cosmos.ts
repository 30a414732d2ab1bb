import type { AddressInfo } from 'node:net';
import { createHttpsServer } from '@vercel/cosmosdb-server';

export interface CosmosEmulator {
  readonly endpoint: string;
  /** Any key works with this emulator; it is only ever used against loopback. */
  readonly key: string;
  close(): Promise<void>;
}

/**
 * The embedded Cosmos DB: @vercel/cosmosdb-server speaks the Cosmos REST protocol in-process, so
 * the real @azure/cosmos client runs unchanged. Started from code with keep-alive (its CLI closes
 * every connection, which makes each request several times slower). Data lives in memory.
 */
export async function startCosmosEmulator(port = 0): Promise<CosmosEmulator> {
  const server = createHttpsServer({ keepAlive: true });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', resolve);
  });
  const { port: actualPort } = server.address() as AddressInfo;
  return {
    endpoint: `https://127.0.0.1:${actualPort}`,
    key: 'local-emulator-key',
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => {
          resolve();
        });
      }),
  };
}
