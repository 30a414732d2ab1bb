import type { Container, OperationInput } from '@azure/cosmos';
import type { DueWorkRepository } from '../../application/ports.js';
import type { DueWork, DueWorkKind } from '../../domain/notification.js';
import { deleteDocument, upsertDocument, versioned } from './documents.js';

/**
 * The producer's due-index (see DueWork): a small container that holds only outstanding work, so
 * the sweep's one cross-partition query reads due entries, never the waitees stored beside them.
 */
export class DueWorkStore implements DueWorkRepository {
  constructor(private readonly container: Container) {}

  /**
   * A save's entries share its waitlist's partition, so they go in one batch of upserts: one round
   * trip however many a move leaves (a notify leaves two: its text and its paging timer).
   */
  async plan(entries: readonly DueWork[]): Promise<void> {
    const byWaitlist = new Map<string, DueWork[]>();
    for (const entry of entries) byWaitlist.set(entry.waitlistId, [...(byWaitlist.get(entry.waitlistId) ?? []), entry]);
    await Promise.all([...byWaitlist].map(([waitlistId, group]) => this.upsertAll(waitlistId, group)));
  }

  private async upsertAll(partitionKey: string, entries: readonly DueWork[]): Promise<void> {
    const [only] = entries;
    if (entries.length === 1 && only !== undefined) {
      await upsertDocument<DueWork>(this.container, { ...only });
      return;
    }
    // The partition key also rides on each operation: Cosmos DB accepts it, and the local emulator reads it only from there.
    const operations = entries.map((entry): OperationInput => ({ operationType: 'Upsert', partitionKey, resourceBody: { ...entry } }));
    const response = await this.container.items.batch(operations, partitionKey);
    const failed = (response.result ?? []).find((result) => result.statusCode >= 400);
    if (failed !== undefined || response.result?.length !== operations.length) {
      throw new Error(`due-index batch failed with ${String(failed?.statusCode ?? response.code)}`);
    }
  }

  /** Entries of these kinds due by `now`, oldest first; a backlog beyond `limit` is left for the next sweep. */
  async due(now: Date, limit: number, kinds: readonly DueWorkKind[]): Promise<DueWork[]> {
    const { resources } = await this.container.items
      .query<Record<string, unknown>>(
        {
          query: 'SELECT * FROM c WHERE c.dueAt <= @now AND ARRAY_CONTAINS(@kinds, c.work) ORDER BY c.dueAt',
          parameters: [
            { name: '@now', value: now.toISOString() },
            { name: '@kinds', value: [...kinds] },
          ],
        },
        { maxItemCount: limit },
      )
      .fetchNext();
    return resources.map((resource) => versioned<DueWork>(resource, typeof resource._etag === 'string' ? resource._etag : undefined).value);
  }

  async done(entry: DueWork): Promise<void> {
    await deleteDocument(this.container, entry.id, entry.waitlistId);
  }
}
