import type { Container } from '@azure/cosmos';
import { VersionConflict, type InvitationIndexEntry, type InvitationRepository } from '../../application/ports.js';
import type { Invitation, Versioned } from '../../domain/model.js';
import { allOfType, createDocument, deleteDocument, readOfType, replaceDocument, upsertDocument } from './documents.js';

type InvitationContainers = Readonly<Record<'restaurants' | 'users', Container>>;

/** One invitation per address in a restaurant: the address is the id, so inviting again finds it. */
const invitationId = (emailLower: string) => `invitation:${emailLower}`;
const indexKey = (emailLower: string) => `invitations:${emailLower}`;
const indexId = (id: string) => `invitation:${id}`;

/** Invitations with their restaurant, and the per-address index in the users container. */
export class InvitationStore implements InvitationRepository {
  constructor(private readonly containers: InvitationContainers) {}

  private stored(invitation: Invitation) {
    return { ...invitation, id: invitationId(invitation.email), invitationId: invitation.id, type: 'invitation' };
  }

  private static entity(document: Versioned<Invitation & { invitationId: string }>): Versioned<Invitation> {
    const { invitationId: id, ...rest } = document.value;
    return { value: { ...rest, id }, etag: document.etag };
  }

  async forEmail(restaurantId: string, emailLower: string): Promise<Versioned<Invitation> | null> {
    const found = await readOfType<Invitation & { invitationId: string }>(
      this.containers.restaurants,
      'invitation',
      invitationId(emailLower),
      restaurantId,
    );
    return found === null ? null : InvitationStore.entity(found);
  }

  async save(invitation: Invitation, etag: string | null): Promise<Versioned<Invitation>> {
    const document = this.stored(invitation);
    if (etag !== null) {
      return InvitationStore.entity(await replaceDocument(this.containers.restaurants, document, invitation.restaurantId, etag));
    }
    const created = await createDocument<Invitation & { invitationId: string }>(this.containers.restaurants, document);
    if (created === null) throw new VersionConflict(document.id);
    return InvitationStore.entity(created);
  }

  delete(invitation: Invitation, etag?: string): Promise<boolean> {
    return deleteDocument(this.containers.restaurants, invitationId(invitation.email), invitation.restaurantId, etag);
  }

  async ofRestaurant(restaurantId: string): Promise<Invitation[]> {
    const found = await allOfType<Invitation & { invitationId: string }>(
      this.containers.restaurants,
      'invitation',
      'restaurantId',
      restaurantId,
    );
    return found.map((document) => InvitationStore.entity(document).value).sort((a, b) => a.invitedAt.localeCompare(b.invitedAt));
  }

  async index(invitation: Invitation): Promise<void> {
    const key = indexKey(invitation.email);
    const entry: InvitationIndexEntry = { invitationId: invitation.id, restaurantId: invitation.restaurantId };
    await upsertDocument(this.containers.users, { ...entry, id: indexId(invitation.id), pk: key, type: 'invitation-index' });
  }

  async unindex(emailLower: string, id: string): Promise<void> {
    await deleteDocument(this.containers.users, indexId(id), indexKey(emailLower));
  }

  async indexed(emailLower: string): Promise<InvitationIndexEntry[]> {
    const entries = await allOfType<InvitationIndexEntry>(this.containers.users, 'invitation-index', 'pk', indexKey(emailLower));
    return entries.map(({ value }) => ({ invitationId: value.invitationId, restaurantId: value.restaurantId }));
  }

  async indexEntry(emailLower: string, id: string): Promise<InvitationIndexEntry | null> {
    const found = await readOfType<InvitationIndexEntry>(this.containers.users, 'invitation-index', indexId(id), indexKey(emailLower));
    return found === null ? null : { invitationId: found.value.invitationId, restaurantId: found.value.restaurantId };
  }
}
