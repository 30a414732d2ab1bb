import type { Container } from '@azure/cosmos';
import {
  VersionConflict,
  type JoinLinkRepository,
  type JoinRequestRepository,
  type RateCounterRepository,
} from '../../application/ports.js';
import type { RateWindow } from '../../domain/join.js';
import type { JoinLink, JoinRequest, Versioned } from '../../domain/model.js';
import { codeDataLifetimeSeconds } from '../../domain/retention.js';
import { createDocument, DocumentsOfType, queryAll, readOfType, replaceDocument } from './documents.js';

/**
 * Join requests, beside the line they join (waitees container, pk waitlistId); created with their
 * code text (NotificationStore). Each holds a name and a phone number and is of no use a day after
 * its code expired, so Cosmos DB removes it then (per-item `ttl`, renewed by every write); one that
 * made a party also goes with the party's personal data (retention).
 */
export class JoinRequestStore implements JoinRequestRepository {
  private readonly documents: DocumentsOfType<JoinRequest>;

  constructor(private readonly container: Container) {
    this.documents = new DocumentsOfType<JoinRequest>(container, 'joinRequest', (j) => ({
      key: j.waitlistId,
      fields: { ttl: codeDataLifetimeSeconds },
    }));
  }

  get(waitlistId: string, joinId: string): Promise<Versioned<JoinRequest> | null> {
    return this.documents.get(waitlistId, joinId);
  }

  replace(join: JoinRequest, etag: string): Promise<Versioned<JoinRequest>> {
    return this.documents.replace(join, etag);
  }

  async deleteForWaitee(waitlistId: string, waiteeId: string): Promise<number> {
    const joins = await queryAll<JoinRequest>(
      this.container,
      'SELECT * FROM c WHERE c.waitlistId = @waitlistId AND c.type = "joinRequest" AND c.waiteeId = @waiteeId',
      [
        { name: '@waitlistId', value: waitlistId },
        { name: '@waiteeId', value: waiteeId },
      ],
      waitlistId,
    );
    await Promise.all(joins.map((join) => this.documents.delete(waitlistId, join.value.id)));
    return joins.length;
  }
}

/** Join link codes, in the statusLinks container beside the status tokens (pk /id: one point read resolves a code). */
export class JoinLinkStore implements JoinLinkRepository {
  private readonly documents: DocumentsOfType<JoinLink>;

  constructor(container: Container) {
    this.documents = new DocumentsOfType<JoinLink>(container, 'joinLink', (l) => ({ key: l.id }));
  }

  async create(link: JoinLink): Promise<boolean> {
    return (await this.documents.create(link)) !== null;
  }

  async get(code: string): Promise<JoinLink | null> {
    return (await this.documents.get(code, code))?.value ?? null;
  }
}

/** One counter document per key, in the users container (pk `rate:<key>`, like the sign-in attempts per address). */
export class RateCounterStore implements RateCounterRepository {
  constructor(private readonly container: Container) {}

  async get(key: string): Promise<Versioned<RateWindow>> {
    return (await readOfType<RateWindow>(this.container, 'rateWindow', 'rate', `rate:${key}`)) ?? { value: { at: [] }, etag: '' };
  }

  async save(key: string, window: RateWindow, etag: string): Promise<void> {
    // Keyed by a phone number or a client address, and counting only the last hour: Cosmos DB removes it a day after its last write.
    const document = { id: 'rate', pk: `rate:${key}`, type: 'rateWindow', at: window.at, ttl: codeDataLifetimeSeconds };
    if (etag !== '') {
      await replaceDocument(this.container, document, document.pk, etag);
      return;
    }
    if ((await createDocument(this.container, document)) === null) throw new VersionConflict(document.pk);
  }
}
