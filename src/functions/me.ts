import { DomainError } from '../domain/errors.js';
import { userView } from '../application/views.js';
import type { HttpFunction } from './catalog-types.js';
import { endpoint } from './http/endpoint.js';

export const meFunctions: readonly HttpFunction[] = [
  {
    kind: 'http',
    name: 'me',
    route: 'v1/me',
    handlers: {
      GET: endpoint({
        auth: 'user',
        handle: async ({ caller, services }) => {
          const [user, memberships] = await Promise.all([services.users.get(caller.userId), services.users.memberships(caller.userId)]);
          if (user === null) throw new DomainError('unauthenticated', 'Your account no longer exists.');
          return { status: 200, body: userView(user.value, memberships) };
        },
      }),
    },
  },
];
