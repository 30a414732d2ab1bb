import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { SmsGateway } from '../../src/adapters/sms/sms-gateway.js';
import type { SmsOutcome } from '../../src/application/ports.js';
import { consume } from '../../src/application/notifications.js';
import { smsTagOf, type Notification } from '../../src/domain/notification.js';
import { diffSnapshots, snapshotDatabase } from '../support/db-snapshot.js';
import {
  act,
  addParty,
  eventually,
  memoryLog,
  messageOfLine,
  phoneNumber,
  recordOf,
  recordsOf,
  smsFor,
  useNotificationStack,
  writePending,
} from '../support/notifications.js';
import { loadOpenApi, OpenApiContract } from '../support/openapi.js';
import { expectProblem } from '../support/problems.js';
import { Api, newVenue, type Json, type Venue } from '../support/stack.js';

/**
 * Staff see whether each text reached the handset. Everything runs through the real SDKs and the
 * local emulators: the SMS emulator reports on each text it accepts, POSTing the ACS event to the
 * local host's Event Grid webhook, which runs the sms-delivery-report function.
 */

const hostLog = memoryLog();
const stack = useNotificationStack({ timers: false, deliveryReportDelayMs: 20, log: hostLog.log });
const api = () => new Api(stack().apiUrl);
const host = () => new Api(stack().baseUrl);
const contract = new OpenApiContract(loadOpenApi());
const quiet = memoryLog();

let venue: Venue;
let phones = 0;
const nextPhone = () => phoneNumber(8000 + phones++);

beforeAll(async () => {
  venue = await newVenue(api());
});

const webhookPath = (functionName = 'sms-delivery-report') =>
  `/runtime/webhooks/eventgrid?functionName=${encodeURIComponent(functionName)}`;

function postToWebhook(body: unknown, options: { eventType?: string | null; functionName?: string; method?: string } = {}) {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (options.eventType !== null) headers['aeg-event-type'] = options.eventType ?? 'Notification';
  return host().request(options.method ?? 'POST', webhookPath(options.functionName), {
    rawBody: typeof body === 'string' ? body : JSON.stringify(body),
    headers,
  });
}

/** An event as Event Grid delivers it, around `data`. */
const eventGridEvent = (data: Record<string, unknown>, eventType = 'Microsoft.Communication.SMSDeliveryReportReceived') => ({
  id: randomUUID(),
  topic:
    '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/test/providers/Microsoft.Communication/CommunicationServices/acs-test',
  subject: '/phonenumber/18005550100',
  eventType,
  eventTime: new Date().toISOString(),
  data,
  dataVersion: '1.0',
  metadataVersion: '1',
});

/** The party's notifications as staff see them, once `accept` holds; checked against openapi.json. */
async function staffView(waiteeId: string, accept: (item: Json | undefined) => boolean): Promise<Json> {
  const path = `${venue.waitlistPath}/waitees/${waiteeId}/notifications`;
  const response = await eventually(
    () => venue.owner.api.get<{ items: Json[] }>(path),
    (r) => accept(r.body.items[0]),
  );
  contract.assertResponse('GET', path, response);
  expect(response.body.items).toHaveLength(1);
  return response.body.items[0] ?? {};
}

/** Every report the emulator published has been answered, so nothing writes in the background. */
async function reportsSettled(): Promise<void> {
  const sms = stack().sms;
  const expected = () => sms.outbox().filter((m) => m.enableDeliveryReport).length;
  await eventually(
    () => sms.deliveryReports().length,
    (n) => n === expected(),
  );
  expect(sms.deliveryReports().length).toBe(expected());
}

