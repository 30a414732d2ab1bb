/**
 * The API's representations: what each resource looks like on the wire (see openapi/openapi.json).
 */
import type { WaitQuote } from '../domain/estimate.js';
import { defaultTemplates, type MessageTemplates } from '../domain/messages.js';
import type { Invitation, Membership, Restaurant, User, Versioned, Waitee, Waitlist } from '../domain/model.js';
import { retentionDaysOf } from '../domain/retention.js';
import { phoneTrusted } from '../domain/send-limits.js';
import { allowedActions, type WaiteeAction } from '../domain/waitee.js';

export interface UserView {
  readonly id: string;
  readonly email: string;
  readonly displayName: string;
  readonly phone: User['phone'];
  readonly createdAt: string;
  readonly memberships: readonly { readonly restaurantId: string; readonly role: Membership['role'] }[];
}

export interface RestaurantView {
  readonly id: string;
  readonly name: string;
  readonly timeZone: string;
  readonly phone: Restaurant['phone'];
  readonly createdAt: string;
  /** Days a finished party's name, phone and notes are kept (src/domain/retention.ts). */
  readonly retentionDays: number;
  readonly myRole: Membership['role'];
  readonly etag: string;
}

export type MemberView = Pick<Membership, 'userId' | 'email' | 'displayName' | 'role' | 'addedAt'>;

/** An invitation as its restaurant's owners see it. Nothing in it says whether the address has an account. */
export type InvitationView = Pick<
  Invitation,
  'id' | 'restaurantId' | 'email' | 'role' | 'invitedBy' | 'invitedByName' | 'invitedAt' | 'expiresAt'
>;

/** An invitation as the invitee sees it: where to, as what, from whom, until when. */
export type MyInvitationView = Pick<Invitation, 'id' | 'restaurantId' | 'role' | 'invitedByName' | 'invitedAt' | 'expiresAt'> & {
  readonly restaurantName: string;
};

export interface WaitlistView extends Pick<
  Waitlist,
  'id' | 'restaurantId' | 'name' | 'open' | 'defaultWaitMinutes' | 'gracePeriodMinutes'
> {
  readonly messageTemplates: Required<MessageTemplates>;
  readonly partiesInLine: number;
  readonly createdAt: string;
  readonly etag: string;
}

/** A waitlist as a signed-in non-member sees it: whether it is open and how long the line is. */
export type PublicWaitlistView = Pick<WaitlistView, 'id' | 'restaurantId' | 'name' | 'open' | 'partiesInLine'> & {
  readonly restaurantName: string;
};

export interface WaiteeView extends Pick<
  Waitee,
  | 'id'
  | 'restaurantId'
  | 'waitlistId'
  | 'name'
  | 'phone'
  | 'partySize'
  | 'status'
  | 'source'
  | 'joinedAt'
  | 'notifiedAt'
  | 'seatedAt'
  | 'endedAt'
  | 'updatedAt'
> {
  /** Staff only: absent from a customer's view. */
  readonly notes?: Waitee['notes'];
  /** Whether the restaurant may text `phone` (send-limits.ts, phoneTrusted). */
  readonly phoneVerified: boolean;
  readonly position: number | null;
  /** Minutes still to wait, the point the host stand shows; null once out of the line. */
  readonly estimatedWaitMinutes: number | null;
  /** The range of minutes still to wait that a guest is shown; null once out of the line. */
  readonly estimatedWaitRange: WaitRange | null;
  /** The whole wait quoted when the party joined (its point); null for parties stored before quotes were kept. */
  readonly quotedWaitMinutes: number | null;
  /** The moves the caller may make: a customer only ever leaves the line (`cancel`). */
  readonly allowedActions: readonly WaiteeAction[];
  readonly statusUrl: string;
  /** When the party said, from its status page, that it is on its way; null until then. */
  readonly onMyWayAt: string | null;
  /** When its name, phone and notes were removed (retention, or an owner on request); null while it has them. */
  readonly personalDataRemovedAt: string | null;
  readonly etag: string;
}

const etagc = /^[\x21\x23-\x7e]*$/;

/**
 * A stored version as the strong entity-tag clients see, in the ETag header and in `etag` fields
 * (RFC 9110 8.8.3: `"opaque"`). Cosmos DB's `_etag` already is one (`"00000e00-…"`); the local
 * emulator's is the bare opaque part and gets its quotes here. Only ever applied this way round:
 * the store is always given back the version exactly as it issued it (conditional-write.ts,
 * versionToWrite), so the two forms never need telling apart.
 */
