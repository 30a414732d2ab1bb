import { DomainError } from '../domain/errors.js';
import type { Membership, Versioned, Waitlist } from '../domain/model.js';
import type { RestaurantPermission } from '../domain/roles.js';
import { demand } from '../domain/roles.js';
import type { Services } from './services.js';

/** Who is calling, as proven by a verified access token. */
export interface Caller {
  readonly userId: string;
}

const restaurantNotFound = () => new DomainError('not-found', 'Restaurant not found, or you are not a member of it.');

/**
 * The caller's membership in a restaurant with the permission demanded. A non-member gets
 * not-found, never forbidden, so restaurant ids cannot be probed; a member whose role lacks the
 * permission gets forbidden.
 */
export async function memberWith(s: Services, caller: Caller, restaurantId: string, permission: RestaurantPermission): Promise<Membership> {
  const membership = await s.restaurants.member(restaurantId, caller.userId);
  if (membership === null) throw restaurantNotFound();
  demand(membership.role, permission);
  return membership;
}

export async function waitlistOf(s: Services, restaurantId: string, waitlistId: string): Promise<Versioned<Waitlist>> {
  const waitlist = await s.restaurants.waitlist(restaurantId, waitlistId);
  if (waitlist === null) throw new DomainError('not-found', 'Waitlist not found.');
  return waitlist;
}
