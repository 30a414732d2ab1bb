import type { HttpRequest } from '@azure/functions';
import { z } from 'zod';
import { statusUrlOf } from '../application/notifications.js';
import { actFromStatusLink, publicStatus, type GuestAction, type PublicStatus } from '../application/waitees.js';
import type { HttpFunction } from './catalog-types.js';
import { endpoint, type Reply } from './http/endpoint.js';
import { prefersHtml } from './http/negotiation.js';
import { problemFor, type Failure, type FailureContext } from './http/problem.js';
import { statusLinkGonePage, statusPage, statusPagePolicy } from './pages/status-page.js';
import { statusParams } from './schemas.js';

const htmlHeaders = { 'content-security-policy': statusPagePolicy, vary: 'Accept' };

/** A browser gets a page saying the link no longer works; a client app the problem+json. */
function statusFailure(failure: Failure, at: FailureContext, request: HttpRequest) {
  const problem = problemFor({ ...failure, headers: { ...failure.headers, vary: 'Accept' } }, at);
  if (!prefersHtml(request.headers.get('accept'))) return problem;
  const headers = new Headers(problem.headers);
  for (const [name, value] of Object.entries(htmlHeaders)) headers.set(name, value);
  headers.set('content-type', 'text/html; charset=utf-8');
  return { status: problem.status ?? 500, headers, body: statusLinkGonePage(failure.detail) };
}

function statusReply(accept: string | null, status: PublicStatus, actionsUrl: string, confirmingLeave: boolean): Reply {
  if (!prefersHtml(accept)) return { status: 200, body: status, headers: { vary: 'Accept' } };
  return {
    status: 200,
    headers: htmlHeaders,
    text: { contentType: 'text/html; charset=utf-8', body: statusPage(status, actionsUrl, confirmingLeave) },
  };
}

const statusQuery = z.object({ leave: z.literal('confirm', { error: 'must be "confirm" (asks to confirm leaving)' }).optional() });

// JSON `{"confirm": true}` from client apps, `confirm=true` from the page's form.
export const leaveBody = z.strictObject({
  confirm: z.union([z.literal(true), z.literal('true')], { error: 'must be true: leaving the line cannot be undone' }),
});

function guestAction(action: GuestAction): HttpFunction {
  const handle = async (input: {
    params: { token: string };
    accept: string | null;
    services: Parameters<typeof actFromStatusLink>[0];
    log: (m: string) => void;
  }) => {
    const status = await actFromStatusLink(input.services, input.params.token, action, input.log);
    const page = statusUrlOf(input.services, input.params.token);
    // A form post from the page goes back to the page (303: the browser GETs it), so a reload never posts again.
    if (prefersHtml(input.accept)) return { status: 303, location: page, headers: { vary: 'Accept' } };
    return { status: 200, body: status, headers: { vary: 'Accept' } };
  };
  return {
    kind: 'http',
    name: `public-status-${action}`,
    route: `v1/status/{token}/${action}`,
    handlers: {
      POST:
        action === 'leave'
          ? endpoint({ auth: 'public', params: statusParams, body: leaveBody, acceptsForm: true, handle })
          : endpoint({ auth: 'public', params: statusParams, handle }),
    },
  };
}

export const statusFunctions: readonly HttpFunction[] = [
  {
    kind: 'http',
    name: 'public-status',
    route: 'v1/status/{token}',
    handlers: {
      GET: endpoint({
        auth: 'public',
        params: statusParams,
        query: statusQuery,
        renderFailure: statusFailure,
        handle: async ({ params, query, accept, services }) =>
          statusReply(accept, await publicStatus(services, params.token), statusUrlOf(services, params.token), query.leave === 'confirm'),
      }),
    },
  },
  guestAction('on-my-way'),
  guestAction('leave'),
];
