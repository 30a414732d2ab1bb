import type { Container } from '@azure/cosmos';
import type { RefreshTokenRepository, StatusLinkRepository } from '../../application/ports.js';
import type { RefreshFamily, StatusLink, Versioned } from '../../domain/model.js';
import { createDocument, deleteDocument, readDocument, replaceDocument } from './documents.js';

const ttlSeconds = (expiresAt: string) => Math.max(60, Math.ceil((Date.parse(expiresAt) - Date.now()) / 1000));

/** Refresh-token families: one document each, rotated with If-Match, expired by TTL. */
export class RefreshTokenStore implements RefreshTokenRepository {
  constructor(private readonly container: Container) {}

  async create(family: RefreshFamily): Promise<void> {
    const created = await createDocument(this.container, { ...family, ttl: ttlSeconds(family.expiresAt) });
    if (created === null) throw new Error('refresh token family id collision');
  }

  async get(familyId: string): Promise<Versioned<RefreshFamily> | null> {
    return readDocument<RefreshFamily>(this.container, familyId, familyId);
  }

  /** Replaces the family if unchanged since read; a concurrent rotation makes this throw VersionConflict. */
  async replace(family: RefreshFamily, etag: string): Promise<void> {
    await replaceDocument(this.container, { ...family, ttl: ttlSeconds(family.expiresAt) }, family.id, etag);
  }
}

/** Public status tokens → where the waitee is. */
export class StatusLinkStore implements StatusLinkRepository {
  constructor(private readonly container: Container) {}

  async create(link: StatusLink): Promise<boolean> {
    return (await createDocument(this.container, { ...link })) !== null;
  }

  async get(token: string): Promise<StatusLink | null> {
    return (await readDocument<StatusLink>(this.container, token, token))?.value ?? null;
  }

  delete(token: string): Promise<boolean> {
    return deleteDocument(this.container, token, token);
  }
}
