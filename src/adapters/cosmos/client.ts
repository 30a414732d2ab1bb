import { Agent } from 'node:https';
import { CosmosClient, type Container, type Database } from '@azure/cosmos';
import type { TokenCredential } from '@azure/core-auth';
import type { Config } from '../../config.js';

/**
 * The containers and the access patterns they serve. Every request path is a point read or a
 * query within one logical partition.
 *
 * - users (/pk): a user (pk = userId) with their memberships and places in line (same pk: one
 *   query lists them); email claims (pk = "email:<address>", enforce unique emails by create
 *   conflict, point-read at sign-in); login attempts (pk = "login:<address>"); where an address is
 *   invited (pk = "invitations:<address>", one query lists them); one-time code counters
 *   (pk = "rate:<key>", per phone number and per client address). TTL on, off by default: the code
 *   counters and the texts counted per phone number and day expire by per-item `ttl`.
 * - refreshTokens (/id): one document per refresh-token family, replaced with If-Match on every
 *   rotation; expires with per-item TTL.
 * - restaurants (/restaurantId): the restaurant, its members (authorization point reads), its
 *   waitlists and its invitations (one per address).
 * - waitees (/waitlistId): the waitees of one waitlist, their texts (the outbox), the producer's
 *   due entries (type dueWork, domain DueWork: written in the batch of the save that owes them) and
 *   the join requests waiting for a one-time code; the line is a single-partition query. TTL on,
 *   off by default: join requests and their code texts expire by per-item `ttl`
 *   (src/domain/retention.ts). The timers' sweeps make the app's one cross-partition query, for the
 *   due entries: in Azure the composite index (type, dueAt) serves only the entries due; the local
 *   emulator copies the whole container for it, so locally its cost grows with the parties stored.
 * - statusLinks (/id): the public status token → where the waitee is; a join link's code → its
 *   waitlist (type joinLink).
 * - dueWork (/waitlistId): where the due entries lived before they moved beside their parties.
 *   Nothing writes here any more; the producer's sweep moves what is left into waitees. It
 *   stays until a release notes it can go (docs/deploy.md, The due entries' move).
 * - analytics (/restaurantId): one rollup per waitlist and day (domain/analytics.ts), so a year of
 *   a restaurant is one single-partition query; only the keys it is queried by are indexed.
 */
export const containerDefinitions = [
  { id: 'users', partitionKey: '/pk', defaultTtl: -1 },
  { id: 'refreshTokens', partitionKey: '/id', defaultTtl: -1 },
  { id: 'restaurants', partitionKey: '/restaurantId' },
  {
    id: 'waitees',
    partitionKey: '/waitlistId',
    excludedPaths: ['/notes/?'],
    compositeIndexes: [['/type', '/dueAt']],
    defaultTtl: -1,
  },
  { id: 'statusLinks', partitionKey: '/id' },
  { id: 'dueWork', partitionKey: '/waitlistId' },
  { id: 'analytics', partitionKey: '/restaurantId', excludedPaths: ['/figures/*', '/counted/*'] },
] as const;

export type ContainerName = (typeof containerDefinitions)[number]['id'];
export type Containers = Readonly<Record<ContainerName, Container>>;

/** A key (loopback emulator only) or, in Azure, the app's managed-identity credential. */
export function createCosmosClient(config: Config['cosmos'], credential?: TokenCredential): CosmosClient {
  if (config.key !== undefined) {
    // Only reachable for a loopback emulator (config validation); its certificate is self-signed.
    return new CosmosClient({
      endpoint: config.endpoint,
      key: config.key,
      agent: new Agent({ keepAlive: true, rejectUnauthorized: false }),
      connectionPolicy: { enableEndpointDiscovery: false },
    });
  }
  if (credential === undefined) throw new Error('Cosmos DB needs a key (local emulator) or a credential');
  return new CosmosClient({ endpoint: config.endpoint, aadCredentials: credential });
}

export function containersOf(database: Database): Containers {
  const entries = containerDefinitions.map((d) => [d.id, database.container(d.id)] as const);
  return Object.fromEntries(entries) as Record<ContainerName, Container>;
}

/**
 * Creates the database and containers when missing. In Azure the Bicep creates them (the app's
 * data-plane role cannot); locally the host calls this at start.
 */
export async function ensureDatabase(client: CosmosClient, databaseId: string): Promise<Database> {
  const { database } = await client.databases.createIfNotExists({ id: databaseId });
  for (const definition of containerDefinitions) {
    await database.containers.createIfNotExists({
      id: definition.id,
      partitionKey: { paths: [definition.partitionKey] },
      ...('defaultTtl' in definition ? { defaultTtl: definition.defaultTtl } : {}),
      ...('excludedPaths' in definition
        ? {
            indexingPolicy: {
              includedPaths: [{ path: '/*' }],
              excludedPaths: [...definition.excludedPaths.map((path) => ({ path })), { path: '/"_etag"/?' }],
              ...('compositeIndexes' in definition
                ? {
                    compositeIndexes: definition.compositeIndexes.map((paths) =>
                      paths.map((path) => ({ path, order: 'ascending' as const })),
                    ),
                  }
                : {}),
            },
          }
        : {}),
    });
  }
  return database;
}
