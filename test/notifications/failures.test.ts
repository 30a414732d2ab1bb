import { randomUUID } from 'node:crypto';
import { ServiceBusClient } from '@azure/service-bus';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { notificationsQueue } from '../../local/stack.js';
import {
  act,
  addParty,
  eventually,
  memoryLog,
  phoneNumber,
  queueName,
  recordOf,
  recordsOf,
  sleep,
  smsFor,
  smsRequestCount,
  useNotificationStack,
  waitForQueueIdle,
} from '../support/notifications.js';
import { Api, newVenue, type Json, type Venue } from '../support/stack.js';

/**
 * The provider and the queue misbehaving: transient provider errors are retried until one text goes
 * out, permanent ones are recorded and never retried, and a message nobody can process ends up in
 * the dead-letter queue after the queue's max delivery count.
 */

const hostLog = memoryLog();
const stack = useNotificationStack({ lockDurationMs: 1000, timers: false, log: hostLog.log });
const api = () => new Api(stack().apiUrl);

let client: ServiceBusClient;
let venue: Venue;
let phones = 0;
const nextPhone = () => phoneNumber(2000 + phones++);

beforeAll(async () => {
  client = new ServiceBusClient(stack().serviceBus.connectionString);
  venue = await newVenue(api());
});

afterAll(async () => {
  await client.close();
});

/** Notifies a new party and returns its notification id once the consumer has settled everything. */
async function notifyNewParty(phone: string): Promise<{ waiteeId: string; notificationId: string }> {
  const party = await addParty(venue, { name: 'Flaky', phone });
  await act(venue, party.id, 'notify');
  const [record] = await recordsOf(stack().services, venue.waitlistId, party.id);
  if (record === undefined) throw new Error('notify wrote no record');
  await eventually(
    () => recordOf(stack().services, venue.waitlistId, record.id),
    (r) => r.status === 'sent' || r.status === 'failed',
    20_000,
  );
  expect(await waitForQueueIdle(stack())).toBe(true);
  return { waiteeId: party.id, notificationId: record.id };
}

const deliveryFailures = (messageId: string) => hostLog.lines.filter((l) => l.includes(`of ${messageId} failed`));

