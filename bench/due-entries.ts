import { containersOf, createCosmosClient } from '../src/adapters/cosmos/client.js';
import { dueWorkDocument } from '../src/adapters/cosmos/due-work.js';
import type { DueWork } from '../src/domain/notification.js';
import type { LocalStack } from '../local/stack.js';

/** Where due entries are written: beside their party (as a save's batch writes them), or in the earlier design's own container. */
export type DueEntriesHome = 'beside the party' | 'earlier container';

/**
 * Writes due entries straight through the SDK, with a client of its own: what a save that stopped
 * midway, or a deployment of the earlier design, leaves behind.
 */
export async function storeDueEntries(
  stack: LocalStack,
  entries: readonly DueWork[],
  home: DueEntriesHome = 'beside the party',
): Promise<void> {
  const { cosmos } = stack.services.config;
  const client = createCosmosClient(cosmos);
  const containers = containersOf(client.database(cosmos.database));
  try {
    await Promise.all(
      entries.map((entry) =>
        home === 'beside the party'
          ? containers.waitees.items.upsert(dueWorkDocument(entry))
          : containers.dueWork.items.upsert({ ...entry }),
      ),
    );
  } finally {
    client.dispose();
  }
}
