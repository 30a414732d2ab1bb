import { context, propagation, SpanKind, SpanStatusCode, trace, type Attributes, type HrTime } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { BasicTracerProvider, SamplingDecision, type ReadableSpan, type Sampler, type SpanProcessor } from '@opentelemetry/sdk-trace-base';

/** One trace in the list of recent ones (GET /api/dev/traces). */
export interface TraceSummary {
  readonly traceId: string;
  /** The span without a parent in this trace (the first one when the caller's parent span is elsewhere). */
  readonly rootSpanName: string;
  readonly startedAt: string;
  readonly durationMs: number;
  readonly spanCount: number;
  readonly status: 'ok' | 'error';
}

/** One span of a trace (GET /api/dev/traces/{traceId}), its times relative to the trace's first span. */
export interface SpanView {
  readonly spanId: string;
  readonly parentSpanId: string | null;
  readonly name: string;
  readonly kind: 'internal' | 'server' | 'client' | 'producer' | 'consumer';
  readonly startOffsetMs: number;
  readonly durationMs: number;
  readonly status: 'unset' | 'ok' | 'error';
  readonly statusMessage: string | null;
  readonly attributes: Attributes;
  readonly links: readonly { readonly traceId: string; readonly spanId: string }[];
  readonly events: readonly { readonly name: string; readonly offsetMs: number; readonly attributes: Attributes }[];
}

export interface TraceDetail {
  readonly traceId: string;
  readonly startedAt: string;
  readonly spans: readonly SpanView[];
}

/** The last traces the local host made, in memory; what the dev endpoints and tests read. */
export interface TraceStore {
  /** Newest first (by first span's start). */
  recent(limit?: number): TraceSummary[];
  get(traceId: string): TraceDetail | null;
  /** The raw spans of a trace, in the order they ended (tests assert on these). */
  spans(traceId: string): readonly ReadableSpan[];
}

const millis = ([seconds, nanos]: HrTime): number => seconds * 1000 + nanos / 1e6;
const round = (ms: number): number => Math.round(ms * 1000) / 1000;
const kindNames = {
  [SpanKind.INTERNAL]: 'internal',
  [SpanKind.SERVER]: 'server',
  [SpanKind.CLIENT]: 'client',
  [SpanKind.PRODUCER]: 'producer',
  [SpanKind.CONSUMER]: 'consumer',
} as const;
const statusNames = { [SpanStatusCode.UNSET]: 'unset', [SpanStatusCode.OK]: 'ok', [SpanStatusCode.ERROR]: 'error' } as const;

/**
 * Ended spans grouped by trace, for the last `maxTraces` traces. The SDK's InMemorySpanExporter
 * keeps every span until reset() drops them all, so under `npm start` it would only grow; this
 * processor forgets the oldest trace instead (a Map keeps insertion order: the first span seen).
 */
export class RecentTraces implements SpanProcessor, TraceStore {
  private readonly traces = new Map<string, ReadableSpan[]>();

  constructor(private readonly maxTraces: number) {}

  onStart(): void {}

  onEnd(span: ReadableSpan): void {
    const { traceId } = span.spanContext();
    const spans = this.traces.get(traceId);
    if (spans !== undefined) {
      spans.push(span);
      return;
    }
    this.traces.set(traceId, [span]);
    for (const oldest of this.traces.keys()) {
      if (this.traces.size <= this.maxTraces) break;
      this.traces.delete(oldest);
    }
  }

  forceFlush(): Promise<void> {
    return Promise.resolve();
  }

  shutdown(): Promise<void> {
    return Promise.resolve();
  }

  spans(traceId: string): readonly ReadableSpan[] {
    return [...(this.traces.get(traceId) ?? [])];
  }

  recent(limit = 50): TraceSummary[] {
    return [...this.traces.entries()]
      .map(([traceId, spans]) => summary(traceId, spans))
      .sort((a, b) => b.startedAt.localeCompare(a.startedAt))
      .slice(0, limit);
  }

  get(traceId: string): TraceDetail | null {
    const spans = this.traces.get(traceId);
    if (spans === undefined) return null;
    const start = Math.min(...spans.map((s) => millis(s.startTime)));
    const ordered = [...spans].sort((a, b) => millis(a.startTime) - millis(b.startTime));
    return { traceId, startedAt: new Date(start).toISOString(), spans: ordered.map((span) => viewOf(span, start)) };
  }
}

function summary(traceId: string, spans: readonly ReadableSpan[]): TraceSummary {
  const ids = new Set(spans.map((s) => s.spanContext().spanId));
  const start = Math.min(...spans.map((s) => millis(s.startTime)));
  const end = Math.max(...spans.map((s) => millis(s.endTime)));
  const byStart = [...spans].sort((a, b) => millis(a.startTime) - millis(b.startTime));
  const root = byStart.find((s) => s.parentSpanContext === undefined || !ids.has(s.parentSpanContext.spanId)) ?? byStart[0];
  return {
    traceId,
    rootSpanName: root?.name ?? '',
    startedAt: new Date(start).toISOString(),
    durationMs: round(end - start),
    spanCount: spans.length,
    status: spans.some((s) => s.status.code === SpanStatusCode.ERROR) ? 'error' : 'ok',
  };
}

function viewOf(span: ReadableSpan, traceStart: number): SpanView {
  return {
    spanId: span.spanContext().spanId,
    parentSpanId: span.parentSpanContext?.spanId ?? null,
    name: span.name,
    kind: kindNames[span.kind],
    startOffsetMs: round(millis(span.startTime) - traceStart),
    durationMs: round(millis(span.duration)),
    status: statusNames[span.status.code],
    statusMessage: span.status.message ?? null,
    attributes: span.attributes,
    links: span.links.map((link) => ({ traceId: link.context.traceId, spanId: link.context.spanId })),
    events: span.events.map((event) => ({
      name: event.name,
      offsetMs: round(millis(event.time) - traceStart),
      attributes: event.attributes ?? {},
    })),
  };
}

/** How many traces the local host keeps. */
export const keptTraces = 200;

let registered: RecentTraces | undefined;
let recording = true;

/** Records every span while `recording`; otherwise spans are non-recording, as with no provider (the telemetry bench's "off"). */
const switchableSampler: Sampler = {
  shouldSample: () => ({ decision: recording ? SamplingDecision.RECORD_AND_SAMPLED : SamplingDecision.NOT_RECORD }),
  toString: () => 'LocalSwitchableSampler',
};

/**
 * Turns span recording on or off for the whole process. The tracer provider is registered once per
 * process (the API refuses a second registration until it is disabled), so the sampler switches.
 */
export function recordLocalSpans(on: boolean): void {
  recording = on;
}

/**
 * Registers, once per process, what src/composition/telemetry.ts registers in Azure: a tracer
 * provider (here writing to the in-memory store), the AsyncLocalStorage context manager that
 * carries the active span across awaits, and the W3C propagator. The OpenTelemetry globals are
 * per process, so stacks started in one process (test files sharing a worker) share the store.
 */
export function localTracing(): TraceStore {
  if (registered !== undefined) return registered;
  const store = new RecentTraces(keptTraces);
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  trace.setGlobalTracerProvider(new BasicTracerProvider({ sampler: switchableSampler, spanProcessors: [store] }));
  registered = store;
  return store;
}
