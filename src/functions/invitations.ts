import {
  acceptInvitation,
  declineInvitation,
  inviteMember,
  myInvitations,
  restaurantInvitations,
  revokeInvitation,
} from '../application/invitations.js';
import type { HttpFunction } from './catalog-types.js';
import { endpoint } from './http/endpoint.js';
import { invitationParams, inviteMemberBody, myInvitationParams, restaurantParams } from './schemas.js';

/** Owners invite and revoke; the invitee, and only they, accept or decline (docs/api.md, Members and invitations). */
export const invitationFunctions: readonly HttpFunction[] = [
  {
    kind: 'http',
    name: 'restaurant-invitations',
    route: 'v1/restaurants/{restaurantId}/invitations',
    handlers: {
      POST: endpoint({
        auth: 'user',
        params: restaurantParams,
        body: inviteMemberBody,
        handle: async ({ caller, params, body, services }) => {
          const { invitation, refreshed } = await inviteMember(services, caller, params.restaurantId, body);
          return {
            status: refreshed ? 200 : 201,
            body: invitation,
            location: `/api/v1/restaurants/${params.restaurantId}/invitations/${invitation.id}`,
          };
        },
      }),
      GET: endpoint({
        auth: 'user',
        params: restaurantParams,
        handle: async ({ caller, params, services }) => ({
          status: 200,
          body: { items: await restaurantInvitations(services, caller, params.restaurantId) },
        }),
      }),
    },
  },
  {
    kind: 'http',
    name: 'restaurant-invitation',
    route: 'v1/restaurants/{restaurantId}/invitations/{invitationId}',
    handlers: {
      DELETE: endpoint({
        auth: 'user',
        params: invitationParams,
        handle: async ({ caller, params, services }) => {
          await revokeInvitation(services, caller, params.restaurantId, params.invitationId);
          return { status: 204 };
        },
      }),
    },
  },
  {
    kind: 'http',
    name: 'me-invitations',
    route: 'v1/me/invitations',
    handlers: {
      GET: endpoint({
        auth: 'user',
        handle: async ({ caller, services }) => ({ status: 200, body: { items: await myInvitations(services, caller) } }),
      }),
    },
  },
  {
    kind: 'http',
    name: 'me-invitation-accept',
    route: 'v1/me/invitations/{invitationId}/accept',
    handlers: {
      POST: endpoint({
        auth: 'user',
        params: myInvitationParams,
        handle: async ({ caller, params, services }) => {
          const restaurant = await acceptInvitation(services, caller, params.invitationId);
          return { status: 201, body: restaurant, location: `/api/v1/restaurants/${restaurant.id}` };
        },
      }),
    },
  },
  {
    kind: 'http',
    name: 'me-invitation-decline',
    route: 'v1/me/invitations/{invitationId}/decline',
    handlers: {
      POST: endpoint({
        auth: 'user',
        params: myInvitationParams,
        handle: async ({ caller, params, services }) => {
          await declineInvitation(services, caller, params.invitationId);
          return { status: 204 };
        },
      }),
    },
  },
];
