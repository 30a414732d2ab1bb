import { randomUUID } from 'node:crypto';
import { ServiceBusClient } from '@azure/service-bus';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consume, sweep } from '../../src/application/notifications.js';
import { startJoin } from '../../src/application/joins.js';
import { actOnWaitee } from '../../src/application/waitees.js';
import { ServiceBusNotificationQueue } from '../../src/adapters/servicebus/notification-queue.js';
import { SmsGateway } from '../../src/adapters/sms/sms-gateway.js';
import type { SmsOutcome } from '../../src/application/ports.js';
import type { Services } from '../../src/application/services.js';
import {
  act,
  addParty,
  eventually,
  memoryLog,
  phoneNumber,
  queueName,
  recordOf,
  recordsOf,
  smsFor,
  smsRequestCount,
  useNotificationStack,
  waitForQueueIdle,
  writePending,
} from '../support/notifications.js';
import { codeTextedTo, guest, joinLinkOf } from '../guest/support.js';
import { Api, newVenue, type Venue } from '../support/stack.js';

/**
 * At-least-once delivery, effects exactly once (docs/architecture.md, "At least once everywhere"): whatever Service Bus,
 * the consumer or the producer repeat, a notification reaches the provider's outbox once.
 */

// Crash injection: the host asks after every successful invocation whether the worker "dies" now.
let crashesToInject = 0;
let successfulInvocations = 0;
const crashBeforeComplete = () => {
  successfulInvocations++;
  if (crashesToInject === 0) return false;
  crashesToInject--;
  return true;
};

const lockDurationMs = 1000;
const stack = useNotificationStack({ lockDurationMs, timers: false, crashBeforeComplete });
const api = () => new Api(stack().apiUrl);
const quiet = memoryLog();

let client: ServiceBusClient;
let venue: Venue;
let phones = 0;
const nextPhone = () => phoneNumber(1000 + phones++);

beforeAll(async () => {
  client = new ServiceBusClient(stack().serviceBus.connectionString);
  venue = await newVenue(api());
});

afterAll(async () => {
  await client.close();
});

/** A message for a notification, as another producer (or a replay tool) would send it. */
const copyOf = (notificationId: string, waitlistId: string, messageId: string) => ({
  messageId,
  body: Buffer.from(JSON.stringify({ notificationId, waitlistId })),
  contentType: 'application/json',
});

async function notifiedParty(): Promise<{ waiteeId: string; notificationId: string }> {
  const party = await addParty(venue, { name: 'Grace', phone: nextPhone() });
  await act(venue, party.id, 'notify');
  const [record] = await recordsOf(stack().services, venue.waitlistId, party.id);
  if (record === undefined) throw new Error('notify wrote no record');
  return { waiteeId: party.id, notificationId: record.id };
}

async function sentRecord(notificationId: string) {
  return eventually(
    () => recordOf(stack().services, venue.waitlistId, notificationId),
    (r) => r.status === 'sent',
  );
}

describe('the same message delivered more than once', () => {
  it('a copy of an already consumed message (another messageId) is completed without a second SMS', async () => {
    const { notificationId } = await notifiedParty();
    expect((await sentRecord(notificationId)).status).toBe('sent');
    expect(await waitForQueueIdle(stack())).toBe(true);
    const invocationsBefore = successfulInvocations;
    const requestsBefore = smsRequestCount(stack());

    const sender = client.createSender(queueName());
    await sender.sendMessages(copyOf(notificationId, venue.waitlistId, randomUUID()));
    // The same messageId again is dropped by duplicate detection before any consumer sees it.
    await sender.sendMessages(copyOf(notificationId, venue.waitlistId, notificationId));
    await sender.close();

    await eventually(
      () => successfulInvocations,
      (n) => n > invocationsBefore,
    );
    expect(await waitForQueueIdle(stack())).toBe(true);
    expect(successfulInvocations - invocationsBefore).toBe(1);
    expect(smsFor(stack(), notificationId)).toHaveLength(1);
    expect(smsRequestCount(stack())).toBe(requestsBefore);
    const record = await recordOf(stack().services, venue.waitlistId, notificationId);
    expect(record).toMatchObject({ status: 'sent', attempts: 1 });
    expect(record.providerMessageId).toBe(smsFor(stack(), notificationId)[0]?.messageId);
  });

  it('copies delivered at the same time to competing consumers send one SMS per notification', async () => {
    const s = stack().services;
    const parties = await Promise.all(Array.from({ length: 10 }, (_, i) => addParty(venue, { name: `Twin ${i}`, phone: nextPhone() })));
    const records = await Promise.all(parties.map((p) => writePending(s, venue.waitlistId, p.id)));

    // Three deliveries of each record in one batch: the host runs up to 16 invocations at once.
    const sender = client.createSender(queueName());
    const batch = await sender.createMessageBatch();
    for (const record of records) {
      for (let copy = 0; copy < 3; copy++) {
        expect(batch.tryAddMessage(copyOf(record.id, venue.waitlistId, `${record.id}:${copy}`))).toBe(true);
      }
    }
    await sender.sendMessages(batch);
    await sender.close();

    expect(await waitForQueueIdle(stack())).toBe(true);
    for (const record of records) {
      expect(smsFor(stack(), record.id), record.id).toHaveLength(1);
      const stored = await recordOf(s, venue.waitlistId, record.id);
      expect(stored.status).toBe('sent');
      expect(stored.providerMessageId).toBe(smsFor(stack(), record.id)[0]?.messageId);
    }
    expect(stack().serviceBus.stats(queueName()).deadLettered).toBe(0);
  });
});

