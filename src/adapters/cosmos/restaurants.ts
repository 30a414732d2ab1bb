import type { Container } from '@azure/cosmos';
import type { RestaurantRepository } from '../../application/ports.js';
import type { Membership, Restaurant, Versioned, Waitlist } from '../../domain/model.js';
import { createDocument, deleteDocument, queryAll, readDocument, replaceDocument } from './documents.js';

const memberId = (userId: string) => `member:${userId}`;

/** A restaurant, its members and its waitlists: one partition per restaurant. */
export class RestaurantStore implements RestaurantRepository {
  constructor(private readonly container: Container) {}

  async create(restaurant: Restaurant): Promise<Versioned<Restaurant> | null> {
    return createDocument<Restaurant>(this.container, { ...restaurant, restaurantId: restaurant.id, type: 'restaurant' });
  }

  async get(restaurantId: string): Promise<Versioned<Restaurant> | null> {
    const found = await readDocument<Restaurant & { type: string }>(this.container, restaurantId, restaurantId);
    return found?.value.type === 'restaurant' ? found : null;
  }

  async replace(restaurant: Restaurant, etag: string): Promise<Versioned<Restaurant>> {
    return replaceDocument<Restaurant>(
      this.container,
      { ...restaurant, restaurantId: restaurant.id, type: 'restaurant' },
      restaurant.id,
      etag,
    );
  }

  async member(restaurantId: string, userId: string): Promise<Membership | null> {
    return (await readDocument<Membership>(this.container, memberId(userId), restaurantId))?.value ?? null;
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
    const found = await queryAll<Membership>(
      this.container,
      'SELECT * FROM c WHERE c.restaurantId = @restaurantId AND c.type = "member"',
      [{ name: '@restaurantId', value: restaurantId }],
      restaurantId,
    );
    return found.map((m) => m.value).sort((a, b) => a.addedAt.localeCompare(b.addedAt));
  }

  async createWaitlist(waitlist: Waitlist): Promise<Versioned<Waitlist> | null> {
    return createDocument<Waitlist>(this.container, { ...waitlist, type: 'waitlist' });
  }

  async waitlist(restaurantId: string, waitlistId: string): Promise<Versioned<Waitlist> | null> {
    const found = await readDocument<Waitlist & { type: string }>(this.container, waitlistId, restaurantId);
    return found?.value.type === 'waitlist' ? found : null;
  }

  async replaceWaitlist(waitlist: Waitlist, etag: string): Promise<Versioned<Waitlist>> {
    return replaceDocument<Waitlist>(this.container, { ...waitlist, type: 'waitlist' }, waitlist.restaurantId, etag);
  }

  async deleteWaitlist(restaurantId: string, waitlistId: string, etag?: string): Promise<boolean> {
    return deleteDocument(this.container, waitlistId, restaurantId, etag);
  }

  async waitlists(restaurantId: string): Promise<Versioned<Waitlist>[]> {
    const found = await queryAll<Waitlist>(
      this.container,
      'SELECT * FROM c WHERE c.restaurantId = @restaurantId AND c.type = "waitlist"',
      [{ name: '@restaurantId', value: restaurantId }],
      restaurantId,
    );
    return found.sort((a, b) => a.value.createdAt.localeCompare(b.value.createdAt));
  }
}
