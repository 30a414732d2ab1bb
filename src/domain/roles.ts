import { DomainError } from './errors.js';

export const restaurantRoles = ['owner', 'staff'] as const;
export type RestaurantRole = (typeof restaurantRoles)[number];

/**
 * What each role may do in its own restaurant. Owners manage settings and staff; staff run the
 * line. Anyone outside the restaurant gets not-found for its resources (see docs/api.md).
 */
export type RestaurantPermission = 'read' | 'run-line' | 'manage-settings' | 'manage-staff' | 'export-guest-data';

const permissions: Readonly<Record<RestaurantRole, readonly RestaurantPermission[]>> = {
  owner: ['read', 'run-line', 'manage-settings', 'manage-staff', 'export-guest-data'],
  staff: ['read', 'run-line'],
};

export function can(role: RestaurantRole, permission: RestaurantPermission): boolean {
  return permissions[role].includes(permission);
}

export function demand(role: RestaurantRole, permission: RestaurantPermission): void {
  if (!can(role, permission)) {
    throw new DomainError('forbidden', `Your role (${role}) in this restaurant does not allow this; ask an owner.`, { role, permission });
  }
}
