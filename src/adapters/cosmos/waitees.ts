import type { Container } from '@azure/cosmos';
import type { Versioned, Waitee } from '../../domain/model.js';
import type { WaiteeStatus } from '../../domain/waitee.js';
import { activeStatuses } from '../../domain/waitee.js';
import type { Page, PageRequest, WaiteeRepository } from '../../application/ports.js';
import { createDocument, deleteDocument, queryAll, queryPage, readDocument, replaceDocument } from './documents.js';

/** The parties of each waitlist; one partition per waitlist, so the line is one query. */
export class WaiteeStore implements WaiteeRepository {
  constructor(private readonly container: Container) {}

  async create(waitee: Waitee): Promise<Versioned<Waitee> | null> {
    return createDocument<Waitee>(this.container, { ...waitee, type: 'waitee' });
  }

  async get(waitlistId: string, waiteeId: string): Promise<Versioned<Waitee> | null> {
    const found = await readDocument<Waitee & { type: string }>(this.container, waiteeId, waitlistId);
    return found?.value.type === 'waitee' ? found : null;
  }

  async replace(waitee: Waitee, etag: string): Promise<Versioned<Waitee>> {
    return replaceDocument<Waitee>(this.container, { ...waitee, type: 'waitee' }, waitee.waitlistId, etag);
  }

  async delete(waitlistId: string, waiteeId: string, etag?: string): Promise<boolean> {
    return deleteDocument(this.container, waiteeId, waitlistId, etag);
  }

  /** The parties still in line (waiting or notified), for positions. */
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

  /** A page of parties in joining order, optionally only those in the given statuses. */
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
