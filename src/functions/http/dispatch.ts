import type { HttpHandler, HttpResponse, HttpResponseInit } from '@azure/functions';
import { SpanKind, SpanStatusCode, type SpanContext } from '@opentelemetry/api';
import { recordHttpRequest } from '../../application/metrics.js';
import type { ServicesProvider } from '../../application/services.js';
import { recordFailure, tracer } from '../../application/tracing.js';
import type { HttpFunction, HttpMethod } from '../catalog-types.js';
import { httpMethods } from '../catalog-types.js';
import { correlationIdOf } from './endpoint.js';
import { problemResponse } from './problem.js';
import { contextOfHeaders, invocationParent } from '../telemetry.js';

export const methodsOf = (fn: HttpFunction): HttpMethod[] => httpMethods.filter((m) => fn.handlers[m] !== undefined);

/** The route template as OpenTelemetry's `http.route` (relative to host.json's `api` prefix): never the path, which may hold a token. */
export const httpRouteOf = (fn: HttpFunction): string => `/${fn.route}`;

/**
 * One handler per route that picks the method's handler, bound to the host's services; both hosts
 * use it. Each request is one SERVER span, continuing the caller's trace; the answer carries its
 * ids in `traceresponse` (W3C Trace Context Level 2) so a client can quote them.
 */
export function dispatch(fn: HttpFunction, services: ServicesProvider): HttpHandler {
  const allowed = methodsOf(fn);
  const handlers = new Map(allowed.map((method) => [method, fn.handlers[method]?.(services)]));
  const route = httpRouteOf(fn);
  const answer: HttpHandler = (request, context) => {
    const handler = handlers.get(request.method.toUpperCase() as HttpMethod);
    if (handler !== undefined) return handler(request, context);
    return methodNotAllowed(fn, request.method, {
      correlationId: correlationIdOf(request, context),
      instance: new URL(request.url).pathname,
    });
  };
  return (request, context) => {
    const method = request.method.toUpperCase();
    const attributes = { 'http.request.method': method, 'http.route': route };
    const parent = invocationParent(context, () => contextOfHeaders(request.headers));
    const started = performance.now();
    return tracer().startActiveSpan(`${method} ${route}`, { kind: SpanKind.SERVER, attributes }, parent, async (span) => {
      let response: HttpResponseInit | HttpResponse | undefined;
      try {
        response = await answer(request, context);
        const status = response.status ?? 200;
        span.setAttribute('http.response.status_code', status);
        if (status >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
        return withHeader(response, 'traceresponse', traceresponseOf(span.spanContext()));
      } catch (error) {
        recordFailure(span, error);
        throw error;
      } finally {
        span.end();
        recordHttpRequest({ route, method, ...outcomeOf(response), seconds: (performance.now() - started) / 1000 });
      }
    });
  };
}

function traceresponseOf(span: SpanContext): string {
  return `00-${span.traceId}-${span.spanId}-${span.traceFlags.toString(16).padStart(2, '0')}`;
}

function withHeader(response: HttpResponseInit | HttpResponse, name: string, value: string): HttpResponseInit | HttpResponse {
  if (response.headers instanceof Headers) {
    response.headers.set(name, value);
    return response;
  }
  // An HttpResponse always holds a Headers: what is left is a plain HttpResponseInit.
  const init = response as HttpResponseInit;
  // The pipeline's own answers carry a plain record of lower-case names: one more entry, no Headers to build.
  if (isPlainRecord(init.headers)) return { ...init, headers: { ...init.headers, [name]: value } };
  const headers = new Headers(init.headers);
  headers.set(name, value);
  return { ...init, headers };
}

function isPlainRecord(headers: HttpResponseInit['headers']): headers is Record<string, string> {
  return typeof headers === 'object' && !Array.isArray(headers) && Object.getPrototypeOf(headers) === Object.prototype;
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
