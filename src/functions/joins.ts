import { z } from 'zod';
import { confirmJoin, getJoinLink, joinSummary, joinUrlOf, setJoinLink, startJoin } from '../application/joins.js';
import { joinCodePolicy, joinLinkCodePattern } from '../domain/join.js';
import type { HttpFunction } from './catalog-types.js';
import { endpoint } from './http/endpoint.js';
import { guestName, id, waitlistParams } from './schemas.js';

const joinParams = z.object({ joinCode: z.string().regex(joinLinkCodePattern, 'is not a join link code') });

export const startJoinBody = z.strictObject({
  name: guestName(100),
  partySize: z.number().int('must be a whole number').min(1).max(50),
  // National numbers are read in the restaurant's country (the use case normalises to E.164).
  phone: z.string().trim().min(4).max(32, 'must be at most 32 characters'),
  consentToTexts: z.literal(true, { error: 'must be true: the one-time code and the updates come by text message' }),
});

export const confirmJoinBody = z.strictObject({
  joinId: id,
  code: z.string().regex(new RegExp(`^\\d{${joinCodePolicy.digits}}$`), `must be the ${joinCodePolicy.digits} digits texted to you`),
});

const joinLinkRoute = 'v1/restaurants/{restaurantId}/waitlists/{waitlistId}/join-link';

export const joinFunctions: readonly HttpFunction[] = [
  {
    kind: 'http',
    name: 'join-link',
    route: joinLinkRoute,
    handlers: {
      GET: endpoint({
        auth: 'user',
        params: waitlistParams,
        handle: async ({ caller, params, services }) => ({
          status: 200,
          body: await getJoinLink(services, caller, params.restaurantId, params.waitlistId),
        }),
      }),
      // A new code each time: the first link, or a replacement that stops the old one at once.
      PUT: endpoint({
        auth: 'user',
        params: waitlistParams,
        handle: async ({ caller, params, services }) => ({
          status: 200,
          body: await setJoinLink(services, caller, params.restaurantId, params.waitlistId, true),
        }),
      }),
      DELETE: endpoint({
        auth: 'user',
        params: waitlistParams,
        handle: async ({ caller, params, services }) => {
          await setJoinLink(services, caller, params.restaurantId, params.waitlistId, false);
          return { status: 204 };
        },
      }),
    },
  },
  {
    kind: 'http',
    name: 'join',
    route: 'v1/join/{joinCode}',
    handlers: {
      GET: endpoint({
        auth: 'public',
        params: joinParams,
        handle: async ({ params, services }) => ({ status: 200, body: await joinSummary(services, params.joinCode) }),
      }),
      POST: endpoint({
        // A signed-in customer whose account's phone is verified joins at once, without a code.
        auth: 'optional',
        params: joinParams,
        body: startJoinBody,
        handle: async ({ caller, params, body, clientAddress, services, log }) => {
          const start = await startJoin(services, caller, params.joinCode, body, clientAddress, log);
          return start.kind === 'joined'
            ? { status: 201, body: start.confirmed, location: start.confirmed.statusUrl }
            : { status: 202, body: start.started };
        },
      }),
    },
  },
  {
    kind: 'http',
    name: 'join-confirm',
    route: 'v1/join/{joinCode}/confirm',
    handlers: {
      POST: endpoint({
        auth: 'public',
        params: joinParams,
        body: confirmJoinBody,
        handle: async ({ params, body, services }) => {
          const { replayed, confirmed } = await confirmJoin(services, params.joinCode, body);
          return { status: replayed ? 200 : 201, body: confirmed, location: confirmed.statusUrl };
        },
      }),
    },
  },
  {
    kind: 'http',
    name: 'join-qr',
    route: 'v1/join/{joinCode}/qr.svg',
    handlers: {
      GET: endpoint({
        auth: 'public',
        params: joinParams,
        handle: async ({ params, services }) => {
          // Resolving first: a turned-off or replaced code gets no poster.
          await joinSummary(services, params.joinCode);
          // Imported for the poster alone (with its PNG encoder): no other request needs it.
          const { default: QRCode } = await import('qrcode');
          const svg = await QRCode.toString(joinUrlOf(services, params.joinCode), { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
          return { status: 200, headers: { 'cache-control': 'no-store' }, text: { contentType: 'image/svg+xml', body: svg } };
        },
      }),
    },
  },
];
