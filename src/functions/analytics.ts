import { exportParties, restaurantAnalytics, waitlistAnalytics } from '../application/analytics.js';
import type { HttpFunction } from './catalog-types.js';
import { endpoint } from './http/endpoint.js';
import { analyticsRangeQuery, restaurantParams, waitlistParams } from './schemas.js';

export const analyticsFunctions: readonly HttpFunction[] = [
  {
    kind: 'http',
    name: 'waitlist-analytics',
    route: 'v1/restaurants/{restaurantId}/waitlists/{waitlistId}/analytics',
    handlers: {
      GET: endpoint({
        auth: 'user',
        params: waitlistParams,
        query: analyticsRangeQuery,
        handle: async ({ caller, params, query, services }) => ({
          status: 200,
          body: await waitlistAnalytics(services, caller, params, query),
        }),
      }),
    },
  },
  {
    kind: 'http',
    name: 'restaurant-analytics',
    route: 'v1/restaurants/{restaurantId}/analytics',
    handlers: {
      GET: endpoint({
        auth: 'user',
        params: restaurantParams,
        query: analyticsRangeQuery,
        handle: async ({ caller, params, query, services }) => ({
          status: 200,
          body: await restaurantAnalytics(services, caller, params.restaurantId, query),
        }),
      }),
    },
  },
  {
    kind: 'http',
    name: 'parties-export',
    route: 'v1/restaurants/{restaurantId}/parties.csv',
    handlers: {
      GET: endpoint({
        auth: 'user',
        params: restaurantParams,
        query: analyticsRangeQuery,
        handle: async ({ caller, params, query, services }) => {
          const { filename, csv } = await exportParties(services, caller, params.restaurantId, query);
          return {
            status: 200,
            headers: { 'content-disposition': `attachment; filename="${filename}"` },
            text: { contentType: 'text/csv; charset=utf-8', body: csv },
          };
        },
      }),
    },
  },
];