export function entityTagOf(version: string): string {
  if (version.length >= 2 && version.startsWith('"') && version.endsWith('"') && etagc.test(version.slice(1, -1))) return version;
  return `"${etagc.test(version) ? version : Buffer.from(version).toString('base64url')}"`;
}

export const userView = (user: User, memberships: readonly Membership[]): UserView => ({
  id: user.id,
  email: user.email,
  displayName: user.displayName,
  phone: user.phone,
  createdAt: user.createdAt,
  memberships: memberships.map((m) => ({ restaurantId: m.restaurantId, role: m.role })),
});

export const restaurantView = ({ value, etag }: Versioned<Restaurant>, role: Membership['role']): RestaurantView => ({
  id: value.id,
  name: value.name,
  timeZone: value.timeZone,
  phone: value.phone,
  createdAt: value.createdAt,
  retentionDays: retentionDaysOf(value),
  myRole: role,
  etag: entityTagOf(etag),
});

export const memberView = (m: Membership): MemberView => ({
  userId: m.userId,
  email: m.email,
  displayName: m.displayName,
  role: m.role,
  addedAt: m.addedAt,
});

export const invitationView = (i: Invitation): InvitationView => ({
  id: i.id,
  restaurantId: i.restaurantId,
  email: i.email,
  role: i.role,
  invitedBy: i.invitedBy,
  invitedByName: i.invitedByName,
  invitedAt: i.invitedAt,
  expiresAt: i.expiresAt,
});

export const myInvitationView = (i: Invitation, restaurant: Restaurant): MyInvitationView => ({
  id: i.id,
  restaurantId: i.restaurantId,
  restaurantName: restaurant.name,
  role: i.role,
  invitedByName: i.invitedByName,
  invitedAt: i.invitedAt,
  expiresAt: i.expiresAt,
});

export const waitlistView = ({ value, etag }: Versioned<Waitlist>, partiesInLine: number): WaitlistView => ({
  id: value.id,
  restaurantId: value.restaurantId,
  name: value.name,
  open: value.open,
  defaultWaitMinutes: value.defaultWaitMinutes,
  gracePeriodMinutes: value.gracePeriodMinutes,
  messageTemplates: { ...defaultTemplates, ...value.messageTemplates },
  partiesInLine,
  createdAt: value.createdAt,
  etag: entityTagOf(etag),
});

export interface WaitRange {
  readonly low: number;
  readonly high: number;
}

export interface LineFacts {
  readonly position: number | null;
  /** The party's quote now, while it is in line. */
  readonly quote: WaitQuote | null;
  readonly statusUrl: string;
}

/** Who is looking at a party: the line's staff see everything, its customer their own place without staff notes. */
export type Viewer = 'staff' | 'customer';

/** The moves a customer may make on their own place. */
const customerActions: readonly WaiteeAction[] = ['cancel'];

export const waiteeView = ({ value, etag }: Versioned<Waitee>, facts: LineFacts, viewer: Viewer): WaiteeView => ({
  id: value.id,
  restaurantId: value.restaurantId,
  waitlistId: value.waitlistId,
  name: value.name,
  phone: value.phone,
  phoneVerified: phoneTrusted(value),
  partySize: value.partySize,
  ...(viewer === 'staff' ? { notes: value.notes } : {}),
  status: value.status,
  source: value.source,
  position: facts.position,
  estimatedWaitMinutes: facts.quote?.minutes ?? null,
  estimatedWaitRange: facts.quote === null ? null : { low: facts.quote.low, high: facts.quote.high },
  quotedWaitMinutes: value.joinQuote?.minutes ?? null,
  allowedActions: allowedActions(value.status).filter((action) => viewer === 'staff' || customerActions.includes(action)),
  statusUrl: facts.statusUrl,
  onMyWayAt: value.onMyWayAt ?? null,
  joinedAt: value.joinedAt,
  notifiedAt: value.notifiedAt,
  seatedAt: value.seatedAt,
  endedAt: value.endedAt,
  updatedAt: value.updatedAt,
  personalDataRemovedAt: value.personalDataRemovedAt ?? null,
  etag: entityTagOf(etag),
});
