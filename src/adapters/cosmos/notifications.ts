import type { Container, OperationInput } from '@azure/cosmos';
import { GoneSinceRead, VersionConflict, type NotificationRepository, type SavedWithNotifications } from '../../application/ports.js';
import type { JoinRequest, Versioned, Waitee } from '../../domain/model.js';
import type { DueWork, Notification } from '../../domain/notification.js';
import { codeDataLifetimeSeconds } from '../../domain/retention.js';
import { failedOperation, queryAll, readOfType, replaceDocument } from './documents.js';
import { dueWorkUpserts } from './due-work.js';

/**
 * A one-time code's text holds its phone number and is of no use once the code expired: Cosmos DB
 * removes it a day after its last write (per-item `ttl`), with its join request. Other texts stay with
 * their party until its personal data is removed (retention).
 */
const stored = (notification: Notification) => ({
  ...notification,
  type: 'notification',
  ...(notification.kind === 'join-code' ? { ttl: codeDataLifetimeSeconds } : {}),
});

/**
 * Notification records (the outbox) live beside their waitee in the waitees container, with the
 * producer's due entries, so the waitee's change, the records and the entries are written in one
 * transactional batch of one partition.
 */
export class NotificationStore implements NotificationRepository {
  constructor(private readonly container: Container) {}

  async replaceWaiteeWith(
    waitee: Waitee,
    etag: string,
    notifications: readonly Notification[],
    dueWork: readonly DueWork[],
  ): Promise<SavedWithNotifications> {
    // The batch's partition key also rides on each operation: Cosmos DB accepts it, and the local
    // emulator reads it only from there. The party's replace goes first: the emulator's batch is not
    // atomic but stops at the first failure, so a refused replace writes nothing there either. A move
    // is a handful of operations (a text or two, a few entries), far from a batch's limit of 100.
    const partitionKey = waitee.waitlistId;
    const operations: OperationInput[] = [
      { operationType: 'Replace', id: waitee.id, ifMatch: etag, partitionKey, resourceBody: { ...waitee, type: 'waitee' } },
      ...notifications.map((n): OperationInput => ({
        operationType: 'Create',
        partitionKey,
        resourceBody: stored(n),
      })),
      ...dueWorkUpserts(dueWork, partitionKey),
    ];
    const response = await this.container.items.batch(operations, partitionKey);
    const results = response.result ?? [];
    const failed = failedOperation(response);
    if (failed?.statusCode === 412) throw new VersionConflict(waitee.id);
    if (failed?.statusCode === 404) throw new GoneSinceRead(waitee.id);
    if (failed !== undefined) throw new Error(`outbox batch failed with ${String(failed.statusCode)}`);
    const etags = results.map((r) => r.eTag).filter((stamp) => stamp !== undefined);
    const [waiteeEtag, ...notificationEtags] = etags;
    if (waiteeEtag === undefined || etags.length !== operations.length) throw new Error('outbox batch returned no ETag');
    return { etag: waiteeEtag, notifications: notifications.map((value, i) => ({ value, etag: notificationEtags[i] ?? '' })) };
  }

  async createJoinWith(join: JoinRequest, notification: Notification, dueWork: readonly DueWork[]): Promise<SavedWithNotifications> {
    const partitionKey = join.waitlistId;
    const response = await this.container.items.batch(
      [
        // As JoinRequestStore writes it: expired by Cosmos DB a day after its last write.
        { operationType: 'Create', partitionKey, resourceBody: { ...join, type: 'joinRequest', ttl: codeDataLifetimeSeconds } },
        { operationType: 'Create', partitionKey, resourceBody: stored(notification) },
        ...dueWorkUpserts(dueWork, partitionKey),
      ],
      partitionKey,
    );
    const results = response.result ?? [];
    const failed = failedOperation(response);
    if (failed !== undefined) throw new Error(`join batch failed with ${String(failed.statusCode)}`);
    const [joinEtag, notificationEtag] = results.map((r) => r.eTag);
    if (joinEtag === undefined || notificationEtag === undefined) throw new Error('join batch returned no ETag');
    return { etag: joinEtag, notifications: [{ value: notification, etag: notificationEtag }] };
  }

  async get(waitlistId: string, notificationId: string): Promise<Versioned<Notification> | null> {
    return readOfType<Notification>(this.container, 'notification', notificationId, waitlistId);
  }

  async replace(notification: Notification, etag: string): Promise<Versioned<Notification>> {
    return replaceDocument<Notification>(this.container, stored(notification), notification.waitlistId, etag);
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
}
