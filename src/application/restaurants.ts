import { randomUUID } from 'node:crypto';
import { DomainError, notFound } from '../domain/errors.js';
import type { Membership, Restaurant, User } from '../domain/model.js';
import { memberWith, type Caller } from './access.js';
import { insertUnderCap, type Cap } from './admissions.js';
import { conflictPolicies, versionToWrite, writeConditionally, type VersionCondition } from './conditional-write.js';
import { setProperties } from './patch.js';
import { VersionConflict } from './ports.js';
import type { Services } from './services.js';
import { memberView, restaurantView, type MemberView, type RestaurantView } from './views.js';

/** What the restaurant and staff use cases touch. */
type RestaurantServices = Pick<Services, 'restaurants' | 'users' | 'admissions' | 'now'>;

export const maxRestaurantsPerUser = 50;

export async function signedInUser(s: Pick<Services, 'users'>, caller: Caller): Promise<User> {
  const user = await s.users.get(caller.userId);
  if (user === null) throw new DomainError('unauthenticated', 'Your account no longer exists.');
  return user.value;
}

export async function createRestaurant(
  s: RestaurantServices,
  caller: Caller,
  input: { name: string; timeZone: string; phone: string | null },
): Promise<RestaurantView> {
  const user = await signedInUser(s, caller);
  const now = s.now().toISOString();
  const restaurant: Restaurant = {
    id: randomUUID(),
    name: input.name,
    timeZone: input.timeZone,
    phone: input.phone,
    createdAt: now,
    createdBy: user.id,
    owners: [user.id],
  };
  return insertUnderCap(s, restaurantsCap(s, user.id, 'creating another'), restaurant.id, () => insertRestaurant(s, restaurant, user));
}

/**
 * The restaurants a user belongs to, counted from their memberships (one partition). Only
 * memberships count: an invitation takes no place until it is accepted.
 */
export function restaurantsCap(
  s: Pick<Services, 'users'>,
  userId: string,
  before: 'creating another' | 'accepting another invitation',
): Cap {
  return {
    scope: { kind: 'restaurants', userId },
    limit: maxRestaurantsPerUser,
    full: () =>
      new DomainError('limit-reached', `You belong to ${maxRestaurantsPerUser} restaurants already; leave one before ${before}.`, {
        limit: maxRestaurantsPerUser,
      }),
    members: async () => (await s.users.memberships(userId)).map((m) => m.restaurantId),
  };
}

async function insertRestaurant(s: RestaurantServices, restaurant: Restaurant, user: User): Promise<RestaurantView> {
  const now = restaurant.createdAt;
  const owner: Membership = {
    restaurantId: restaurant.id,
    userId: user.id,
    role: 'owner',
    email: user.email,
    displayName: user.displayName,
    addedAt: now,
  };
  // The membership goes first: a crash after it leaves an invisible membership, never an ownerless restaurant.
  await s.restaurants.putMember(owner);
  await s.users.putMembership(owner);
  const created = await s.restaurants.create(restaurant);
  if (created === null) throw new Error('restaurant id collision');
  return restaurantView(created, 'owner');
}

export async function myRestaurants(s: RestaurantServices, caller: Caller): Promise<RestaurantView[]> {
  const memberships = await s.users.memberships(caller.userId);
  const restaurants = await Promise.all(memberships.map(async (m) => ({ m, r: await s.restaurants.get(m.restaurantId) })));
  return restaurants.flatMap(({ m, r }) => (r === null ? [] : [restaurantView(r, m.role)]));
}

export async function getRestaurant(s: RestaurantServices, caller: Caller, restaurantId: string): Promise<RestaurantView> {
  const membership = await memberWith(s, caller, restaurantId, 'read');
  const restaurant = await s.restaurants.get(restaurantId);
  if (restaurant === null) throw notFound.restaurant();
  return restaurantView(restaurant, membership.role);
}

export async function updateRestaurant(
  s: RestaurantServices,
  caller: Caller,
  restaurantId: string,
  patch: {
    name?: string | undefined;
    timeZone?: string | undefined;
    phone?: string | null | undefined;
    retentionDays?: number | undefined;
  },
  ifMatch: VersionCondition | undefined,
): Promise<RestaurantView> {
  const membership = await memberWith(s, caller, restaurantId, 'manage-settings');
  const current = await s.restaurants.get(restaurantId);
  if (current === null) throw notFound.restaurant();
  return restaurantView(
    await s.restaurants.replace({ ...current.value, ...setProperties(patch) }, versionToWrite(current, ifMatch)),
    membership.role,
  );
}

export async function listStaff(s: RestaurantServices, caller: Caller, restaurantId: string): Promise<MemberView[]> {
  await memberWith(s, caller, restaurantId, 'read');
  return (await s.restaurants.members(restaurantId)).map(memberView);
}

export async function removeStaff(s: RestaurantServices, caller: Caller, restaurantId: string, userId: string): Promise<void> {
  await memberWith(s, caller, restaurantId, 'manage-staff');
  const target = await s.restaurants.member(restaurantId, userId);
  if (target === null) throw new DomainError('not-found', 'That person is not a member of this restaurant.');
  // The owners list loses the owner before the membership goes: a crash in between leaves an owner the
  // list no longer counts (a removal refused too early), never a list counting someone who is gone.
  if (target.role === 'owner') {
    await changeOwners(s, restaurantId, (owners) => {
      if (!owners.includes(userId)) return null;
      if (owners.length === 1) {
        throw new DomainError('conflict', 'A restaurant needs at least one owner. Add another owner before removing this one.');
      }
      return owners.filter((id) => id !== userId);
    });
  }
  await s.restaurants.removeMember(restaurantId, userId);
  await s.users.deleteMembership(userId, restaurantId);
}

/**
 * Changes the owners list under the restaurant's ETag, so two owners removing each other cannot both
 * see the other one left (see Restaurant.owners). `change` returns null when there is nothing to do.
 */
export async function changeOwners(
  s: Pick<Services, 'restaurants'>,
  restaurantId: string,
  change: (owners: readonly string[]) => readonly string[] | null,
): Promise<void> {
  const outcome = await writeConditionally({
    read: () => s.restaurants.get(restaurantId),
    change: async (current) => {
      const owners = current.owners ?? (await s.restaurants.members(restaurantId)).filter((m) => m.role === 'owner').map((m) => m.userId);
      const next = change(owners);
      return next === null ? (current.owners === undefined ? { ...current, owners } : null) : { ...current, owners: next };
    },
    write: (next, etag) => s.restaurants.replace(next, etag),
    policy: conflictPolicies.contended,
  });
  if (outcome.kind === 'missing') throw notFound.restaurant();
  if (outcome.kind === 'lost') throw new VersionConflict(restaurantId);
}
