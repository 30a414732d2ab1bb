import { randomUUID } from 'node:crypto';
import { DomainError, notFound } from '../domain/errors.js';
import type { Invitation, Membership, User, Versioned } from '../domain/model.js';
import type { RestaurantRole } from '../domain/roles.js';
import { memberWith, type Caller } from './access.js';
import { insertUnderCap, insertUnderCapAndRelease, type Cap } from './admissions.js';
import { normalizeEmail } from './auth/sessions.js';
import { conflictPolicies, writeConditionally } from './conditional-write.js';
import { GoneSinceRead, VersionConflict } from './ports.js';
import { changeOwners, restaurantsCap, signedInUser } from './restaurants.js';
import type { Services } from './services.js';
import {
  invitationView,
  myInvitationView,
  restaurantView,
  type InvitationView,
  type MyInvitationView,
  type RestaurantView,
} from './views.js';

/**
 * Membership by invitation (docs/api.md, Members and invitations): an owner invites an address, and
 * only its holder, signed in, can accept or decline. Inviting answers the same whether or not the
 * address has an account, and nothing counts toward the invitee's limits until they accept.
 */
type InvitationServices = Pick<Services, 'restaurants' | 'users' | 'invitations' | 'admissions' | 'now'>;

export const maxPendingInvitationsPerRestaurant = 25;
export const invitationLifetimeDays = 7;
const invitationLifetimeMs = invitationLifetimeDays * 24 * 3_600_000;

const isPending = (invitation: Invitation, now: Date) => Date.parse(invitation.expiresAt) > now.getTime();

/** A restaurant's invitations not yet answered, revoked or expired. */
function pendingInvitationsCap(s: Pick<Services, 'invitations' | 'now'>, restaurantId: string): Cap {
  return {
    scope: { kind: 'invitations', restaurantId },
    limit: maxPendingInvitationsPerRestaurant,
    full: () =>
      new DomainError(
        'limit-reached',
        `This restaurant has ${maxPendingInvitationsPerRestaurant} invitations waiting for an answer; revoke one, or wait until they are answered or expire, before inviting someone else.`,
        { limit: maxPendingInvitationsPerRestaurant },
      ),
    members: async () => {
      const now = s.now();
      return (await s.invitations.ofRestaurant(restaurantId)).filter((i) => isPending(i, now)).map((i) => i.id);
    },
  };
}

export interface Invited {
  readonly invitation: InvitationView;
  /** Whether a pending invitation of this address was refreshed rather than a new one made. */
  readonly refreshed: boolean;
}

export async function inviteMember(
  s: InvitationServices,
  caller: Caller,
  restaurantId: string,
  input: { email: string; role: RestaurantRole },
): Promise<Invited> {
  const inviter = await memberWith(s, caller, restaurantId, 'manage-staff');
  const email = normalizeEmail(input.email);
  // Compared with the members' addresses, never looked up among accounts, so an address with an
  // account and one without take the same path to the same answer.
  const member = (await s.restaurants.members(restaurantId)).find((m) => normalizeEmail(m.email) === email);
  if (member !== undefined) {
    throw new DomainError('conflict', 'This person is already a member of the restaurant. Remove them first to change their role.', {
      userId: member.userId,
    });
  }
  return saveInvitation(s, inviter, email, input.role);
}

/**
 * Creates the address's invitation, or refreshes the one it has (same id, new role and expiry).
 * Invites of the same address racing each other are retried on fresh data: one creates, the others refresh.
 */
async function saveInvitation(s: InvitationServices, inviter: Membership, email: string, role: RestaurantRole): Promise<Invited> {
  let refreshed = false;
  const outcome = await writeConditionally({
    // No invitation reads as an expired one with a fresh id and nothing stored (ETag '').
    read: async () =>
      (await s.invitations.forEmail(inviter.restaurantId, email)) ?? {
        value: { ...invitationFrom(inviter, email, role, new Date(0)), id: randomUUID() },
        etag: '',
      },
    change: (current) => {
      const now = s.now();
      refreshed = isPending(current, now);
      return { ...invitationFrom(inviter, email, role, now), id: current.id };
    },
    // The restaurant's copy first, the address's index after (below): a crash in between leaves an
    // invitation the owner sees and can send again (which writes the index), never an index entry that grants anything.
    write: (next, etag) =>
      insertUnderCapAndRelease(s, pendingInvitationsCap(s, inviter.restaurantId), next.id, () => saveOver(s, next, etag)),
    policy: conflictPolicies.contended,
  });
  if (outcome.kind !== 'written') throw new VersionConflict(`invitation of ${email}`);
  await s.invitations.index(outcome.value);
  return { invitation: invitationView(outcome.value), refreshed };
}

function invitationFrom(inviter: Membership, email: string, role: RestaurantRole, at: Date): Omit<Invitation, 'id'> {
  return {
    restaurantId: inviter.restaurantId,
    email,
    role,
    invitedBy: inviter.userId,
    invitedByName: inviter.displayName,
    invitedAt: at.toISOString(),
    expiresAt: new Date(at.getTime() + invitationLifetimeMs).toISOString(),
  };
}

