import { createRestaurant, getRestaurant, listStaff, myRestaurants, removeStaff, updateRestaurant } from '../application/restaurants.js';
import type { HttpFunction } from './catalog-types.js';
import { endpoint } from './http/endpoint.js';
import { createRestaurantBody, restaurantParams, staffParams, updateRestaurantBody } from './schemas.js';

export const restaurantFunctions: readonly HttpFunction[] = [
  {
    kind: 'http',
    name: 'restaurants',
    route: 'v1/restaurants',
    handlers: {
      POST: endpoint({
        auth: 'user',
        body: createRestaurantBody,
        handle: async ({ caller, body, services }) => {
          const restaurant = await createRestaurant(services, caller, body);
          return { status: 201, body: restaurant, location: `/api/v1/restaurants/${restaurant.id}` };
        },
      }),
      GET: endpoint({
        auth: 'user',
        handle: async ({ caller, services }) => ({ status: 200, body: { items: await myRestaurants(services, caller) } }),
      }),
    },
  },
  {
    kind: 'http',
    name: 'restaurant',
    route: 'v1/restaurants/{restaurantId}',
    handlers: {
      GET: endpoint({
        auth: 'user',
        params: restaurantParams,
        handle: async ({ caller, params, services }) => {
          const restaurant = await getRestaurant(services, caller, params.restaurantId);
          return { status: 200, body: restaurant };
        },
      }),
      PATCH: endpoint({
        auth: 'user',
        params: restaurantParams,
        body: updateRestaurantBody,
        handle: async ({ caller, params, body, ifMatch, services }) => {
          const restaurant = await updateRestaurant(services, caller, params.restaurantId, body, ifMatch);
          return { status: 200, body: restaurant };
        },
      }),
    },
  },
  {
    kind: 'http',
    name: 'restaurant-staff',
    route: 'v1/restaurants/{restaurantId}/staff',
    handlers: {
      GET: endpoint({
        auth: 'user',
        params: restaurantParams,
        handle: async ({ caller, params, services }) => ({
          status: 200,
          body: { items: await listStaff(services, caller, params.restaurantId) },
        }),
      }),
    },
  },
  {
    kind: 'http',
    name: 'restaurant-staff-member',
    route: 'v1/restaurants/{restaurantId}/staff/{userId}',
    handlers: {
      DELETE: endpoint({
        auth: 'user',
        params: staffParams,
        handle: async ({ caller, params, services }) => {
          await removeStaff(services, caller, params.restaurantId, params.userId);
          return { status: 204 };
        },
      }),
    },
  },
];
