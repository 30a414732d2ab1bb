import type { InvocationContext } from '@azure/functions';
import { propagation, ROOT_CONTEXT, trace, type Context, type TextMapGetter } from '@opentelemetry/api';
import { contextOfTraceparent } from '../application/tracing.js';

/**
 * Where an invocation's span hangs. The Azure Functions host starts its own span for each
 * invocation, itself a child of the incoming `traceparent` or `Diagnostic-Id`, and hands it over as
 * `context.traceContext`; the local host does not, so the carrier the trigger brought (the request's
 * headers, the message's properties) is read instead.
 */
export function invocationParent(context: InvocationContext, carried: () => Context): Context {
  const fromHost = context.traceContext?.traceParent;
  return fromHost === undefined || fromHost === '' ? carried() : contextOfTraceparent(fromHost);
}

const headerGetter: TextMapGetter<Headers> = {
  keys: (headers) => [...headers.keys()],
  get: (headers, key) => headers.get(key) ?? undefined,
};

/** The W3C trace context of an HTTP request (`traceparent`, `tracestate`), as API Management forwards it. */
export const contextOfHeaders = (headers: Headers): Context => propagation.extract(ROOT_CONTEXT, headers, headerGetter);

/** What a log line says about where it comes from, besides the active span. */
export interface LogScope {
  readonly correlationId?: string;
  readonly restaurantId?: string;
}

export type LogLevel = 'info' | 'warn' | 'error';

/**
 * One log line as one JSON object: the message, the active span's trace and span ids, the
 * correlation id and restaurant id where known. Messages never hold a full phone number, a name, a
 * code or a token (docs/observability.md, Logs; test/observability/logs.test.ts scans for them).
 */
export function logLine(level: LogLevel, message: string, scope: LogScope, extra: Readonly<Record<string, string>> = {}): string {
  const span = trace.getActiveSpan()?.spanContext();
  return JSON.stringify({
    level,
    message,
    ...(span === undefined ? {} : { traceId: span.traceId, spanId: span.spanId }),
    ...scope,
    ...extra,
  });
}

/** A log function bound to an invocation and its scope; the use cases receive it as their `log`. */
export function invocationLog(context: InvocationContext, scope: LogScope): (message: string) => void {
  return (message) => {
    context.log(logLine('info', message, scope));
  };
}

export function logWarning(context: InvocationContext, message: string, scope: LogScope = {}): void {
  context.warn(logLine('warn', message, scope));
}

/** An unexpected error: its name, message and stack (where the code failed), never the request. */
export function logError(context: InvocationContext, message: string, error: unknown, scope: LogScope = {}): void {
  context.error(logLine('error', message, scope, { error: error instanceof Error ? (error.stack ?? error.message) : String(error) }));
}
