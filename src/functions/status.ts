import type { HttpRequest, HttpResponseInit } from '@azure/functions';
import { z } from 'zod';
import { statusUrlOf } from '../application/notifications.js';
import { actFromStatusLink, publicStatus, type GuestAction, type PublicStatus } from '../application/waitees.js';
import type { HttpFunction } from './catalog-types.js';
import { endpoint, type Reply } from './http/endpoint.js';
import { prefersHtml } from './http/negotiation.js';
import { problemFor, type Failure, type FailureContext } from './http/problem.js';
import { statusActionFailedPage, statusLinkGonePage, statusPage, statusPagePolicy } from './pages/status-page.js';
import { statusParams } from './schemas.js';

const htmlHeaders = { 'content-security-policy': statusPagePolicy, vary: 'Accept' };

/**
 * A failure as a browser needs it: a page (the link no longer works; or, after a form post, what
 * went wrong and the way back to the place in line), under the problem's status. A client app
 * gets the problem+json, chosen by Accept as the page itself is.
 */
function failureFor(page: (failure: Failure, request: HttpRequest) => string) {
  return (failure: Failure, at: FailureContext, request: HttpRequest): HttpResponseInit => {
    const problem = problemFor({ ...failure, headers: { ...failure.headers, vary: 'Accept' } }, at);
    if (!prefersHtml(request.headers.get('accept'))) return problem;
    const headers = new Headers(problem.headers);
    for (const [name, value] of Object.entries(htmlHeaders)) headers.set(name, value);
    headers.set('content-type', 'text/html; charset=utf-8');
    return { status: problem.status ?? 500, headers, body: page(failure, request) };
  };
}

const statusFailure = failureFor((failure) => statusLinkGonePage(failure.detail));

/** The page's own address, relative to a form's action (…/status/{token}/leave → ../{token}), whatever host and prefix served it. */
const backToPage = (request: HttpRequest): string | null => {
  const token = /\/([^/]+)\/(?:on-my-way|leave)\/?$/.exec(new URL(request.url).pathname)?.[1];
  return token === undefined ? null : `../${token}`;
};

const actionFailure = failureFor((failure, request) =>
  failure.slug === 'not-found' ? statusLinkGonePage(failure.detail) : statusActionFailedPage(failure.detail, backToPage(request)),
);

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
          ? endpoint({ auth: 'public', params: statusParams, body: leaveBody, acceptsForm: true, renderFailure: actionFailure, handle })
          : endpoint({ auth: 'public', params: statusParams, renderFailure: actionFailure, handle }),
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
