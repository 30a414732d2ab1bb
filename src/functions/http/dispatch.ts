import type { HttpHandler, HttpResponseInit } from '@azure/functions';
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
  return (request, context) => {
    const handler = handlers.get(request.method.toUpperCase() as HttpMethod);
    if (handler !== undefined) return handler(request, context);
    return methodNotAllowed(fn, request.method, {
      correlationId: correlationIdOf(request, context),
      instance: new URL(request.url).pathname,
    });
  };
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
