import hostJson from '../host.json' with { type: 'json' };
import { services, type Services } from '../src/application/services.js';
import { createCosmosClient, ensureDatabase } from '../src/adapters/cosmos/client.js';
import { functions } from '../src/functions/catalog.js';
import type { HttpFunction } from '../src/functions/catalog-types.js';
import { startCosmosEmulator, type CosmosEmulator } from './cosmos.js';
import { startHttpHost, type LocalHttpHost } from './host/http-host.js';
import { seedDemo, type DemoData } from './seed.js';
import { localAppSettings } from './settings.js';

export interface LocalStack {
  readonly baseUrl: string;
  readonly apiUrl: string;
  readonly cosmos: CosmosEmulator;
  readonly services: Services;
  readonly demo: DemoData | null;
  close(): Promise<void>;
}

export interface LocalStackOptions {
  readonly port?: number;
  readonly seed?: boolean;
  /** Lower scrypt cost for test runs that register many accounts. */
  readonly passwordHashCost?: number;
  readonly log?: (line: string) => void;
}

/**
 * The whole product on loopback: embedded Cosmos DB, the app settings a Functions host would
 * provide, the function catalog served over HTTP. Settings already in the environment win, so a
 * developer can point the host at other services.
 */
export async function startLocalStack(options: LocalStackOptions = {}): Promise<LocalStack> {
  const log = options.log ?? (() => undefined);
  const cosmos = await startCosmosEmulator();
  const port = options.port ?? 7071;
  const http = await startHttpHost({
    functions: functions.filter((f): f is HttpFunction => f.kind === 'http'),
    port,
    routePrefix: hostJson.extensions.http.routePrefix,
    log,
  });
  try {
    const settings = await localAppSettings({
      cosmosEndpoint: cosmos.endpoint,
      cosmosKey: cosmos.key,
      baseUrl: http.baseUrl,
      ...(options.passwordHashCost === undefined ? {} : { passwordHashCost: options.passwordHashCost }),
    });
    for (const [name, value] of Object.entries(settings)) process.env[name] ??= value;
    const s = services();
    await ensureDatabase(createCosmosClient(s.config.cosmos), s.config.cosmos.database);
    const demo = options.seed === false ? null : await seedDemo(s);
    return { baseUrl: http.baseUrl, apiUrl: `${http.baseUrl}/api`, cosmos, services: s, demo, close: () => closeAll(http, cosmos) };
  } catch (error) {
    await closeAll(http, cosmos);
    throw error;
  }
}

async function closeAll(http: LocalHttpHost, cosmos: CosmosEmulator): Promise<void> {
  await http.close();
  await cosmos.close();
}
