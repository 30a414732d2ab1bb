import type { Container } from '@azure/cosmos';
import type { MemberAndWaitlist, RestaurantRepository } from '../../application/ports.js';
import type { Membership, Restaurant, Versioned, Waitlist } from '../../domain/model.js';
import { allOfType, createDocument, deleteDocument, DocumentsOfType, readDocument, versioned } from './documents.js';

const memberId = (userId: string) => `member:${userId}`;

/** A restaurant, its members and its waitlists: one partition per restaurant. */
export class RestaurantStore implements RestaurantRepository {
  private readonly restaurants: DocumentsOfType<Restaurant>;
  private readonly waitlistDocuments: DocumentsOfType<Waitlist>;

  constructor(private readonly container: Container) {
    // A restaurant is the root of its own partition, so it carries its id as the partition key field.
    this.restaurants = new DocumentsOfType<Restaurant>(container, 'restaurant', (r) => ({ key: r.id, fields: { restaurantId: r.id } }));
    this.waitlistDocuments = new DocumentsOfType<Waitlist>(container, 'waitlist', (w) => ({ key: w.restaurantId }));
  }

  create(restaurant: Restaurant): Promise<Versioned<Restaurant> | null> {
    return this.restaurants.create(restaurant);
  }

  get(restaurantId: string): Promise<Versioned<Restaurant> | null> {
    return this.restaurants.get(restaurantId, restaurantId);
  }

  replace(restaurant: Restaurant, etag: string): Promise<Versioned<Restaurant>> {
    return this.restaurants.replace(restaurant, etag);
  }

  async member(restaurantId: string, userId: string): Promise<Membership | null> {
    return (await readDocument<Membership>(this.container, memberId(userId), restaurantId))?.value ?? null;
  }

  /**
   * The three point reads in one round trip: a transactional batch of reads in the restaurant's
   * partition. A batch stops at its first failed operation, so the waitlist goes first and the
   * restaurant (there whenever its waitlist is) second: a customer who is no member still gets both
   * in one trip. A missing waitlist costs the membership's own read, and a batch refused as a whole
   * falls back to the reads side by side.
   */
  async memberAndWaitlist(restaurantId: string, userId: string, waitlistId: string): Promise<MemberAndWaitlist> {
    const read = (id: string) => ({ operationType: 'Read' as const, id, partitionKey: restaurantId });
    const response = await this.container.items
      .batch([read(waitlistId), read(restaurantId), read(memberId(userId))], restaurantId)
      .catch(() => null);
    const [waitlist, restaurant, membership] = response?.result ?? [];
    if (waitlist?.statusCode === 404) return { membership: await this.member(restaurantId, userId), waitlist: null, restaurant: null };
    if (
      waitlist?.statusCode !== 200 ||
      restaurant?.statusCode !== 200 ||
      (membership?.statusCode !== 200 && membership?.statusCode !== 404)
    ) {
      const [member, found, owner] = await Promise.all([
        this.member(restaurantId, userId),
        this.waitlist(restaurantId, waitlistId),
        this.get(restaurantId),
      ]);
      return { membership: member, waitlist: found, restaurant: owner?.value ?? null };
    }
    const list = versioned<Waitlist & { type?: unknown }>(waitlist.resourceBody, waitlist.eTag);
    const owner = versioned<Restaurant & { type?: unknown }>(restaurant.resourceBody, restaurant.eTag).value;
    return {
      membership: membership.statusCode === 200 ? versioned<Membership>(membership.resourceBody, membership.eTag).value : null,
      waitlist: list.value.type === 'waitlist' ? list : null,
      restaurant: owner.type === 'restaurant' ? owner : null,
    };
  }

  async putMember(membership: Membership): Promise<void> {
    await this.container.items.upsert({ ...membership, id: memberId(membership.userId), type: 'member' });
  }

  async addMember(membership: Membership): Promise<boolean> {
    return (await createDocument(this.container, { ...membership, id: memberId(membership.userId), type: 'member' })) !== null;
  }

  async removeMember(restaurantId: string, userId: string): Promise<boolean> {
    return deleteDocument(this.container, memberId(userId), restaurantId);
  }

  async members(restaurantId: string): Promise<Membership[]> {
    const members = await allOfType<Membership>(this.container, 'member', 'restaurantId', restaurantId);
    return members.map((m) => m.value).sort((a, b) => a.addedAt.localeCompare(b.addedAt));
  }

  createWaitlist(waitlist: Waitlist): Promise<Versioned<Waitlist> | null> {
    return this.waitlistDocuments.create(waitlist);
  }

  waitlist(restaurantId: string, waitlistId: string): Promise<Versioned<Waitlist> | null> {
    return this.waitlistDocuments.get(restaurantId, waitlistId);
  }

  replaceWaitlist(waitlist: Waitlist, etag: string): Promise<Versioned<Waitlist>> {
    return this.waitlistDocuments.replace(waitlist, etag);
  }

  deleteWaitlist(restaurantId: string, waitlistId: string, etag?: string): Promise<boolean> {
    return this.waitlistDocuments.delete(restaurantId, waitlistId, etag);
  }

  async waitlists(restaurantId: string): Promise<Versioned<Waitlist>[]> {
    const found = await allOfType<Waitlist>(this.container, 'waitlist', 'restaurantId', restaurantId);
    return found.sort((a, b) => a.value.createdAt.localeCompare(b.value.createdAt));
  }
}