/** Writes over the version read; one answered or revoked since is a lost race too: read again and create it anew. */
async function saveOver(s: Pick<Services, 'invitations'>, invitation: Invitation, etag: string): Promise<Versioned<Invitation>> {
  try {
    return await s.invitations.save(invitation, etag === '' ? null : etag);
  } catch (error) {
    if (error instanceof GoneSinceRead) throw new VersionConflict(error.what);
    throw error;
  }
}

export async function restaurantInvitations(s: InvitationServices, caller: Caller, restaurantId: string): Promise<InvitationView[]> {
  await memberWith(s, caller, restaurantId, 'manage-staff');
  const now = s.now();
  return (await s.invitations.ofRestaurant(restaurantId)).filter((i) => isPending(i, now)).map(invitationView);
}

export async function revokeInvitation(s: InvitationServices, caller: Caller, restaurantId: string, invitationId: string): Promise<void> {
  await memberWith(s, caller, restaurantId, 'manage-staff');
  const invitation = (await s.invitations.ofRestaurant(restaurantId)).find((i) => i.id === invitationId);
  if (invitation === undefined) throw notFound.invitation();
  await removeInvitation(s, invitation);
}

/** The caller's pending invitations, found by their address (lower-cased, as invitations store it). */
export async function myInvitations(s: InvitationServices, caller: Caller): Promise<MyInvitationView[]> {
  const user = await signedInUser(s, caller);
  const email = normalizeEmail(user.email);
  const now = s.now();
  const entries = await s.invitations.indexed(email);
  const found = await Promise.all(
    entries.map(async (entry) => {
      const stored = await s.invitations.forEmail(entry.restaurantId, email);
      if (stored === null || stored.value.id !== entry.invitationId || !isPending(stored.value, now)) return [];
      const restaurant = await s.restaurants.get(entry.restaurantId);
      return restaurant === null ? [] : [myInvitationView(stored.value, restaurant.value)];
    }),
  );
  return found.flat().sort((a, b) => a.invitedAt.localeCompare(b.invitedAt));
}

/**
 * The caller's own pending invitation. The index is read in the caller's own address's partition,
 * so anyone else's invitation id is not found there: 404, never 403, and ids reveal nothing.
 */
async function invitationOf(s: InvitationServices, user: User, invitationId: string): Promise<Invitation> {
  const email = normalizeEmail(user.email);
  const entry = await s.invitations.indexEntry(email, invitationId);
  const stored = entry === null ? null : await s.invitations.forEmail(entry.restaurantId, email);
  if (stored === null || stored.value.id !== invitationId || !isPending(stored.value, s.now())) throw notFound.invitation();
  return stored.value;
}

/** Joins the restaurant in the invitation's role, under the caller's restaurants cap (the one creating a restaurant uses). */
export async function acceptInvitation(s: InvitationServices, caller: Caller, invitationId: string): Promise<RestaurantView> {
  const user = await signedInUser(s, caller);
  const invitation = await invitationOf(s, user, invitationId);
  const offered: Membership = {
    restaurantId: invitation.restaurantId,
    userId: user.id,
    role: invitation.role,
    email: user.email,
    displayName: user.displayName,
    addedAt: s.now().toISOString(),
  };
  // The membership before the invitation goes: a full account keeps its invitation to accept later.
  const joined = await insertUnderCap(s, restaurantsCap(s, user.id, 'accepting another invitation'), invitation.restaurantId, () =>
    join(s, offered),
  );
  await removeInvitation(s, invitation);
  const restaurant = await s.restaurants.get(invitation.restaurantId);
  if (restaurant === null) throw notFound.restaurant();
  return restaurantView(restaurant, joined.role);
}

/** Writes the membership; a repeated accept (a double click, a retry after a crash) completes the one already there. */
async function join(s: InvitationServices, offered: Membership): Promise<Membership> {
  const membership = (await s.restaurants.addMember(offered)) ? offered : await s.restaurants.member(offered.restaurantId, offered.userId);
  if (membership === null) throw new VersionConflict(`membership in ${offered.restaurantId}`);
  await s.users.putMembership(membership);
  if (membership.role === 'owner') {
    await changeOwners(s, membership.restaurantId, (owners) =>
      owners.includes(membership.userId) ? null : [...owners, membership.userId],
    );
  }
  return membership;
}

export async function declineInvitation(s: InvitationServices, caller: Caller, invitationId: string): Promise<void> {
  const user = await signedInUser(s, caller);
  await removeInvitation(s, await invitationOf(s, user, invitationId));
}

/** The restaurant's copy first: once it is gone nobody can accept, whatever becomes of the index entry. */
async function removeInvitation(s: Pick<Services, 'invitations'>, invitation: Invitation): Promise<void> {
  await s.invitations.delete(invitation);
  await s.invitations.unindex(invitation.email, invitation.id);
}
