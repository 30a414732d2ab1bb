import { describe, expect, it } from 'vitest';
import { DomainError } from '../../src/domain/errors.js';
import { can, demand, restaurantRoles, type RestaurantPermission } from '../../src/domain/roles.js';

const permissions: RestaurantPermission[] = ['read', 'run-line', 'manage-settings', 'manage-staff', 'export-guest-data'];
const expected = {
  owner: { read: true, 'run-line': true, 'manage-settings': true, 'manage-staff': true, 'export-guest-data': true },
  staff: { read: true, 'run-line': true, 'manage-settings': false, 'manage-staff': false, 'export-guest-data': false },
} as const;

describe('restaurant roles', () => {
  it('has exactly owner and staff', () => {
    expect([...restaurantRoles].sort()).toEqual(['owner', 'staff']);
  });

  it.each(restaurantRoles.flatMap((role) => permissions.map((permission) => ({ role, permission, allowed: expected[role][permission] }))))(
    '$role may $permission: $allowed',
    ({ role, permission, allowed }) => {
      expect(can(role, permission)).toBe(allowed);
      if (allowed) {
        expect(() => {
          demand(role, permission);
        }).not.toThrow();
      } else {
        let error: unknown;
        try {
          demand(role, permission);
        } catch (e) {
          error = e;
        }
        expect(error).toBeInstanceOf(DomainError);
        expect(error).toMatchObject({ kind: 'forbidden', details: { role, permission } });
      }
    },
  );
});
