import { actOnWaitee, addWaitee, deleteWaitee, getWaitee, listWaitees, myWaitees, updateWaitee } from '../application/waitees.js';
import { waiteeActions } from '../domain/waitee.js';
import type { HttpFunction } from './catalog-types.js';
import { jsonRepresentation } from './http/conditional.js';
import { endpoint } from './http/endpoint.js';
import { addWaiteeBody, listWaiteesQuery, updateWaiteeBody, waiteeParams, waitlistParams } from './schemas.js';

const waiteeRoute = 'v1/restaurants/{restaurantId}/waitlists/{waitlistId}/waitees';

export const waiteeFunctions: readonly HttpFunction[] = [
  {
    kind: 'http',
    name: 'waitees',
    route: waiteeRoute,
    handlers: {
      POST: endpoint({
        auth: 'user',
        params: waitlistParams,
        body: addWaiteeBody,
        handle: async ({ caller, params, body, idempotencyKey, services }) => {
          const { replayed, view } = await addWaitee(services, caller, params.restaurantId, params.waitlistId, body, idempotencyKey);
          return {
            status: replayed ? 200 : 201,
            body: view,
            location: `/api/${waiteeRoute.replace('{restaurantId}', params.restaurantId).replace('{waitlistId}', params.waitlistId)}/${view.id}`,
          };
        },
      }),
      GET: endpoint({
        auth: 'user',
        params: waitlistParams,
        query: listWaiteesQuery,
        handle: async ({ caller, params, query, services }) => {
          const page = await listWaitees(services, caller, params.restaurantId, params.waitlistId, {
            statuses: query.status ?? null,
            limit: query.limit,
            continuationToken: query.continuationToken ?? null,
          });
          // A poll of an unchanged page (the host stand's) gets 304 instead of the page again.
          const { json, etag } = jsonRepresentation(page);
          return { status: 200, text: { contentType: 'application/json', body: json }, etag };
        },
      }),
    },
  },
  {
    kind: 'http',
    name: 'waitee',
    route: `${waiteeRoute}/{waiteeId}`,
    handlers: {
      GET: endpoint({
        auth: 'user',
        params: waiteeParams,
        handle: async ({ caller, params, services }) => {
          const waitee = await getWaitee(services, caller, params.restaurantId, params.waitlistId, params.waiteeId);
          return { status: 200, body: waitee };
        },
      }),
      PATCH: endpoint({
        auth: 'user',
        params: waiteeParams,
        body: updateWaiteeBody,
        handle: async ({ caller, params, body, ifMatch, services }) => {
          const waitee = await updateWaitee(services, caller, params, body, ifMatch);
          return { status: 200, body: waitee };
        },
      }),
      DELETE: endpoint({
        auth: 'user',
        params: waiteeParams,
        handle: async ({ caller, params, ifMatch, services, log }) => {
          await deleteWaitee(services, caller, params, ifMatch, log);
          return { status: 204 };
        },
      }),
    },
  },
  ...waiteeActions.map((action): HttpFunction => ({
    kind: 'http',
    name: `waitee-${action}`,
    route: `${waiteeRoute}/{waiteeId}/${action}`,
    handlers: {
      POST: endpoint({
        auth: 'user',
        params: waiteeParams,
        handle: async ({ caller, params, ifMatch, services, log }) => {
          const waitee = await actOnWaitee(services, caller, params, action, ifMatch, log);
          return { status: 200, body: waitee };
        },
      }),
    },
  })),
  {
    kind: 'http',
    name: 'me-waitees',
    route: 'v1/me/waitees',
    handlers: {
      GET: endpoint({
        auth: 'user',
        handle: async ({ caller, services }) => ({ status: 200, body: { items: await myWaitees(services, caller) } }),
      }),
    },
  },
];
