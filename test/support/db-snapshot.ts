import { containerDefinitions, containersOf, createCosmosClient } from '../../src/adapters/cosmos/client.js';
import type { Services } from '../../src/application/services.js';

/** Every stored document, keyed `container/partition key/id` (ids are unique only per partition), as JSON including `_etag` and `_ts` (any write changes it). */
export type DatabaseSnapshot = ReadonlyMap<string, string>;

/**
 * Reads every document of every container straight from Cosmos with the real SDK (a separate
 * client, not the stores under test), so "nothing changed" covers writes to any container.
 */
export async function snapshotDatabase(s: Services): Promise<DatabaseSnapshot> {
  const containers = containersOf(createCosmosClient(s.config.cosmos).database(s.config.cosmos.database));
  const entries: [string, string][] = [];
  for (const { id: name, partitionKey } of containerDefinitions) {
    const { resources } = await containers[name].items.readAll<{ id: string } & Record<string, unknown>>().fetchAll();
    for (const resource of resources)
      entries.push([`${name}/${String(resource[partitionKey.slice(1)])}/${resource.id}`, JSON.stringify(resource)]);
  }
  entries.sort(([a], [b]) => a.localeCompare(b));
  return new Map(entries);
}

export interface SnapshotDiff {
  readonly added: string[];
  readonly removed: string[];
  readonly changed: string[];
}

export function diffSnapshots(before: DatabaseSnapshot, after: DatabaseSnapshot): SnapshotDiff {
  return {
    added: [...after.keys()].filter((k) => !before.has(k)),
    removed: [...before.keys()].filter((k) => !after.has(k)),
    changed: [...before.keys()].filter((k) => after.has(k) && after.get(k) !== before.get(k)),
  };
}
