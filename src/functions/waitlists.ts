import { createWaitlist, deleteWaitlist, getWaitlist, listWaitlists, updateWaitlist } from '../application/waitlists.js';
import type { HttpFunction } from './catalog-types.js';
import { endpoint } from './http/endpoint.js';
import { createWaitlistBody, restaurantParams, updateWaitlistBody, waitlistParams } from './schemas.js';

export const waitlistFunctions: readonly HttpFunction[] = [
  {
    kind: 'http',
    name: 'waitlists',
    route: 'v1/restaurants/{restaurantId}/waitlists',
    handlers: {
      POST: endpoint({
        auth: 'user',
        params: restaurantParams,
        body: createWaitlistBody,
        handle: async ({ caller, params, body, services }) => {
          const waitlist = await createWaitlist(services, caller, params.restaurantId, body);
          return { status: 201, body: waitlist, location: `/api/v1/restaurants/${params.restaurantId}/waitlists/${waitlist.id}` };
        },
      }),
      GET: endpoint({
        auth: 'user',
        params: restaurantParams,
        handle: async ({ caller, params, services }) => ({
          status: 200,
          body: { items: await listWaitlists(services, caller, params.restaurantId) },
        }),
      }),
    },
  },
  {
    kind: 'http',
    name: 'waitlist',
    route: 'v1/restaurants/{restaurantId}/waitlists/{waitlistId}',
    handlers: {
      GET: endpoint({
        auth: 'user',
        params: waitlistParams,
        handle: async ({ caller, params, services }) => {
          const waitlist = await getWaitlist(services, caller, params.restaurantId, params.waitlistId);
          return { status: 200, body: waitlist };
        },
      }),
      PATCH: endpoint({
        auth: 'user',
        params: waitlistParams,
        body: updateWaitlistBody,
        handle: async ({ caller, params, body, ifMatch, services }) => {
          const waitlist = await updateWaitlist(services, caller, params.restaurantId, params.waitlistId, body, ifMatch);
          return { status: 200, body: waitlist };
        },
      }),
      DELETE: endpoint({
        auth: 'user',
        params: waitlistParams,
        handle: async ({ caller, params, ifMatch, services }) => {
          await deleteWaitlist(services, caller, params.restaurantId, params.waitlistId, ifMatch);
          return { status: 204 };
        },
      }),
    },
  },
];