describe('the consumer crashing', () => {
  it('after sending but before completing: the message comes back when its lock expires and is completed without a second SMS', async () => {
    const invocationsBefore = successfulInvocations;
    crashesToInject = 1;
    const started = Date.now();
    const { notificationId } = await notifiedParty();
    expect((await sentRecord(notificationId)).status).toBe('sent');

    // First invocation (crashed, not completed), then the redelivery after the lock ran out.
    const invocations = await eventually(
      () => successfulInvocations - invocationsBefore,
      (n) => n >= 2,
      20_000,
    );
    const redeliveredAfterMs = Date.now() - started;
    expect(invocations).toBe(2);
    expect(crashesToInject).toBe(0);
    expect(redeliveredAfterMs).toBeGreaterThanOrEqual(lockDurationMs - 100);
    expect(await waitForQueueIdle(stack())).toBe(true);

    expect(smsFor(stack(), notificationId)).toHaveLength(1);
    expect(await recordOf(stack().services, venue.waitlistId, notificationId)).toMatchObject({ status: 'sent', attempts: 1 });
  });

  it('between the provider accepting the text and the record being marked sent: the retry is dropped by ACS repeatability', async () => {
    const s = stack().services;
    const party = await addParty(venue, { name: 'Crash', phone: nextPhone() });
    const record = await writePending(s, venue.waitlistId, party.id);
    const requestsBefore = smsRequestCount(stack());

    /** The real gateway (real SmsClient, real HTTP), but the worker dies as soon as the send returns. */
    class DyingGateway extends SmsGateway {
      override async send(input: Parameters<SmsGateway['send']>[0]): Promise<SmsOutcome> {
        await super.send(input);
        throw new Error('worker died after the provider accepted the text');
      }
    }
    const dying: Services = { ...s, sms: () => new DyingGateway(s.config.sms, undefined) };
    await expect(consume(dying, { notificationId: record.id, waitlistId: venue.waitlistId }, quiet.log)).rejects.toThrow('worker died');

    const afterCrash = await recordOf(s, venue.waitlistId, record.id);
    expect(afterCrash).toMatchObject({ status: 'sending', attempts: 1, sentAt: null, providerMessageId: null });
    expect(smsFor(stack(), record.id)).toHaveLength(1);
    const first = smsFor(stack(), record.id)[0];

    // The message is still on the queue in real life; here it is handed over again and the host consumes it.
    await s.notificationQueue().send([{ notificationId: record.id, waitlistId: venue.waitlistId }]);
    const final = await sentRecord(record.id);
    expect(await waitForQueueIdle(stack())).toBe(true);

    expect(smsFor(stack(), record.id)).toHaveLength(1);
    expect(final).toMatchObject({ status: 'sent', attempts: 2, lastError: null });
    // ACS answered the resend with the first send's result, so the record carries the text that went out.
    expect(final.providerMessageId).toBe(first?.messageId);
    expect(final.sendingSince).toBe(afterCrash.sendingSince);
    expect(smsRequestCount(stack()) - requestsBefore).toBe(2);
  });
});

