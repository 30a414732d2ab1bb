import { deletePersonalData, forgetDue } from '../application/retention.js';
import type { HttpFunction, TimerFunction } from './catalog-types.js';
import { endpoint } from './http/endpoint.js';
import { waiteeParams } from './schemas.js';

/** Every 15 minutes, UTC: a party's data goes within a quarter of an hour of its date. */
export const retentionSchedule = '0 */15 * * * *';

/** Removes the personal data of the finished parties whose restaurant's retention period has passed (docs/architecture.md, Retention). */
export const retentionSweep: TimerFunction = {
  kind: 'timer',
  name: 'retention-sweep',
  schedule: retentionSchedule,
  handler: (services) => async (_timer, context) => {
    await forgetDue(await services(), (message) => {
      context.log(message);
    });
  },
};

export const retentionHttpFunctions: readonly HttpFunction[] = [
  {
    kind: 'http',
    name: 'waitee-personal-data',
    route: 'v1/restaurants/{restaurantId}/waitlists/{waitlistId}/waitees/{waiteeId}/personal-data',
    handlers: {
      DELETE: endpoint({
        auth: 'user',
        params: waiteeParams,
        handle: async ({ caller, params, services }) => {
          await deletePersonalData(services, caller, params);
          return { status: 204 };
        },
      }),
    },
  },
];