describe('delivery status, end to end', () => {
  it('notify → SMS accepted → delivery report → staff see delivered, with when', async () => {
    const phone = nextPhone();
    const party = await addParty(venue, { name: 'Ada', phone });
    await act(venue, party.id, 'notify');

    const item = await staffView(party.id, (i) => i?.status === 'delivered' && i.sentAt !== null);
    const [text] = stack()
      .sms.outbox()
      .filter((m) => m.to === phone);
    expect(item).toMatchObject({
      kind: 'table-ready',
      status: 'delivered',
      to: phone,
      attempts: 1,
      providerMessageId: text?.messageId,
      lastError: null,
      failedAt: null,
    });
    expect(Date.parse(String(item.deliveredAt))).toBeGreaterThanOrEqual(Date.parse(text?.receivedAt ?? ''));
    // The webhook answers once the text's outcome is also counted in the analytics, a moment after staff can see it.
    const report = await eventually(
      () =>
        stack()
          .sms.deliveryReports()
          .find((r) => r.event.data.MessageId === text?.messageId),
      (found) => found?.status !== undefined,
    );
    expect(report?.status).toBe(202);
    expect(report?.event.data.Tag).toBe(`${venue.waitlistId}/${String(item.id)}`);
  });

  it('a number the network cannot reach ends failed, with the reason the report gave', async () => {
    const phone = nextPhone();
    stack().sms.failDelivery(phone, 'Handset switched off.');
    const party = await addParty(venue, { name: 'Grace', phone });
    await act(venue, party.id, 'notify');

    const item = await staffView(party.id, (i) => i?.status === 'failed' && i.sentAt !== null);
    expect(item).toMatchObject({ status: 'failed', lastError: 'Handset switched off.', deliveredAt: null, attempts: 1 });
    expect(item.failedAt).not.toBeNull();
    expect(smsFor(stack(), String(item.id))).toHaveLength(1);
  });

  it('the same report delivered twice changes the record once', async () => {
    const s = stack().services;
    const party = await addParty(venue, { name: 'Twice', phone: nextPhone() });
    await act(venue, party.id, 'notify');
    await staffView(party.id, (i) => i?.status === 'delivered' && i.sentAt !== null);
    const [record] = await recordsOf(s, venue.waitlistId, party.id);
    if (record === undefined) throw new Error('no record');
    const before = await s.notifications.get(venue.waitlistId, record.id);
    // The emulator lists a report once the webhook has answered it, which can be a moment after staff see it delivered.
    const published = await eventually(
      () =>
        stack()
          .sms.deliveryReports()
          .find((r) => r.event.data.MessageId === record.providerMessageId),
      (r) => r !== undefined,
    );
    if (published === undefined) throw new Error('no report published');

    const again = await Promise.all([postToWebhook([published.event]), postToWebhook(published.event)]);
    expect(again.map((r) => r.status)).toEqual([202, 202]);
    expect(await s.notifications.get(venue.waitlistId, record.id)).toEqual(before);
  });

  it('a report that reaches the webhook before the consumer records the send still ends delivered, and nothing is sent twice', async () => {
    const s = stack().services;
    /** The real gateway, but the consumer hears back from ACS only after the report went through the webhook. */
    class SlowToHearBack extends SmsGateway {
      override async send(input: Parameters<SmsGateway['send']>[0]): Promise<SmsOutcome> {
        const outcome = await super.send(input);
        const reported = await eventually(
          () => recordOf(s, venue.waitlistId, input.notificationId),
          (r) => r.status === 'delivered',
          5000,
        );
        expect(reported).toMatchObject({ status: 'delivered', sentAt: null });
        return outcome;
      }
    }
    const party = await addParty(venue, { name: 'Early', phone: nextPhone() });
    const pending = await writePending(s, venue.waitlistId, party.id);
    const slow = { ...s, sms: () => new SlowToHearBack(s.config.sms, undefined) };

    expect(await consume(slow, { notificationId: pending.id, waitlistId: venue.waitlistId }, quiet.log)).toBe('sent');
    const [text] = smsFor(stack(), pending.id);
    const final = await recordOf(s, venue.waitlistId, pending.id);
    expect(final).toMatchObject({ status: 'delivered', attempts: 1, providerMessageId: text?.messageId, lastError: null });
    expect(final.sentAt).not.toBeNull();
    expect(final.deliveredAt).not.toBeNull();

    // Service Bus hands the message over again: the consumer sees the outcome and sends nothing.
    expect(await consume(s, { notificationId: pending.id, waitlistId: venue.waitlistId }, quiet.log)).toBe('already-done');
    expect(smsFor(stack(), pending.id)).toHaveLength(1);
  });

  it('reads the data in the camelCase the Event Grid schema reference shows, too', async () => {
    const s = stack().services;
    const party = await addParty(venue, { name: 'Camel', phone: nextPhone() });
    const pending = await writePending(s, venue.waitlistId, party.id);
    // Handed to the provider, as a text must be before any report about it can be genuine.
    const stored = await s.notifications.get(venue.waitlistId, pending.id);
    if (stored === null) throw new Error('pending record not stored');
    await s.notifications.replace({ ...stored.value, status: 'sending', sendingSince: new Date().toISOString() }, stored.etag);
    const data = {
      messageId: 'Outgoing_20300101120000camel',
      from: '18005550100',
      to: pending.to,
      deliveryStatus: 'Failed',
      deliveryStatusDetails: 'Blocked by the carrier.',
      receivedTimestamp: '2030-01-01T12:00:20.2855749Z',
      deliveryAttempts: [{ timestamp: '2030-01-01T12:00:14.9315918Z', segmentsSucceeded: 0, segmentsFailed: 1 }],
      Tag: smsTagOf(pending),
    };

    expect((await postToWebhook([eventGridEvent(data)])).status).toBe(202);
    expect(await recordOf(s, venue.waitlistId, pending.id)).toMatchObject({
      status: 'failed',
      lastError: 'Blocked by the carrier.',
      failedAt: '2030-01-01T12:00:20.285Z',
      providerMessageId: data.messageId,
    });
  });
});