describe('producer sweeps', () => {
  it('two sweeps overlapping over the same pending records send one SMS each', async () => {
    const s = stack().services;
    const parties = await Promise.all(Array.from({ length: 8 }, (_, i) => addParty(venue, { name: `Swept ${i}`, phone: nextPhone() })));
    const records = await Promise.all(parties.map((p) => writePending(s, venue.waitlistId, p.id)));

    // Neither sweep may send until both have read the records as pending: the worst overlap.
    const queue = new ServiceBusNotificationQueue(s.config.serviceBus, undefined);
    const send = queue.send.bind(queue);
    let sending = 0;
    let releaseBoth: () => void = () => undefined;
    const bothRead = new Promise<void>((resolve) => {
      releaseBoth = resolve;
    });
    queue.send = async (messages) => {
      if (++sending === 2) releaseBoth();
      await bothRead;
      await send(messages);
    };
    const overlapping: Services = { ...s, notificationQueue: () => queue };
    try {
      const results = await Promise.all([sweep(overlapping, quiet.log), sweep(overlapping, quiet.log)]);
      // Both sweeps enqueued every record; duplicate detection kept one message each.
      expect(results.map((r) => r.enqueued)).toEqual([records.length, records.length]);
    } finally {
      await queue.close();
    }

    expect(await waitForQueueIdle(stack())).toBe(true);
    for (const record of records) {
      expect(smsFor(stack(), record.id), record.id).toHaveLength(1);
      expect(await recordOf(s, venue.waitlistId, record.id)).toMatchObject({ status: 'sent', attempts: 1 });
    }
    // Nothing left for a later sweep.
    expect((await sweep(s, quiet.log)).enqueued).toBe(0);
  });

  it('a notify whose immediate enqueue fails leaves the record pending; overlapping sweeps send it once', async () => {
    const s = stack().services;
    const party = await addParty(venue, { name: 'Outbox', phone: nextPhone() });
    // The queue is unreachable for this request (a wrong queue name): the outbox record must survive it.
    const brokenQueue = new ServiceBusNotificationQueue({ ...s.config.serviceBus, queue: 'no-such-queue' }, undefined);
    const broken: Services = { ...s, notificationQueue: () => brokenQueue };
    const log = memoryLog();
    try {
      await actOnWaitee(
        broken,
        { userId: venue.owner.id },
        { restaurantId: venue.restaurantId, waitlistId: venue.waitlistId, waiteeId: party.id },
        'notify',
        undefined,
        log.log,
      );
    } finally {
      await brokenQueue.close();
    }
    expect(log.lines.some((l) => l.startsWith('enqueue deferred to the producer sweep'))).toBe(true);
    const [pending] = await recordsOf(s, venue.waitlistId, party.id);
    expect(pending).toMatchObject({ status: 'pending', kind: 'table-ready' });
    if (pending === undefined) return;
    expect(smsFor(stack(), pending.id)).toHaveLength(0);

    await Promise.all([sweep(s, quiet.log), sweep(s, quiet.log), sweep(s, quiet.log)]);
    expect((await sentRecord(pending.id)).status).toBe('sent');
    expect(await waitForQueueIdle(stack())).toBe(true);
    expect(smsFor(stack(), pending.id)).toHaveLength(1);
  });

  it('a join whose code text cannot be enqueued at once gets the code from the next sweep', async () => {
    const s = stack().services;
    const phone = nextPhone();
    const brokenQueue = new ServiceBusNotificationQueue({ ...s.config.serviceBus, queue: 'no-such-queue' }, undefined);
    const log = memoryLog();
    try {
      const started = await startJoin(
        { ...s, notificationQueue: () => brokenQueue },
        null,
        await joinLinkOf(venue),
        guest(phone),
        '203.0.113.7',
        log.log,
      );
      expect(started.kind).toBe('code-sent');
    } finally {
      await brokenQueue.close();
    }
    expect(log.lines.some((l) => l.startsWith('enqueue deferred to the producer sweep'))).toBe(true);
    expect(
      stack()
        .sms.outbox()
        .filter((m) => m.to === phone),
    ).toHaveLength(0);

    expect((await sweep(s, quiet.log)).enqueued).toBe(1);
    expect(await codeTextedTo(stack(), phone)).toMatch(/^\d{6}$/);
    expect(await waitForQueueIdle(stack())).toBe(true);
    expect(
      stack()
        .sms.outbox()
        .filter((m) => m.to === phone),
    ).toHaveLength(1);
  });
});
