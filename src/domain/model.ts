import type { RestaurantImages } from './images.js';
import type { HourHistory, Seating, WaitQuote } from './estimate.js';
import type { MessageTemplates } from './messages.js';
import type { RestaurantRole } from './roles.js';
import type { WaiteeStatus } from './waitee.js';

export interface User {
  readonly id: string;
  readonly email: string;
  readonly displayName: string;
  readonly phone: string | null;
  /** When `phone` was proven with a one-time code; absent or null while it was not (changing the phone would clear it). */
  readonly phoneVerifiedAt?: string | null;
  readonly passwordHash: string;
  readonly createdAt: string;
}

export interface Membership {
  readonly restaurantId: string;
  readonly userId: string;
  readonly role: RestaurantRole;
  readonly email: string;
  readonly displayName: string;
  readonly addedAt: string;
}

/**
 * An owner's offer of a role in their restaurant to whoever holds an email address. Nothing is
 * granted until the holder accepts it, so an invitation never counts toward anyone's limits.
 */
export interface Invitation {
  readonly id: string;
  readonly restaurantId: string;
  /** Lower-cased, so an account registered after the invitation (with any casing) sees it too. */
  readonly email: string;
  readonly role: RestaurantRole;
  readonly invitedBy: string;
  readonly invitedByName: string;
  readonly invitedAt: string;
  readonly expiresAt: string;
}

export interface Restaurant {
  readonly id: string;
  readonly name: string;
  readonly timeZone: string;
  readonly phone: string | null;
  readonly createdAt: string;
  readonly createdBy: string;
  /**
   * The owners' user ids, changed under the restaurant's ETag with every owner added or removed, so
   * "at least one owner" is decided in one conditional write. Never lists someone who is not an
   * owner (added after the membership, removed before it). Absent on restaurants made before it
   * existed: rebuilt from the members.
   */
  readonly owners?: readonly string[];
  /** Its logo, cover and menu (src/domain/images.ts); absent until an owner uploads one. */
  readonly images?: RestaurantImages;
  /** Days a finished party's personal data is kept (src/domain/retention.ts); absent: the default. */
  readonly retentionDays?: number;
}

export interface Waitlist {
  readonly id: string;
  readonly restaurantId: string;
  readonly name: string;
  readonly open: boolean;
  readonly defaultWaitMinutes: number;
  readonly gracePeriodMinutes: number;
  readonly recentSeatings: readonly Seating[];
  /** Exits by weekday and hour over past weeks, which quotes blend with (src/domain/estimate.ts); absent until the first exit counted. */
  readonly hourHistory?: HourHistory;
  /** Absent on waitlists made before templates existed: the defaults apply. */
  readonly messageTemplates?: Partial<MessageTemplates>;
  /** The code of the waitlist's current join link; null or absent while it has none (turned off). */
  readonly joinCode?: string | null;
  readonly createdAt: string;
}

export interface Waitee {
  readonly id: string;
  readonly waitlistId: string;
  readonly restaurantId: string;
  readonly name: string;
  readonly phone: string | null;
  readonly partySize: number;
  readonly notes: string | null;
  readonly status: WaiteeStatus;
  readonly source: 'staff' | 'customer';
  readonly customerId: string | null;
  readonly statusToken: string;
  readonly joinedAt: string;
  readonly notifiedAt: string | null;
  readonly seatedAt: string | null;
  readonly endedAt: string | null;
  readonly updatedAt: string;
  /** When the producer next looks at a notified waitee (re-page, then no-show); null when nothing is planned. */
  readonly pagingDueAt?: string | null;
  readonly pagingStage?: 're-page' | 'no-show' | null;
  readonly gettingCloseSent?: boolean;
  /**
   * Whether `phone` may be texted: true for numbers staff entered, false for a customer's own until
   * it is proved with a one-time code. Absent on parties stored before it: judged by `source`.
   */
  readonly phoneVerified?: boolean;
  /** When each "table ready" text of the current UTC day was written (the per-party limit counts them). */
  readonly pagedAt?: readonly string[];
  /** When the party said it is on its way from its status page; null until then. */
  readonly onMyWayAt?: string | null;
  /**
   * The wait quoted when the party joined, kept so quotes can be measured against the wait it had
   * (seatedAt − joinedAt). Absent on parties stored before quotes were kept.
   */
  readonly joinQuote?: WaitQuote;
  /** When its name, phone and notes were removed (retention, or an owner on request); null or absent while it has them. */
  readonly personalDataRemovedAt?: string | null;
}

/** A customer's place in some line, kept with the customer so "my places" is one partition. */
export interface Place {
  readonly userId: string;
  readonly restaurantId: string;
  readonly waitlistId: string;
  readonly waiteeId: string;
  readonly joinedAt: string;
}

export interface RefreshFamily {
  readonly id: string;
  readonly userId: string;
  readonly currentHash: string;
  readonly revoked: boolean;
  readonly createdAt: string;
  readonly rotatedAt: string;
  readonly expiresAt: string;
}

export interface StatusLink {
  readonly id: string;
  readonly restaurantId: string;
  readonly waitlistId: string;
  readonly waiteeId: string;
}

/** A waitlist's printable join link: its short code → the restaurant and waitlist it opens. */
export interface JoinLink {
  readonly id: string;
  readonly restaurantId: string;
  readonly waitlistId: string;
  readonly createdAt: string;
}

/**
 * An account-less join waiting for its one-time code. The code itself is never stored: it is
 * derived from the join's id with a server key (application/join-codes.ts), so the store holds
 * nothing that reveals it.
 */
export interface JoinRequest {
  readonly id: string;
  readonly restaurantId: string;
  readonly waitlistId: string;
  readonly name: string;
  readonly partySize: number;
  readonly phone: string;
  readonly consentedAt: string;
  readonly createdAt: string;
  readonly expiresAt: string;
  readonly triesLeft: number;
  /** The id the party will have once the code is confirmed (the code text is filed under it, so staff see it with the party). */
  readonly waiteeId: string;
  /** The signed-in customer who started the join, or null for a guest without an account. */
  readonly customerId: string | null;
  readonly confirmedAt: string | null;
}

/** A stored entity with the version that optimistic concurrency compares (the Cosmos ETag). */
export interface Versioned<T> {
  readonly value: T;
  readonly etag: string;
}
