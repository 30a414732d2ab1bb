import type { Container, JSONObject, OperationInput } from '@azure/cosmos';
import type { DueWorkRepository } from '../../application/ports.js';
import type { DueWork, DueWorkKind } from '../../domain/notification.js';
import { deleteDocument, upsertDocument, versioned } from './documents.js';

/**
 * A due entry as stored in the waitees container, beside the party it is about. Its id starts with
 * its kind and a colon (`paging:<waitee id>:<save id>`, see DueWork), so it never meets the ids of the
 * other documents of the partition: waitees, texts and join requests (UUIDs) and `admissions:line`.
 */
export function dueWorkDocument(entry: DueWork): JSONObject & DueWork {
  return { ...entry, type: 'dueWork' };
}

/** Upserts of a save's entries, for the save's own transactional batch in the waitlist's partition. */
export function dueWorkUpserts(entries: readonly DueWork[], partitionKey: string): OperationInput[] {
  return entries.map((entry) => {
    if (entry.waitlistId !== partitionKey) throw new Error(`due entry ${entry.id} belongs to another waitlist than its save`);
    // The partition key also rides on each operation: Cosmos DB accepts it, and the local emulator reads it only from there.
    return { operationType: 'Upsert', partitionKey, resourceBody: dueWorkDocument(entry) };
  });
}

/** The entry a stored document holds, without its `type` (the earlier design's documents have none) and system properties. */
function entryOf(resource: Record<string, unknown>): DueWork {
  const { type: _type, ...entry } = versioned<DueWork & { type?: string }>(
    resource,
    typeof resource._etag === 'string' ? resource._etag : undefined,
  ).value;
  return entry;
}

/** Entries a sweep moves from the earlier design's container: a backlog there drains over a few sweeps. */
const movedPerSweep = 100;

const dueQuery =
  'SELECT * FROM c WHERE c.type = "dueWork" AND c.dueAt <= @now AND ARRAY_CONTAINS(@kinds, c.work) ORDER BY c.type ASC, c.dueAt ASC';

/**
 * The producer's due entries (see DueWork), stored in the waitees container so each save writes its
 * own in its batch. The sweep's cross-partition query selects them by `type` and `dueAt`: in Azure
 * the composite index (type, dueAt) of infra/app/db.bicep serves exactly the entries due, whatever
 * else is stored. `before` is the container the entries had to themselves in the earlier design:
 * the producer's sweep first moves a few of them here, until it is empty (docs/deploy.md, The due
 * entries' move).
 */
export class DueWorkStore implements DueWorkRepository {
  constructor(
    private readonly waitees: Container,
    private readonly before: Container,
  ) {}

  /** Entries of these kinds due by `now`, oldest first; a backlog beyond `limit` is left for the next sweep. */
  async due(now: Date, limit: number, kinds: readonly DueWorkKind[]): Promise<DueWork[]> {
    const { resources } = await this.waitees.items
      .query<Record<string, unknown>>(
        {
          query: dueQuery,
          parameters: [
            { name: '@now', value: now.toISOString() },
            { name: '@kinds', value: [...kinds] },
          ],
        },
        { maxItemCount: limit },
      )
      .fetchNext();
    return resources.map(entryOf);
  }

  async done(entry: DueWork): Promise<void> {
    await deleteDocument(this.waitees, entry.id, entry.waitlistId);
  }

  /**
   * Each entry is upserted here, then deleted there. A crash in between leaves an entry in both;
   * moving it again (even after it was done here) repeats work that every kind of entry makes
   * idempotent, so nothing is lost or done twice. A read of the feed, not a query: one request and
   * no query plan once the container is empty.
   */
  async moveEarlierEntries(): Promise<number> {
    const { resources } = await this.before.items.readAll({ maxItemCount: movedPerSweep }).fetchNext();
    await Promise.all(
      resources.map(async (resource) => {
        const entry = entryOf(resource);
        await upsertDocument(this.waitees, dueWorkDocument(entry));
        await deleteDocument(this.before, entry.id, entry.waitlistId);
      }),
    );
    return resources.length;
  }
}
