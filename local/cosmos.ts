import { createHttpsServer } from '@vercel/cosmosdb-server';
import { closeServer, listenOnLoopback } from './loopback.js';

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
  const actualPort = await listenOnLoopback(server, port);
  return {
    endpoint: `https://127.0.0.1:${actualPort}`,
    key: 'local-emulator-key',
    close: () => closeServer(server),
  };
}
