import type { HttpResponseInit } from '@azure/functions';
import type { ServicesProvider } from '../../src/application/services.js';
import { devTextsPath, devTracesPath, onlyGet, recentTexts, type RecentText } from '../host/dev-routes.js';
import type { HostRequest, HostRoute } from '../host/http-host.js';
import type { SmsEmulator } from '../sms/emulator.js';
import type { SpanView, TraceDetail, TraceStore, TraceSummary } from '../telemetry.js';
import { formatMs, layoutWaterfall, type WaterfallRow } from './waterfall.js';
import { pageStyles } from './traces-page-styles.js';

/**
 * The local host's trace pages (docs/observability.md): `/dev/traces` lists the recent texts and
 * traces, `/dev/traces/{traceId}` draws one trace as a waterfall. Server-rendered HTML without a
 * script: nothing of it is in the web app's bundle, and Static Web Apps answers 404 under /dev/.
 */
export const devTracesPagePath = '/dev/traces';

/** Every value on the page passes through here: span attributes and texts come from requests. */
export function escapeHtml(value: unknown): string {
  return String(value).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** A span name with a line-break opportunity after each slash: routes are long. */
const spanName = (name: string): string => escapeHtml(name).replace(/\//g, '/<wbr>');

const refreshSeconds = 5;
const timeFormat = new Intl.DateTimeFormat('en-GB', { hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false });
const timeOf = (iso: string): string => `<time datetime="${escapeHtml(iso)}">${escapeHtml(timeFormat.format(new Date(iso)))}</time>`;
const traceHref = (traceId: string, spanId?: string): string =>
  `${devTracesPagePath}/${encodeURIComponent(traceId)}${spanId === undefined ? '' : `#span-${encodeURIComponent(spanId)}`}`;

function page(title: string, autoRefresh: boolean, path: string, body: string): string {
  const refresh = autoRefresh ? `<meta http-equiv="refresh" content="${refreshSeconds}">` : '';
  const toggle = autoRefresh
    ? `<a href="${escapeHtml(path)}">Stop auto-refresh</a>`
    : `<a href="${escapeHtml(path)}?refresh=${refreshSeconds}">Auto-refresh every ${refreshSeconds} s</a>`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">${refresh}
<title>${escapeHtml(title)} · Waitlist (local)</title><style>${pageStyles}</style></head>
<body><header><nav aria-label="Developer pages"><a href="${devTracesPagePath}">Texts and traces</a>
<a href="${escapeHtml(path)}${autoRefresh ? `?refresh=${refreshSeconds}` : ''}">Refresh</a> ${toggle}
<a href="/dev/sms">SMS outbox (JSON)</a> <a href="${devTracesPath}">Traces (JSON)</a> <a href="${devTextsPath}">Texts (JSON)</a></nav></header>
<main>${body}</main></body></html>`;
}

function textsTable(texts: readonly RecentText[]): string {
  if (texts.length === 0) return '<p>No text yet: notify a party on the host stand.</p>';
  const rows = texts.map((text) => {
    const kind = text.kind ?? 'unknown';
    const link =
      text.traceId === null
        ? 'no trace'
        : `<a href="${traceHref(text.traceId)}" aria-label="Trace of the ${escapeHtml(kind)} text to ${escapeHtml(text.to)}">Trace</a>`;
    return `<tr><td>${timeOf(text.acceptedAt)}</td><td>${escapeHtml(text.to)}</td><td>${escapeHtml(kind)}</td><td>${escapeHtml(text.status ?? 'unknown')}</td><td>${link}</td></tr>`;
  });
  return `<table aria-labelledby="texts-heading"><thead><tr><th scope="col">Time</th><th scope="col">To</th><th scope="col">Kind</th><th scope="col">Status</th><th scope="col">Trace</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

function tracesTable(traces: readonly TraceSummary[]): string {
  if (traces.length === 0) return '<p>No trace yet.</p>';
  const rows = traces.map(
    (t) =>
      `<tr${t.status === 'error' ? ' class="error"' : ''}><td><a href="${traceHref(t.traceId)}">${spanName(t.rootSpanName)}</a></td><td>${timeOf(t.startedAt)}</td><td class="number">${formatMs(t.durationMs)}</td><td class="number">${t.spanCount}</td><td>${t.status === 'error' ? '<strong>error</strong>' : 'ok'}</td></tr>`,
  );
  return `<table aria-labelledby="traces-heading"><thead><tr><th scope="col">Root span</th><th scope="col">Started</th><th scope="col">Duration</th><th scope="col">Spans</th><th scope="col">Status</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

function attributeList(span: SpanView): string {
  const entries = Object.entries(span.attributes).map(
    ([name, value]) => `<dt>${escapeHtml(name)}</dt><dd>${escapeHtml(JSON.stringify(value))}</dd>`,
  );
  const events = span.events.map(
    (event) =>
      `<li>${escapeHtml(event.name)} at ${formatMs(event.offsetMs)}${Object.keys(event.attributes).length === 0 ? '' : `: ${escapeHtml(JSON.stringify(event.attributes))}`}</li>`,
  );
  return `<div class="span-detail"><p>Span <code>${escapeHtml(span.spanId)}</code>${span.parentSpanId === null ? '' : `, parent <code>${escapeHtml(span.parentSpanId)}</code>`}, status ${escapeHtml(span.status)}${span.statusMessage === null ? '' : `: ${escapeHtml(span.statusMessage)}`}</p>
<dl>${entries.join('')}</dl>${events.length === 0 ? '' : `<p>Events</p><ul>${events.join('')}</ul>`}</div>`;
}

function waterfallRow(row: WaterfallRow): string {
  const { span } = row;
  const error = span.status === 'error';
  const links = span.links.map(
    (link) =>
      `<a href="${traceHref(link.traceId, link.spanId)}">linked span ${escapeHtml(link.spanId)} in trace ${escapeHtml(link.traceId)}</a>`,
  );
  return `<li id="span-${escapeHtml(span.spanId)}" class="span kind-${span.kind}${error ? ' error' : ''}" data-depth="${row.depth}" data-name="${escapeHtml(span.name)}">
<details><summary><span class="name" style="padding-left:${row.depth * 1.25}rem"><span class="kind">${span.kind}</span> <span>${spanName(span.name)}</span>${error ? ' <strong class="error-mark">error</strong>' : ''}<span class="duration">${formatMs(span.durationMs)}</span></span><span class="track" aria-hidden="true"><span class="bar" style="left:${row.leftPercent.toFixed(3)}%;width:${row.widthPercent.toFixed(3)}%"></span></span></summary>
${attributeList(span)}</details>${links.length === 0 ? '' : `<p class="links" style="padding-left:${row.depth * 1.25 + 1}rem">Links: ${links.join(', ')}</p>`}</li>`;
}

export function waterfallHtml(detail: TraceDetail): string {
  const layout = layoutWaterfall(detail.spans);
  const ticks = layout.ticks.map((tick) => `<span class="tick" style="left:${tick.leftPercent.toFixed(3)}%">${formatMs(tick.atMs)}</span>`);
  const legend = ['server', 'consumer', 'client', 'producer', 'internal'].map(
    (kind) => `<li class="kind-${kind}"><span class="swatch"></span>${kind}</li>`,
  );
  const root = layout.rows[0]?.span.name ?? detail.traceId;
  return `<h1>${spanName(root)}</h1>
<p>Trace <code>${escapeHtml(detail.traceId)}</code>, started ${timeOf(detail.startedAt)}, ${formatMs(layout.axisMs)}, ${detail.spans.length} spans. Open a span for its attributes.</p>
<ul class="legend" aria-label="Span kinds">${legend.join('')}</ul>
<div class="waterfall"><div class="axis" aria-hidden="true"><span></span><span></span><span class="track">${ticks.join('')}</span></div>
<ol class="spans" aria-label="Spans, parents before their children">${layout.rows.map(waterfallRow).join('')}</ol></div>`;
}

const html = (status: number, body: string): HttpResponseInit => ({
  status,
  headers: {
    'content-type': 'text/html; charset=utf-8',
    'cache-control': 'no-store',
    // No script at all; the bars are placed by inline style.
    'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  },
  body,
});

async function answer(request: HostRequest, store: TraceStore, sms: SmsEmulator, services: ServicesProvider): Promise<HttpResponseInit> {
  const path = request.url.pathname.replace(/\/$/, '');
  const autoRefresh = request.url.searchParams.has('refresh');
  if (path === devTracesPagePath) {
    const body = `<h1>Texts and traces</h1><section><h2 id="texts-heading">Recent texts</h2>${textsTable(await recentTexts(sms, services))}</section>
<section><h2 id="traces-heading">Recent traces</h2>${tracesTable(store.recent())}</section>`;
    return html(200, page('Texts and traces', autoRefresh, path, body));
  }
  const traceId = path.slice(devTracesPagePath.length + 1);
  const detail = /^[0-9a-f]{32}$/.test(traceId) ? store.get(traceId) : null;
  if (detail === null) {
    const body = `<h1>No such trace</h1><p>No trace ${escapeHtml(traceId)} among the last ones kept (a trace id is 32 lowercase hex digits). <a href="${devTracesPagePath}">See the recent ones</a>.</p>`;
    return html(404, page('No such trace', false, path, body));
  }
  return html(200, page(detail.spans[0]?.name ?? traceId, autoRefresh, path, waterfallHtml(detail)));
}

export function devTracesPage(store: TraceStore, sms: SmsEmulator, services: ServicesProvider): HostRoute {
  return {
    path: devTracesPagePath,
    andBelow: true,
    handle: async (request) => onlyGet(request) ?? (await answer(request, store, sms, services)),
  };
}