describe('reports the function cannot use', () => {
  it('are acknowledged with 202 and change nothing', async () => {
    const s = stack().services;
    const party = await addParty(venue, { name: 'Untouched', phone: nextPhone() });
    const pending: Notification = await writePending(s, venue.waitlistId, party.id);
    await reportsSettled();
    const before = await snapshotDatabase(s);
    const linesBefore = hostLog.lines.length;
    const report = {
      MessageId: 'Outgoing_x',
      From: '+18005550100',
      To: pending.to,
      DeliveryStatus: 'Delivered',
      DeliveryStatusDetails: 'No error.',
      ReceivedTimestamp: new Date().toISOString(),
      DeliveryAttempts: [],
    };

    const answer = await postToWebhook([
      eventGridEvent({ ...report, Tag: 'garbled' }),
      eventGridEvent(report),
      eventGridEvent({ ...report, Tag: `${venue.waitlistId}/${randomUUID()}` }),
      eventGridEvent({ ...report, Tag: `${randomUUID()}/${pending.id}` }),
      eventGridEvent({ MessageId: 'Outgoing_x', Tag: smsTagOf(pending) }),
      eventGridEvent({ ...report, Tag: smsTagOf(pending) }, 'Microsoft.Communication.SMSReceived'),
    ]);

    expect(answer.status).toBe(202);
    expect(diffSnapshots(before, await snapshotDatabase(s))).toEqual({ added: [], removed: [], changed: [] });
    const logged = hostLog.lines.slice(linesBefore).map(messageOfLine).join('\n');
    expect(logged).toContain('tag "garbled" is not one this app sends');
    expect(logged).toContain('tag null is not one this app sends');
    expect(logged.match(/does not exist/g)).toHaveLength(2);
    expect(logged).toMatch(/ignored, malformed:[\s\S]*deliveryStatus/);
    expect(logged).toContain('Microsoft.Communication.SMSReceived is not Microsoft.Communication.SMSDeliveryReportReceived');
  });
});

describe('the local host’s Event Grid webhook', () => {
  it('answers the subscription validation handshake', async () => {
    const code = randomUUID();
    const answer = await postToWebhook(
      [{ ...eventGridEvent({ validationCode: code }, 'Microsoft.EventGrid.SubscriptionValidationEvent') }],
      { eventType: 'SubscriptionValidation' },
    );
    expect(answer).toMatchObject({ status: 200, body: { validationResponse: code } });
  });

  it('refuses what Event Grid never sends with a 4xx problem', async () => {
    const valid = [eventGridEvent({ MessageId: 'Outgoing_x', DeliveryStatus: 'Delivered' })];
    expectProblem(await postToWebhook('{"not json', {}), 400, 'malformed-body');
    expectProblem(await postToWebhook([{ id: 'x', data: {} }]), 400, 'validation-failed');
    expectProblem(await postToWebhook([]), 400, 'validation-failed');
    expectProblem(await postToWebhook([{ ...valid[0], eventTime: 'yesterday' }]), 400, 'validation-failed');
    expectProblem(await postToWebhook(valid, { eventType: null }), 400, 'validation-failed');
    expectProblem(await postToWebhook(valid, { eventType: 'Surprise' }), 400, 'validation-failed');
    expectProblem(await postToWebhook([{ data: {} }], { eventType: 'SubscriptionValidation' }), 400, 'validation-failed');
    expectProblem(await postToWebhook(valid, { functionName: 'no-such-function' }), 404, 'not-found');
    expectProblem(await postToWebhook(valid, { functionName: '' }), 404, 'not-found');
    const get = await postToWebhook(valid, { method: 'PUT' });
    expectProblem(get, 405, 'method-not-allowed');
    expect(get.headers.get('allow')).toBe('POST');
  });
});
