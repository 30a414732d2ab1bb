import { describe, expect, it } from 'vitest';
import { escapeHtml, waterfallHtml } from '../../local/dev/traces-page.js';
import { formatMs, layoutWaterfall, tickStep } from '../../local/dev/waterfall.js';
import type { SpanView } from '../../local/telemetry.js';

function span(spanId: string, parentSpanId: string | null, startOffsetMs: number, durationMs: number): SpanView {
  return {
    spanId,
    parentSpanId,
    name: spanId,
    kind: 'internal',
    startOffsetMs,
    durationMs,
    status: 'unset',
    statusMessage: null,
    attributes: {},
    links: [],
    events: [],
  };
}

describe('the waterfall layout', () => {
  // A notify request (0–40 ms; its caller's span is not in the trace), two deliveries each with an ACS call, a report.
  const spans = [
    span('report', 'http', 150, 10),
    span('acs-2', 'deliver-2', 110, 20),
    span('http', 'caller', 0, 40),
    span('deliver-1', 'http', 50, 30),
    span('acs-1', 'deliver-1', 55, 20),
    span('deliver-2', 'http', 100, 40),
  ];

  it('puts each parent before its children, siblings by start, and indents by nesting', () => {
    const { rows } = layoutWaterfall(spans);
    expect(rows.map((row) => [row.span.spanId, row.depth])).toEqual([
      ['http', 0],
      ['deliver-1', 1],
      ['acs-1', 2],
      ['deliver-2', 1],
      ['acs-2', 2],
      ['report', 1],
    ]);
  });

  it('places bars by start offset and sizes them by duration on an axis from the first start to the last end', () => {
    const layout = layoutWaterfall(spans);
    expect(layout.axisMs).toBe(160);
    const bar = (id: string) => layout.rows.find((row) => row.span.spanId === id);
    expect(bar('http')).toMatchObject({ leftPercent: 0, widthPercent: 25 });
    expect(bar('deliver-2')).toMatchObject({ leftPercent: 62.5, widthPercent: 25 });
    expect(bar('report')).toMatchObject({ leftPercent: 93.75, widthPercent: 6.25 });
  });

  it('labels the axis every 1, 2 or 5 times a power of ten, from zero to no further than its end', () => {
    expect(layoutWaterfall(spans).ticks).toEqual([0, 50, 100, 150].map((atMs) => ({ atMs, leftPercent: (atMs / 160) * 100 })));
    expect([tickStep(1), tickStep(7), tickStep(160), tickStep(2400), tickStep(30_000)]).toEqual([0.2, 2, 50, 500, 10_000]);
  });

  it('treats several spans without a parent in the trace as roots, and a zero-length trace as one millisecond long', () => {
    const layout = layoutWaterfall([span('b', null, 0, 0), span('a', 'gone', 0, 0)]);
    expect(layout.axisMs).toBe(1);
    expect(layout.rows.map((row) => [row.span.spanId, row.depth, row.leftPercent, row.widthPercent])).toEqual([
      ['b', 0, 0, 0],
      ['a', 0, 0, 0],
    ]);
  });

  it('never lets a bar run past the axis', () => {
    const [row] = layoutWaterfall([span('late', null, 90, 10), span('early', null, 0, 100)]).rows.filter((r) => r.span.spanId === 'late');
    expect(row && row.leftPercent + row.widthPercent).toBeLessThanOrEqual(100);
  });
});

describe('the trace page text', () => {
  it('formats durations as a person reads them', () => {
    expect([0.42, 7, 12.6, 1250].map(formatMs)).toEqual(['0.4 ms', '7 ms', '13 ms', '1.25 s']);
  });

  it('escapes markup in values that came from requests', () => {
    expect(escapeHtml(`<img src=x onerror="alert('1')">&`)).toBe('&#60;img src=x onerror=&#34;alert(&#39;1&#39;)&#34;&#62;&#38;');
  });
});

describe('the waterfall page', () => {
  const failed: SpanView = {
    ...span('acs', 'deliver', 5, 3),
    name: 'ACS send SMS',
    kind: 'client',
    status: 'error',
    statusMessage: 'throttled (429)',
    attributes: { 'http.route': '<script>alert(1)</script>' },
  };
  const report: SpanView = {
    ...span('report', null, 20, 1),
    kind: 'consumer',
    links: [{ traceId: 'a'.repeat(32), spanId: 'b'.repeat(16) }],
  };
  const page = waterfallHtml({
    traceId: 'f'.repeat(32),
    startedAt: '2026-12-01T18:00:00.000Z',
    spans: [span('deliver', null, 0, 10), failed, report],
  });

  it('marks a failed span as an error, with its status message', () => {
    expect(page).toMatch(/<li id="span-acs" class="span kind-client error" data-depth="1"[^>]*>/);
    expect(page).toContain('<strong class="error-mark">error</strong>');
    expect(page).toContain('status error: throttled (429)');
    expect(page).not.toMatch(/<li id="span-deliver" class="[^"]*error/);
  });

  it('shows a span link as a link to the linked span in its trace', () => {
    expect(page).toContain(`<a href="/dev/traces/${'a'.repeat(32)}#span-${'b'.repeat(16)}">`);
  });

  it('shows attribute values as text, never as markup', () => {
    expect(page).not.toContain('<script>');
    expect(page).toContain('&#60;script&#62;alert(1)&#60;/script&#62;');
  });
});
