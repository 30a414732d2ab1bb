import type { SpanView } from '../telemetry.js';

/** One row of a trace's waterfall: a span, how deep it hangs, and where its bar sits on the time axis. */
export interface WaterfallRow {
  readonly span: SpanView;
  /** 0 for a span whose parent is not in the trace (the caller's span, or none), 1 for its children, … */
  readonly depth: number;
  /** The bar's start and width, in percent of the axis. */
  readonly leftPercent: number;
  readonly widthPercent: number;
}

export interface Waterfall {
  readonly rows: readonly WaterfallRow[];
  /** The axis runs from the trace's first span's start to its last span's end (at least 1 ms). */
  readonly axisMs: number;
  readonly ticks: readonly { readonly atMs: number; readonly leftPercent: number }[];
}

const percentOf = (ms: number, axisMs: number): number => Math.min(100, Math.max(0, (ms / axisMs) * 100));

/** The step between ticks: 1, 2 or 5 times a power of ten, so that about `count` of them span the axis. */
export function tickStep(axisMs: number, count = 5): number {
  const rough = axisMs / count;
  const power = 10 ** Math.floor(Math.log10(rough));
  const step = [1, 2, 5, 10].map((m) => m * power).find((candidate) => candidate >= rough);
  return step ?? 10 * power;
}

/**
 * Orders the spans depth first (a parent, then its children, each level by start time) and places
 * every bar on the shared axis: `startOffsetMs` from the left, `durationMs` wide.
 */
export function layoutWaterfall(spans: readonly SpanView[]): Waterfall {
  const axisMs = Math.max(1, ...spans.map((span) => span.startOffsetMs + span.durationMs));
  const ids = new Set(spans.map((span) => span.spanId));
  const byStart = [...spans].sort((a, b) => a.startOffsetMs - b.startOffsetMs);
  const childrenOf = (parent: string | null): SpanView[] =>
    byStart.filter((span) => (parent === null ? span.parentSpanId === null || !ids.has(span.parentSpanId) : span.parentSpanId === parent));
  const rows: WaterfallRow[] = [];
  const visit = (span: SpanView, depth: number): void => {
    const leftPercent = percentOf(span.startOffsetMs, axisMs);
    rows.push({ span, depth, leftPercent, widthPercent: Math.min(100 - leftPercent, percentOf(span.durationMs, axisMs)) });
    for (const child of childrenOf(span.spanId)) visit(child, depth + 1);
  };
  for (const root of childrenOf(null)) visit(root, 0);
  const step = tickStep(axisMs);
  const ticks = Array.from({ length: Math.floor(axisMs / step) + 1 }, (_, i) => ({
    atMs: i * step,
    leftPercent: percentOf(i * step, axisMs),
  }));
  return { rows, axisMs, ticks };
}

/** A duration as a person reads it: "0.4 ms", "12 ms", "1.25 s". */
export function formatMs(ms: number): string {
  if (ms >= 1000) return `${Number((ms / 1000).toFixed(2))} s`;
  if (ms >= 10) return `${Math.round(ms)} ms`;
  return `${Number(ms.toFixed(1))} ms`;
}
