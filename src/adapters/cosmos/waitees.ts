import type { Container, DeleteOperationInput, OperationInput } from '@azure/cosmos';
import type { Versioned, Waitee } from '../../domain/model.js';
import type { DueWork } from '../../domain/notification.js';
import type { WaiteeInLine, WaiteeStatus } from '../../domain/waitee.js';
import { activeStatuses } from '../../domain/waitee.js';
import { VersionConflict, type Page, type PageRequest, type WaiteeRepository } from '../../application/ports.js';
import { DocumentsOfType, failedOperation, queryAll, queryPage, versioned } from './documents.js';
import { dueWorkUpserts } from './due-work.js';

/** The waitees of each waitlist; one partition per waitlist, so the line is one query. */
export class WaiteeStore extends DocumentsOfType<Waitee> implements WaiteeRepository {
  constructor(container: Container) {
    super(container, 'waitee', (waitee) => ({ key: waitee.waitlistId }));
  }

  async deleteWith(waitee: Pick<Waitee, 'id' | 'waitlistId'>, etag: string, dueWork: readonly DueWork[]): Promise<boolean> {
    // The delete first: the emulator's batch is not atomic but stops at the first failure (see NotificationStore).
    const partitionKey = waitee.waitlistId;
    // The batch API honours ifMatch on a delete as on a replace (the emulator too); the SDK's type
    // leaves the field out but sends each operation as given.
    const deleteIfUnchanged: DeleteOperationInput & { readonly ifMatch: string } = {
      operationType: 'Delete',
      id: waitee.id,
      ifMatch: etag,
      partitionKey,
    };
    const operations: OperationInput[] = [deleteIfUnchanged, ...dueWorkUpserts(dueWork, partitionKey)];
    const response = await this.container.items.batch(operations, partitionKey);
    const failed = failedOperation(response);
    if (failed?.statusCode === 404) return false;
    if (failed?.statusCode === 412) throw new VersionConflict(waitee.id);
    if (failed !== undefined || response.result?.length !== operations.length) {
      throw new Error(`delete batch failed with ${String(failed?.statusCode ?? response.code)}`);
    }
    return true;
  }

  /** The waitees still in line (waiting or notified), for positions. */
  async line(waitlistId: string): Promise<Versioned<Waitee>[]> {
    return queryAll<Waitee>(
      this.container,
      'SELECT * FROM c WHERE c.waitlistId = @waitlistId AND c.type = "waitee" AND ARRAY_CONTAINS(@active, c.status)',
      [
        { name: '@waitlistId', value: waitlistId },
        { name: '@active', value: [...activeStatuses] },
      ],
      waitlistId,
    );
  }

  /** Only what a position and a quote need of each waitee in line: one small projection query. */
  async placesInLine(waitlistId: string): Promise<WaiteeInLine[]> {
    const response = await this.container.items
      .query<WaiteeInLine>(
        {
          query:
            'SELECT c.id, c.joinedAt, c.partySize FROM c WHERE c.waitlistId = @waitlistId AND c.type = "waitee" AND ARRAY_CONTAINS(@active, c.status)',
          parameters: [
            { name: '@waitlistId', value: waitlistId },
            { name: '@active', value: [...activeStatuses] },
          ],
        },
        { partitionKey: waitlistId },
      )
      .fetchAll();
    return response.resources;
  }

  async placesInLineWith(waitlistId: string, waiteeId: string): Promise<{ places: WaiteeInLine[]; waitee: Versioned<Waitee> | null }> {
    // The whole document of one row only (the conditional operator), so the query returns what a
    // point read of the party and the projection of the line would, and no more.
    const response = await this.container.items
      .query<WaiteeInLine & { readonly status: WaiteeStatus; readonly party: (Record<string, unknown> & { _etag?: string }) | null }>(
        {
          query:
            'SELECT c.id, c.joinedAt, c.partySize, c.status, (c.id = @waiteeId ? c : null) AS party FROM c' +
            ' WHERE c.waitlistId = @waitlistId AND c.type = "waitee" AND (ARRAY_CONTAINS(@active, c.status) OR c.id = @waiteeId)',
          parameters: [
            { name: '@waitlistId', value: waitlistId },
            { name: '@waiteeId', value: waiteeId },
            { name: '@active', value: [...activeStatuses] },
          ],
        },
        { partitionKey: waitlistId },
      )
      .fetchAll();
    const rows = response.resources;
    const party = rows.find((row) => row.party !== null)?.party ?? null;
    return {
      places: rows.filter((row) => activeStatuses.includes(row.status)).map(({ id, joinedAt, partySize }) => ({ id, joinedAt, partySize })),
      waitee: party === null ? null : versioned<Waitee>(party, party._etag),
    };
  }

  async joinedBetween(waitlistId: string, from: string, to: string, limit: number): Promise<Waitee[]> {
    const iterator = this.container.items.query<Waitee>(
      {
        query:
          'SELECT * FROM c WHERE c.waitlistId = @waitlistId AND c.type = "waitee" AND c.joinedAt >= @from AND c.joinedAt < @to ORDER BY c.joinedAt ASC',
        parameters: [
          { name: '@waitlistId', value: waitlistId },
          { name: '@from', value: from },
          { name: '@to', value: to },
        ],
      },
      { partitionKey: waitlistId, maxItemCount: Math.min(limit, 1000) },
    );
    const found: Waitee[] = [];
    while (found.length < limit && iterator.hasMoreResults()) {
      const { resources } = await iterator.fetchNext();
      found.push(...resources.map((resource) => versioned<Waitee>(resource as unknown as Record<string, unknown>, '').value));
    }
    return found.slice(0, limit);
  }

  /** A page of waitees in joining order, optionally only those in the given statuses. */
  async page(waitlistId: string, statuses: readonly WaiteeStatus[] | null, page: PageRequest): Promise<Page<Versioned<Waitee>>> {
    const filter = statuses === null ? '' : ' AND ARRAY_CONTAINS(@statuses, c.status)';
    return queryPage<Waitee>(
      this.container,
      `SELECT * FROM c WHERE c.waitlistId = @waitlistId AND c.type = "waitee"${filter} ORDER BY c.joinedAt ASC`,
      [{ name: '@waitlistId', value: waitlistId }, ...(statuses === null ? [] : [{ name: '@statuses', value: [...statuses] }])],
      waitlistId,
      page,
    );
  }
}