describe('the provider failing transiently', () => {
  it('twice: the SmsClient retry policy (maxRetries 2) absorbs it inside one invocation', async () => {
    const before = smsRequestCount(stack());
    stack().sms.failNext(2, 503, 0);
    const { notificationId } = await notifyNewParty(nextPhone());

    expect(smsFor(stack(), notificationId)).toHaveLength(1);
    expect(await recordOf(stack().services, venue.waitlistId, notificationId)).toMatchObject({
      status: 'sent',
      attempts: 1,
      lastError: null,
    });
    expect(
      stack()
        .sms.requests()
        .slice(before)
        .map((r) => r.status),
    ).toEqual([503, 503, 202]);
    expect(deliveryFailures(notificationId)).toHaveLength(0);
  });

  it('five times: the first invocation gives up after three requests, Service Bus redelivers, the second sends one SMS', async () => {
    const before = smsRequestCount(stack());
    stack().sms.failNext(5, 500);
    const { notificationId } = await notifyNewParty(nextPhone());

    expect(smsFor(stack(), notificationId)).toHaveLength(1);
    // attempts counts consumer invocations (deliveries), not HTTP requests.
    expect(await recordOf(stack().services, venue.waitlistId, notificationId)).toMatchObject({
      status: 'sent',
      attempts: 2,
      lastError: null,
    });
    expect(
      stack()
        .sms.requests()
        .slice(before)
        .map((r) => r.status),
    ).toEqual([500, 500, 500, 500, 500, 202]);
    expect(deliveryFailures(notificationId)).toHaveLength(1);
    expect(deliveryFailures(notificationId)[0]).toContain('HTTP 500');
  }, 30_000);

  it('throttled (429 with Retry-After) seven times: three deliveries, one SMS', async () => {
    const before = smsRequestCount(stack());
    stack().sms.failNext(7, 429, 0);
    const { notificationId } = await notifyNewParty(nextPhone());

    expect(smsFor(stack(), notificationId)).toHaveLength(1);
    expect(await recordOf(stack().services, venue.waitlistId, notificationId)).toMatchObject({
      status: 'sent',
      attempts: 3,
      lastError: null,
    });
    expect(smsRequestCount(stack()) - before).toBe(8);
    expect(deliveryFailures(notificationId)).toHaveLength(2);
  });

  it('on every request: dead-lettered after the max delivery count, never sent, the last error kept on the record', async () => {
    const perDelivery = 3; // one request and the SDK's two retries
    const before = smsRequestCount(stack());
    stack().sms.failNext(notificationsQueue.maxDeliveryCount * perDelivery, 429, 0);
    const party = await addParty(venue, { name: 'Unlucky', phone: nextPhone() });
    await act(venue, party.id, 'notify');
    const [record] = await recordsOf(stack().services, venue.waitlistId, party.id);
    if (record === undefined) throw new Error('notify wrote no record');

    const stats = await eventually(
      () => stack().serviceBus.stats(queueName()),
      (st) => st.deadLettered === 1,
      20_000,
    );
    expect(stats).toMatchObject({ active: 0, deadLettered: 1 });
    expect(smsRequestCount(stack()) - before).toBe(notificationsQueue.maxDeliveryCount * perDelivery);
    expect(smsFor(stack(), record.id)).toHaveLength(0);
    expect(deliveryFailures(record.id)).toHaveLength(notificationsQueue.maxDeliveryCount);

    const receiver = client.createReceiver(queueName(), { subQueueType: 'deadLetter' });
    const [dead] = await receiver.receiveMessages(1, { maxWaitTimeInMs: 3000 });
    expect(dead?.messageId).toBe(record.id);
    expect(dead?.deadLetterReason).toBe('MaxDeliveryCountExceeded');
    if (dead !== undefined) await receiver.completeMessage(dead);
    await receiver.close();

    const stored = await recordOf(stack().services, venue.waitlistId, record.id);
    expect(stored.attempts).toBe(notificationsQueue.maxDeliveryCount);
    expect(stored.lastError).toContain('HTTP 429');
    expect(stored.sentAt).toBeNull();
    // The last delivery marks the record failed, so staff see that the product gave up and why.
    expect(stored.status).toBe('failed');
    expect(stored.lastError).toContain(`gave up after ${notificationsQueue.maxDeliveryCount} deliveries`);
    expect(stored.failedAt).not.toBeNull();
  });
});

describe('the provider refusing the recipient', () => {
  for (const kind of ['invalid-number', 'opted-out'] as const) {
    it(`(${kind}): recorded failed with the reason, not retried, no SMS`, async () => {
      const phone = nextPhone();
      stack().sms.failPermanently(phone, kind);
      const before = smsRequestCount(stack());
      const { waiteeId, notificationId } = await notifyNewParty(phone);

      const record = await recordOf(stack().services, venue.waitlistId, notificationId);
      expect(record).toMatchObject({ status: 'failed', attempts: 1, sentAt: null, providerMessageId: null });
      expect(record.failedAt).not.toBeNull();
      expect(record.lastError).toMatch(kind === 'opted-out' ? /^400 Sender blocked/ : /^400 Invalid To phone number/);
      expect(smsFor(stack(), notificationId)).toHaveLength(0);
      expect(
        stack()
          .sms.outbox()
          .filter((m) => m.to === phone),
      ).toHaveLength(0);
      expect(smsRequestCount(stack()) - before).toBe(1);

      // Another delivery of the same notification is acknowledged without asking the provider again.
      const sender = client.createSender(queueName());
      await sender.sendMessages({
        messageId: randomUUID(),
        body: Buffer.from(JSON.stringify({ notificationId, waitlistId: venue.waitlistId })),
        contentType: 'application/json',
      });
      await sender.close();
      await sleep(200);
      expect(await waitForQueueIdle(stack())).toBe(true);
      expect(smsRequestCount(stack()) - before).toBe(1);
      expect(stack().serviceBus.stats(queueName()).deadLettered).toBe(0);

      // Staff see what happened and why.
      const history = await venue.owner.api.get<{ items: Json[] }>(`${venue.waitlistPath}/waitees/${waiteeId}/notifications`);
      expect(history.body.items).toHaveLength(1);
      expect(history.body.items[0]).toMatchObject({ status: 'failed', attempts: 1, lastError: record.lastError });
    });
  }
});

