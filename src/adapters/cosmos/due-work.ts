import type { Container } from '@azure/cosmos';
import type { DueWorkRepository } from '../../application/ports.js';
import type { DueWork } from '../../domain/notification.js';
import { deleteDocument, upsertDocument, versioned } from './documents.js';

/**
 * The producer's due-index (see DueWork): a small container that holds only outstanding work, so
 * the sweep's one cross-partition query reads due entries, never the waitees stored beside them.
 */
export class DueWorkStore implements DueWorkRepository {
  constructor(private readonly container: Container) {}

  async plan(entries: readonly DueWork[]): Promise<void> {
    await Promise.all(entries.map((entry) => upsertDocument<DueWork>(this.container, { ...entry })));
  }

  /** Entries due by `now`, oldest first; a backlog beyond `limit` is left for the next sweep. */
  async due(now: Date, limit: number): Promise<DueWork[]> {
    const { resources } = await this.container.items
      .query<Record<string, unknown>>(
        { query: 'SELECT * FROM c WHERE c.dueAt <= @now ORDER BY c.dueAt', parameters: [{ name: '@now', value: now.toISOString() }] },
        { maxItemCount: limit },
      )
      .fetchNext();
    return resources.map((resource) => versioned<DueWork>(resource, typeof resource._etag === 'string' ? resource._etag : undefined).value);
  }

  async done(entry: DueWork): Promise<void> {
    await deleteDocument(this.container, entry.id, entry.waitlistId);
  }
}
