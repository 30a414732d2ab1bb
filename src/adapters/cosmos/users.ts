import type { Container } from '@azure/cosmos';
import type { UserRepository } from '../../application/ports.js';
import type { LoginAttempts } from '../../domain/login-throttle.js';
import type { Membership, Place, User, Versioned } from '../../domain/model.js';
import { allOfType, createDocument, deleteDocument, readDocument, replaceDocument } from './documents.js';

const emailKey = (emailLower: string) => `email:${emailLower}`;
const loginKey = (emailLower: string) => `login:${emailLower}`;
const placeId = (waitlistId: string) => `place:${waitlistId}`;

interface EmailClaim {
  readonly userId: string;
}

/** Users, their email claims, sign-in attempts, and the per-user indexes (memberships, places). */
export class UserStore implements UserRepository {
  constructor(private readonly container: Container) {}

  /** Reserves an address for a user; false when another user holds it. */
  async claimEmail(emailLower: string, userId: string): Promise<boolean> {
    const key = emailKey(emailLower);
    return (await createDocument(this.container, { id: key, pk: key, type: 'email', userId })) !== null;
  }

  async releaseEmail(emailLower: string): Promise<void> {
    await deleteDocument(this.container, emailKey(emailLower), emailKey(emailLower));
  }

  async userIdForEmail(emailLower: string): Promise<string | null> {
    const claim = await readDocument<EmailClaim>(this.container, emailKey(emailLower), emailKey(emailLower));
    return claim?.value.userId ?? null;
  }

  async create(user: User): Promise<Versioned<User> | null> {
    return createDocument<User>(this.container, { ...user, pk: user.id, type: 'user' });
  }

  async get(userId: string): Promise<Versioned<User> | null> {
    return readDocument<User>(this.container, userId, userId);
  }

  async replace(user: User, etag: string): Promise<Versioned<User>> {
    return replaceDocument<User>(this.container, { ...user, pk: user.id, type: 'user' }, user.id, etag);
  }

  async loginAttempts(emailLower: string): Promise<Versioned<LoginAttempts> | null> {
    return readDocument<LoginAttempts>(this.container, loginKey(emailLower), loginKey(emailLower));
  }

  /** Saves attempts if nobody else did in between (etag null: first record); false on a race. */
  async saveLoginAttempts(emailLower: string, attempts: LoginAttempts, etag: string | null): Promise<boolean> {
    const key = loginKey(emailLower);
    const document = { ...attempts, id: key, pk: key, type: 'login' };
    if (etag === null) return (await createDocument(this.container, document)) !== null;
    try {
      await replaceDocument(this.container, document, key, etag);
      return true;
    } catch {
      return false;
    }
  }

  async putMembership(membership: Membership): Promise<void> {
    await this.container.items.upsert({
      ...membership,
      id: `membership:${membership.restaurantId}`,
      pk: membership.userId,
      type: 'membership',
    });
  }

  async deleteMembership(userId: string, restaurantId: string): Promise<void> {
    await deleteDocument(this.container, `membership:${restaurantId}`, userId);
  }

  async memberships(userId: string): Promise<Membership[]> {
    return (await allOfType<Membership>(this.container, 'membership', 'pk', userId)).map((m) => m.value);
  }

  /**
   * One place per customer and waitlist: the document is also the claim that stops a customer
   * joining the same line twice, even with concurrent requests. False when a place is held.
   */
  async claimPlace(place: Place): Promise<boolean> {
    return (await createDocument(this.container, { ...place, id: placeId(place.waitlistId), pk: place.userId, type: 'place' })) !== null;
  }

  async place(userId: string, waitlistId: string): Promise<Versioned<Place> | null> {
    return readDocument<Place>(this.container, placeId(waitlistId), userId);
  }

  /** Takes over a place whose waitee has left the line; false when someone else took it first. */
  async replacePlace(place: Place, etag: string): Promise<boolean> {
    try {
      await replaceDocument(
        this.container,
        { ...place, id: placeId(place.waitlistId), pk: place.userId, type: 'place' },
        place.userId,
        etag,
      );
      return true;
    } catch {
      return false;
    }
  }

  /** Frees the customer's place in a line, unless it already belongs to a newer waitee. */
  async removePlace(userId: string, waitlistId: string, waiteeId: string): Promise<void> {
    const held = await this.place(userId, waitlistId);
    if (held?.value.waiteeId !== waiteeId) return;
    await deleteDocument(this.container, placeId(waitlistId), userId, held.etag).catch(() => undefined);
  }

  async places(userId: string): Promise<Place[]> {
    const places = await allOfType<Place>(this.container, 'place', 'pk', userId);
    return places.map((p) => p.value).sort((a, b) => a.joinedAt.localeCompare(b.joinedAt));
  }
}
