import { notFound } from '../domain/errors.js';
import type { Membership, Versioned, Waitlist } from '../domain/model.js';
import type { RestaurantPermission } from '../domain/roles.js';
import { demand } from '../domain/roles.js';
import type { Services } from './services.js';

/** Who is calling, as proven by a verified access token. */
export interface Caller {
  readonly userId: string;
}

/**
 * The caller's membership in a restaurant with the permission demanded. A non-member gets
 * not-found, never forbidden, so restaurant ids cannot be probed; a member whose role lacks the
 * permission gets forbidden.
 */
export async function memberWith(
  s: Pick<Services, 'restaurants'>,
  caller: Caller,
  restaurantId: string,
  permission: RestaurantPermission,
): Promise<Membership> {
  const membership = await s.restaurants.member(restaurantId, caller.userId);
  if (membership === null) throw notFound.restaurant();
  demand(membership.role, permission);
  return membership;
}

export async function waitlistOf(s: Pick<Services, 'restaurants'>, restaurantId: string, waitlistId: string): Promise<Versioned<Waitlist>> {
  const waitlist = await s.restaurants.waitlist(restaurantId, waitlistId);
  if (waitlist === null) throw notFound.waitlist();
  return waitlist;
}
