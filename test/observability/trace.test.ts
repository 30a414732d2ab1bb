import { randomBytes } from 'node:crypto';
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { beforeAll, describe, expect, it } from 'vitest';
import type { SpanView, TraceDetail, TraceSummary } from '../../local/telemetry.js';
import { maskPhone } from '../../src/domain/notification.js';
import { functions } from '../../src/functions/catalog.js';
import type { HttpFunction } from '../../src/functions/catalog-types.js';
import { loadOpenApi } from '../support/openapi.js';
import {
  addParty,
  eventually,
  phoneNumber,
  recordOf,
  recordsOf,
  useNotificationStack,
  waitForQueueIdle,
} from '../support/notifications.js';
import { Api, newVenue, type Venue } from '../support/stack.js';

/**
 * One text, one trace: the staff's notify request, every queue delivery of its message (two of
 * which meet a throttled provider), each ACS call and the delivery report hang in the trace the
 * caller started, read back from the local host's in-memory trace store.
 */

const stack = useNotificationStack({ lockDurationMs: 1000, timers: false, deliveryReportDelayMs: 50 });
const api = () => new Api(stack().apiUrl);
const origin = () => stack().baseUrl;

let venue: Venue;
let phones = 0;
const nextPhone = () => phoneNumber(3000 + phones++);

beforeAll(async () => {
  venue = await newVenue(api());
});

/** A caller's span context, as API Management forwards it. */
function callerContext(): { traceId: string; spanId: string; traceparent: string } {
  const traceId = randomBytes(16).toString('hex');
  const spanId = randomBytes(8).toString('hex');
  return { traceId, spanId, traceparent: `00-${traceId}-${spanId}-01` };
}

const idOf = (span: ReadableSpan) => span.spanContext().spanId;
const parentOf = (span: ReadableSpan) => span.parentSpanContext?.spanId;
const named = (spans: readonly ReadableSpan[], name: string) => spans.filter((span) => span.name === name);

describe('a text that is delivered after two throttled deliveries', () => {
  it('is one trace: the HTTP span, three queue deliveries each with its ACS call, and the delivery report', async () => {
    const caller = callerContext();
    const party = await addParty(venue, { name: 'Traced', phone: nextPhone() });
    // Three requests per delivery (one and the SmsClient's two retries): deliveries 1 and 2 fail, 3 sends.
    stack().sms.failNext(6, 429, 0);
    const notified = await venue.owner.api.post(`${venue.waitlistPath}/waitees/${party.id}/notify`, undefined, {
      traceparent: caller.traceparent,
    });
    expect(notified.status).toBe(200);
    expect(notified.headers.get('traceresponse')).toMatch(new RegExp(`^00-${caller.traceId}-[0-9a-f]{16}-01$`));

    const [record] = await recordsOf(stack().services, venue.waitlistId, party.id);
    if (record === undefined) throw new Error('notify wrote no record');
    const delivered = await eventually(
      () => recordOf(stack().services, venue.waitlistId, record.id),
      (r) => r.status === 'delivered',
      30_000,
    );
    expect(delivered).toMatchObject({ status: 'delivered', attempts: 3 });
    expect(await waitForQueueIdle(stack())).toBe(true);
    const spans = await eventually(
      () => stack().traces.spans(caller.traceId),
      (found) => named(found, 'delivery report').length > 0,
    );

    const [http, ...moreHttp] = spans.filter((span) => span.kind === SpanKind.SERVER);
    expect(moreHttp).toEqual([]);
    expect(http?.name).toBe('POST /v1/restaurants/{restaurantId}/waitlists/{waitlistId}/waitees/{waiteeId}/notify');
    expect(http?.attributes['http.response.status_code']).toBe(200);
    if (http === undefined) return;
    expect(parentOf(http)).toBe(caller.spanId);

    const deliveries = named(spans, 'deliver text').sort(
      (a, b) =>
        Number(a.attributes['messaging.servicebus.message.delivery_count']) -
        Number(b.attributes['messaging.servicebus.message.delivery_count']),
    );
    expect(
      deliveries.map((d) => [d.kind, parentOf(d), d.attributes['messaging.servicebus.message.delivery_count'], d.status.code]),
    ).toEqual([
      [SpanKind.CONSUMER, idOf(http), 1, SpanStatusCode.ERROR],
      [SpanKind.CONSUMER, idOf(http), 2, SpanStatusCode.ERROR],
      [SpanKind.CONSUMER, idOf(http), 3, SpanStatusCode.UNSET],
    ]);

    const acsCalls = named(spans, 'ACS send SMS');
    expect(acsCalls.map((call) => call.kind)).toEqual([SpanKind.CLIENT, SpanKind.CLIENT, SpanKind.CLIENT]);
    // One ACS call under each delivery; the two throttled ones say why they failed.
    expect(deliveries.map((d) => acsCalls.filter((call) => parentOf(call) === idOf(d)).map((call) => call.status.code))).toEqual([
      [SpanStatusCode.ERROR],
      [SpanStatusCode.ERROR],
      [SpanStatusCode.UNSET],
    ]);
    expect(acsCalls.filter((call) => call.events.some((e) => e.name === 'exception'))).toHaveLength(2);

    const [report, ...moreReports] = named(spans, 'delivery report');
    expect(moreReports).toEqual([]);
    expect(report?.kind).toBe(SpanKind.CONSUMER);
    expect(report === undefined ? undefined : parentOf(report)).toBe(idOf(http));
    expect(report?.attributes['waitlist.notification.id']).toBe(record.id);

    // Every span of the trace is one of these: nothing hangs elsewhere.
    const ids = new Set(spans.map(idOf));
    expect(spans.filter((span) => span !== http && !ids.has(parentOf(span) ?? ''))).toEqual([]);
  }, 60_000);
});

