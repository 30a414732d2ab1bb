import type { HttpHandler, HttpResponse, HttpResponseInit } from '@azure/functions';
import { recordHttpRequest } from '../../application/metrics.js';
import type { ServicesProvider } from '../../application/services.js';
import type { HttpFunction, HttpMethod } from '../catalog-types.js';
import { httpMethods } from '../catalog-types.js';
import { correlationIdOf } from './endpoint.js';
import { problemResponse } from './problem.js';

export const methodsOf = (fn: HttpFunction): HttpMethod[] => httpMethods.filter((m) => fn.handlers[m] !== undefined);

/** One handler per route that picks the method's handler, bound to the host's services; both hosts use it. */
export function dispatch(fn: HttpFunction, services: ServicesProvider): HttpHandler {
  const allowed = methodsOf(fn);
  const handlers = new Map(allowed.map((method) => [method, fn.handlers[method]?.(services)]));
  const route = `/${fn.route}`;
  return async (request, context) => {
    const started = performance.now();
    let response: HttpResponseInit | HttpResponse | undefined;
    try {
      const handler = handlers.get(request.method.toUpperCase() as HttpMethod);
      response =
        handler !== undefined
          ? await handler(request, context)
          : methodNotAllowed(fn, request.method, {
              correlationId: correlationIdOf(request, context),
              instance: new URL(request.url).pathname,
            });
      return response;
    } finally {
      recordHttpRequest({ route, method: request.method, ...outcomeOf(response), seconds: (performance.now() - started) / 1000 });
    }
  };
}

/** The status and problem type a metric records; no response at all (a handler threw) is the host's 500. */
function outcomeOf(response: HttpResponseInit | HttpResponse | undefined): { status: number; problemType: string | undefined } {
  if (response === undefined) return { status: 500, problemType: undefined };
  const body = 'jsonBody' in response ? (response.jsonBody as unknown) : undefined;
  const type = typeof body === 'object' && body !== null && 'type' in body && typeof body.type === 'string' ? body.type : undefined;
  return { status: response.status ?? 200, problemType: type?.startsWith('urn:waitlist:problem:') === true ? type : undefined };
}

/** The 405 for a method the route does not take, with the Allow header RFC 9110 requires. */
export function methodNotAllowed(fn: HttpFunction, method: string, at: { correlationId: string; instance: string }): HttpResponseInit {
  const allowed = methodsOf(fn);
  return problemResponse('method-not-allowed', {
    detail: `${method} is not supported here. Allowed: ${allowed.join(', ')}.`,
    ...at,
    headers: { allow: allowed.join(', ') },
  });
}
