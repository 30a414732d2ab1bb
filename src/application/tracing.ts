import {
  context,
  propagation,
  ROOT_CONTEXT,
  SpanStatusCode,
  trace,
  type Attributes,
  type Context,
  type Link,
  type Span,
  type SpanKind,
  type Tracer,
} from '@opentelemetry/api';

/**
 * Tracing through the OpenTelemetry API only: a no-op until a host registers a tracer provider, a
 * context manager and the W3C propagator (src/composition/telemetry.ts in Azure, local/telemetry.ts
 * locally). See docs/observability.md for the spans and how a text's trace crosses invocations.
 *
 * The tracer comes from the provider registered when a span starts, never once at import: the
 * Azure Monitor distro calls `trace.disable()` before registering its provider, which replaces the
 * API's proxy provider, so a tracer taken earlier would stay a no-op for good (test/package/telemetry.test.ts).
 */
export const tracer = (): Tracer => trace.getTracer('waitlist');

/** The W3C `traceparent` of the active span, to carry a trace across invocations (outbox record, queue message); undefined outside a trace. */
export function activeTraceparent(): string | undefined {
  const carrier: Record<string, string> = {};
  propagation.inject(context.active(), carrier);
  return carrier.traceparent;
}

/** The context a stored or received `traceparent` names (the root context when there is none or it is malformed). */
export function contextOfTraceparent(traceparent: string | undefined): Context {
  return traceparent === undefined ? ROOT_CONTEXT : propagation.extract(ROOT_CONTEXT, { traceparent });
}

/** A link to the span a `traceparent` names, for a span that continues another trace's work without being its child. */
export function linkTo(traceparent: string | undefined): Link[] {
  if (traceparent === undefined) return [];
  const linked = trace.getSpanContext(contextOfTraceparent(traceparent));
  return linked === undefined ? [] : [{ context: linked }];
}

export function recordFailure(span: Span, error: unknown): void {
  span.recordException(error instanceof Error ? error : String(error));
  span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
}

/**
 * Runs `work` in a new active span under `parent` (the active context unless given), ending it
 * when the work settles; a throw is recorded on the span, which then has an error status.
 */
export async function inSpan<T>(
  name: string,
  options: { readonly kind: SpanKind; readonly attributes?: Attributes; readonly links?: Link[]; readonly parent?: Context },
  work: (span: Span) => Promise<T>,
): Promise<T> {
  const { parent = context.active(), ...spanOptions } = options;
  return tracer().startActiveSpan(name, spanOptions, parent, async (span) => {
    try {
      return await work(span);
    } catch (error) {
      recordFailure(span, error);
      throw error;
    } finally {
      span.end();
    }
  });
}