describe('a long failure reason', () => {
  it("is shown to staff cut to the contract's 500 characters and kept whole in the record", async () => {
    const phone = nextPhone();
    stack().sms.failPermanently(phone, 'invalid-number');
    const { waiteeId, notificationId } = await notifyNewParty(phone);
    const stored = await stack().services.notifications.get(venue.waitlistId, notificationId);
    if (stored === null) throw new Error('notification not stored');
    const reason = `400 ${'the provider said a great deal '.repeat(40)}`;
    await stack().services.notifications.replace({ ...stored.value, lastError: reason }, stored.etag);

    const history = await venue.owner.api.get<{ items: { lastError: string }[] }>(
      `${venue.waitlistPath}/waitees/${waiteeId}/notifications`,
    );
    expect(history.status).toBe(200);
    expect(history.body.items[0]?.lastError).toBe(reason.slice(0, 500));
    expect((await recordOf(stack().services, venue.waitlistId, notificationId)).lastError).toBe(reason);
  });
});

describe('poison messages', () => {
  it('a body that is not a notification is dead-lettered after the max delivery count, and the DLQ is readable', async () => {
    const messageId = `poison-${randomUUID()}`;
    const requestsBefore = smsRequestCount(stack());
    const sender = client.createSender(queueName());
    await sender.sendMessages({ messageId, body: Buffer.from(JSON.stringify({ hello: 1 })), contentType: 'application/json' });
    await sender.close();

    const stats = await eventually(
      () => stack().serviceBus.stats(queueName()),
      (st) => st.deadLettered === 1,
      20_000,
    );
    expect(stats).toMatchObject({ active: 0, locked: 0, deadLettered: 1 });
    // Abandon redelivers at once: one failed invocation per delivery, up to the queue's maximum.
    expect(deliveryFailures(messageId)).toHaveLength(notificationsQueue.maxDeliveryCount);
    expect(deliveryFailures(messageId)[0]).toContain('is not a notification message');

    const receiver = client.createReceiver(queueName(), { subQueueType: 'deadLetter' });
    const [dead] = await receiver.receiveMessages(1, { maxWaitTimeInMs: 3000 });
    expect(dead).toBeDefined();
    if (dead === undefined) return;
    expect(dead.messageId).toBe(messageId);
    expect(dead.deadLetterReason).toBe('MaxDeliveryCountExceeded');
    expect(dead.deliveryCount).toBe(notificationsQueue.maxDeliveryCount);
    // The SDK hands JSON bytes over parsed unless told not to.
    const body: unknown = dead.body;
    expect(body instanceof Uint8Array ? (JSON.parse(Buffer.from(body).toString('utf8')) as unknown) : body).toEqual({ hello: 1 });
    await receiver.completeMessage(dead);
    await receiver.close();

    expect(stack().serviceBus.stats(queueName()).deadLettered).toBe(0);
    expect(smsRequestCount(stack())).toBe(requestsBefore);
  });

  it('a well-formed message for a notification that does not exist is completed at once, not retried', async () => {
    const messageId = randomUUID();
    const sender = client.createSender(queueName());
    await sender.sendMessages({
      messageId,
      body: Buffer.from(JSON.stringify({ notificationId: messageId, waitlistId: venue.waitlistId })),
      contentType: 'application/json',
    });
    await sender.close();

    await eventually(() => hostLog.lines.some((l) => l.includes(`notification ${messageId} not found`)), Boolean);
    expect(await waitForQueueIdle(stack())).toBe(true);
    expect(deliveryFailures(messageId)).toHaveLength(0);
    expect(stack().serviceBus.stats(queueName()).deadLettered).toBe(0);
  });
});
