import type { Container, OperationInput } from '@azure/cosmos';
import { DomainError } from '../../domain/errors.js';
import type { Versioned, Waitee } from '../../domain/model.js';
import type { Notification } from '../../domain/notification.js';
import { queryAll, readDocument, replaceDocument, versioned } from './documents.js';

/**
 * Notification records (the outbox) live beside their party in the waitees container, so the
 * party's change and the record are written in one transactional batch of one partition.
 */
export class NotificationStore {
  constructor(private readonly container: Container) {}

  /**
   * Replaces the party (if its ETag still matches) and creates the notifications, all or nothing.
   * Returns the party's new ETag.
   */
  async saveWithWaitee(waitee: Waitee, etag: string, notifications: readonly Notification[]): Promise<string> {
    // The batch's partition key also rides on each operation: Cosmos DB accepts it, and the local
    // emulator reads it only from there.
    const partitionKey = waitee.waitlistId;
    const operations: OperationInput[] = [
      { operationType: 'Replace', id: waitee.id, ifMatch: etag, partitionKey, resourceBody: { ...waitee, type: 'waitee' } },
      ...notifications.map((n): OperationInput => ({ operationType: 'Create', partitionKey, resourceBody: { ...n, type: 'notification' } })),
    ];
    const response = await this.container.items.batch(operations, partitionKey);
    const results = response.result ?? [];
    const failed = results.find((r) => r.statusCode >= 400 && r.statusCode !== 424);
    if (failed?.statusCode === 412) throw new DomainError('precondition-failed', 'The party changed since you read it (ETag mismatch). Read it again and retry.');
    if (failed?.statusCode === 404) throw new DomainError('not-found', 'Party not found in this waitlist.');
    if (failed !== undefined) throw new Error(`outbox batch failed with ${String(failed.statusCode)}`);
    const newEtag = results[0]?.eTag;
    if (newEtag === undefined) throw new Error('outbox batch returned no ETag');
    return newEtag;
  }

  async get(waitlistId: string, notificationId: string): Promise<Versioned<Notification> | null> {
    const found = await readDocument<Notification & { type: string }>(this.container, notificationId, waitlistId);
    return found?.value.type === 'notification' ? found : null;
  }

  async replace(notification: Notification, etag: string): Promise<Versioned<Notification>> {
    return replaceDocument<Notification>(this.container, { ...notification, type: 'notification' }, notification.waitlistId, etag);
  }

  async forWaitee(waitlistId: string, waiteeId: string): Promise<Notification[]> {
    const found = await queryAll<Notification>(
      this.container,
      'SELECT * FROM c WHERE c.waitlistId = @waitlistId AND c.type = "notification" AND c.waiteeId = @waiteeId',
      [
        { name: '@waitlistId', value: waitlistId },
        { name: '@waiteeId', value: waiteeId },
      ],
      waitlistId,
    );
    return found.map((n) => n.value).sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  }

  /**
   * Notifications due and not yet handed to Service Bus. With the query below, the one
   * cross-partition read of the app: it runs in the producer, not on a request path, and its cost
   * follows the number of due records (a range filter on indexed properties), not the data size.
   */
  async dueForEnqueue(now: Date, limit: number): Promise<Versioned<Notification>[]> {
    return this.dueAcrossPartitions<Notification>('SELECT * FROM c WHERE c.type = "notification" AND c.status = "pending" AND c.dueAt <= @now', now, limit);
  }

  /** Parties whose paging timer (re-page, then no-show) has come due. */
  async waiteesWithTimerDue(now: Date, limit: number): Promise<Versioned<Waitee>[]> {
    return this.dueAcrossPartitions<Waitee>('SELECT * FROM c WHERE c.type = "waitee" AND c.pagingDueAt <= @now', now, limit);
  }

  private async dueAcrossPartitions<T>(query: string, now: Date, limit: number): Promise<Versioned<T>[]> {
    const iterator = this.container.items.query<Record<string, unknown>>({ query, parameters: [{ name: '@now', value: now.toISOString() }] }, { maxItemCount: limit });
    const { resources } = await iterator.fetchNext();
    return resources.map((resource) => versioned<T>(resource, typeof resource._etag === 'string' ? resource._etag : undefined));
  }
}