describe('an incoming traceparent', () => {
  it('is continued: the HTTP span is in the caller trace, a child of the caller span, and the answer says so', async () => {
    const caller = callerContext();
    const answer = await venue.owner.api.get(venue.waitlistPath, { traceparent: caller.traceparent });
    expect(answer.status).toBe(200);
    const [span, ...others] = stack().traces.spans(caller.traceId);
    expect(others).toEqual([]);
    expect(span?.name).toBe('GET /v1/restaurants/{restaurantId}/waitlists/{waitlistId}');
    expect(span?.parentSpanContext?.spanId).toBe(caller.spanId);
    expect(answer.headers.get('traceresponse')).toBe(`00-${caller.traceId}-${span?.spanContext().spanId ?? ''}-01`);
  });

  it('that is malformed starts a new trace instead', async () => {
    const answer = await venue.owner.api.get(venue.waitlistPath, { traceparent: '00-not-a-trace-01' });
    expect(answer.status).toBe(200);
    const [, traceId] = (answer.headers.get('traceresponse') ?? '').split('-');
    expect(traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(stack().traces.spans(traceId ?? '')[0]?.parentSpanContext).toBeUndefined();
  });

  it('a 5xx answer marks the span as an error with the exception recorded', async () => {
    const caller = callerContext();
    // Every signed-in request verifies its token first: a failure there is an unexpected error, a 500.
    const services = stack().services as unknown as { accessTokens: unknown };
    const working = services.accessTokens;
    services.accessTokens = { verify: () => Promise.reject(new Error('signing keys unreachable')) };
    try {
      const answer = await venue.owner.api.get(venue.waitlistPath, { traceparent: caller.traceparent });
      expect(answer.status).toBe(500);
    } finally {
      services.accessTokens = working;
    }
    const [span] = stack().traces.spans(caller.traceId);
    expect(span?.status.code).toBe(SpanStatusCode.ERROR);
    expect(span?.attributes['http.response.status_code']).toBe(500);
    expect(span?.events.map((e) => [e.name, e.attributes?.['exception.message']])).toEqual([['exception', 'signing keys unreachable']]);
  });
});

describe('the local trace and text endpoints', () => {
  it('list recent traces newest first, show one trace span by span, and list texts with their trace', async () => {
    const caller = callerContext();
    const party = await addParty(venue, { name: 'Listed', phone: nextPhone() });
    await venue.owner.api.post(`${venue.waitlistPath}/waitees/${party.id}/notify`, undefined, { traceparent: caller.traceparent });
    const [record] = await recordsOf(stack().services, venue.waitlistId, party.id);
    if (record === undefined) throw new Error('notify wrote no record');
    await eventually(
      () => recordOf(stack().services, venue.waitlistId, record.id),
      (r) => r.status === 'delivered',
      20_000,
    );
    await eventually(
      () => stack().traces.spans(caller.traceId),
      (spans) => named(spans, 'delivery report').length > 0,
    );

    const list = (await (await fetch(`${origin()}/api/dev/traces`)).json()) as { items: TraceSummary[] };
    const listed = list.items.find((t) => t.traceId === caller.traceId);
    expect(listed).toMatchObject({
      rootSpanName: `POST /v1/restaurants/{restaurantId}/waitlists/{waitlistId}/waitees/{waiteeId}/notify`,
      spanCount: 4,
      status: 'ok',
    });
    const starts = list.items.map((t) => t.startedAt);
    expect(starts).toEqual([...starts].sort().reverse());

    const detail = (await (await fetch(`${origin()}/api/dev/traces/${caller.traceId}`)).json()) as TraceDetail;
    const byName = new Map(detail.spans.map((s: SpanView) => [s.name, s]));
    const http = byName.get(listed?.rootSpanName ?? '');
    expect(http).toMatchObject({ kind: 'server', parentSpanId: caller.spanId, startOffsetMs: 0 });
    expect(byName.get('deliver text')).toMatchObject({ kind: 'consumer', parentSpanId: http?.spanId });
    expect(byName.get('ACS send SMS')).toMatchObject({ kind: 'client', parentSpanId: byName.get('deliver text')?.spanId });
    expect(byName.get('delivery report')?.startOffsetMs).toBeGreaterThan(0);

    const missing = await fetch(`${origin()}/api/dev/traces/${'0'.repeat(32)}`);
    expect(missing.status).toBe(404);
    expect(missing.headers.get('content-type')).toContain('application/problem+json');

    const texts = (await (await fetch(`${origin()}/api/dev/texts`)).json()) as {
      items: { notificationId: string; traceId: string | null; to: string }[];
    };
    const text = texts.items.find((t) => t.notificationId === record.id);
    expect(text).toMatchObject({ traceId: caller.traceId, status: 'delivered' });
    expect(text?.to).toBe(maskPhone(record.to));
  }, 60_000);

  it('are the local host only: no Azure function and no path of the contract serves them', () => {
    const routes = functions.filter((f): f is HttpFunction => f.kind === 'http').map((f) => f.route);
    expect(routes.filter((route) => route.startsWith('dev') || route.includes('/dev/'))).toEqual([]);
    expect(Object.keys(loadOpenApi().paths).filter((path) => path.includes('/dev/'))).toEqual([]);
  });
});
