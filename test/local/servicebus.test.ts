import { isServiceBusError, ServiceBusClient } from '@azure/service-bus';
import type { ServiceBusReceivedMessage, ServiceBusReceiver } from '@azure/service-bus';
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServiceBusEmulator } from '../../local/servicebus/index.js';
import type { QueueOptions, ServiceBusEmulator } from '../../local/servicebus/index.js';

// Each test owns a queue, so tests share one emulator and one client without seeing each other.
const queues = {
  basic: 'basic',
  props: 'props',
  abandon: 'abandon',
  deadLetter: 'dead-letter',
  expiry: 'lock-expiry',
  maxDelivery: 'max-delivery',
  renew: 'renew',
  receiveAndDelete: 'receive-and-delete',
  peek: 'peek',
  subscribe: 'subscribe',
  batch: 'batch',
  defer: 'defer',
  drain: 'drain',
  disconnect: 'disconnect',
  ttl: 'ttl',
  poison: 'poison',
  garbage: 'garbage',
} as const;

const settings: Partial<Record<string, Omit<QueueOptions, 'name'>>> = {
  [queues.expiry]: { lockDurationMs: 800 },
  [queues.maxDelivery]: { maxDeliveryCount: 3 },
  [queues.renew]: { lockDurationMs: 1000 },
  [queues.disconnect]: { lockDurationMs: 1000 },
  [queues.ttl]: { defaultTtlMs: 300, deadLetterOnExpiration: true },
  [queues.poison]: { maxDeliveryCount: 3 },
};

let emulator: ServiceBusEmulator;
let client: ServiceBusClient;
const log: string[] = [];

beforeAll(async () => {
  emulator = await startServiceBusEmulator({
    port: 0,
    log: (line) => log.push(line),
    queues: Object.values(queues).map((name) => ({ name, ...settings[name] })),
  });
  client = new ServiceBusClient(emulator.connectionString);
});

afterAll(async () => {
  await client.close();
  await emulator.close();
});

async function receiveOne(receiver: ServiceBusReceiver, maxWaitTimeInMs = 3000): Promise<ServiceBusReceivedMessage> {
  const [message] = await receiver.receiveMessages(1, { maxWaitTimeInMs });
  if (!message) throw new Error('no message received');
  return message;
}

async function errorCodeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    return isServiceBusError(error) ? error.code : String(error);
  }
  return 'no error';
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('Service Bus emulator through @azure/service-bus', () => {
  it('sends, receives in peek-lock and completes', async () => {
    const sender = client.createSender(queues.basic);
    const receiver = client.createReceiver(queues.basic);
    const before = Date.now();
    await sender.sendMessages({ body: { hello: 'world' }, messageId: 'basic-1' });

    const message = await receiveOne(receiver);
    expect(message.body).toEqual({ hello: 'world' });
    expect(message.messageId).toBe('basic-1');
    expect(message.deliveryCount).toBe(0);
    expect(message.sequenceNumber?.toNumber()).toBe(1);
    expect(message.lockToken).toMatch(/^[0-9a-f-]{36}$/);
    expect(message.enqueuedTimeUtc?.getTime()).toBeGreaterThanOrEqual(before - 5);
    expect(message.lockedUntilUtc?.getTime()).toBeGreaterThan(Date.now() + 50_000);
    expect(emulator.stats(queues.basic)).toMatchObject({ active: 1, locked: 1 });

    await receiver.completeMessage(message);
    expect(emulator.stats(queues.basic)).toEqual({ active: 0, locked: 0, scheduled: 0, deferred: 0, deadLettered: 0 });
    expect(await receiver.receiveMessages(1, { maxWaitTimeInMs: 100 })).toHaveLength(0);
    await receiver.close();
    await sender.close();
  });

  it('round-trips body, system and application properties', async () => {
    const sender = client.createSender(queues.props);
    const receiver = client.createReceiver(queues.props);
    const sentAt = new Date('2025-01-02T03:04:05.678Z');
    await sender.sendMessages([
      {
        body: { nested: { list: [1, 'two', true] } },
        messageId: 'props-1',
        contentType: 'application/json',
        subject: 'waitee.notify',
        correlationId: 'corr-1',
        to: 'sms',
        replyTo: 'replies',
        timeToLive: 120_000,
        applicationProperties: { text: 'x', count: 42, negative: -7, ratio: 2.5, flag: false, at: sentAt },
      },
      { body: 'plain text', messageId: 'props-2' },
      { body: Buffer.from([0, 1, 2, 255]), messageId: 'props-3' },
    ]);

    const [json, text, bytes] = await receiver.receiveMessages(3, { maxWaitTimeInMs: 3000 });
    expect(json?.body).toEqual({ nested: { list: [1, 'two', true] } });
    expect(json).toMatchObject({
      messageId: 'props-1',
      contentType: 'application/json',
      subject: 'waitee.notify',
      correlationId: 'corr-1',
      to: 'sms',
      replyTo: 'replies',
      timeToLive: 120_000,
    });
    // The SDK turns Dates in application properties into epoch milliseconds.
    expect(json?.applicationProperties).toEqual({ text: 'x', count: 42, negative: -7, ratio: 2.5, flag: false, at: sentAt.getTime() });
    expect((json?.expiresAtUtc?.getTime() ?? 0) - (json?.enqueuedTimeUtc?.getTime() ?? 0)).toBe(120_000);
    expect(text?.body).toBe('plain text');
    expect(bytes?.body).toEqual(Buffer.from([0, 1, 2, 255]));
    for (const message of [json, text, bytes]) if (message) await receiver.completeMessage(message);
    await receiver.close();
    await sender.close();
  });

  it('redelivers an abandoned message with deliveryCount + 1 and modified properties', async () => {
    const sender = client.createSender(queues.abandon);
    const receiver = client.createReceiver(queues.abandon);
    await sender.sendMessages({ body: 'again', messageId: 'abandon-1', applicationProperties: { attempt: 'first' } });

    const first = await receiveOne(receiver);
    await receiver.abandonMessage(first, { attempt: 'second' });
    const second = await receiveOne(receiver);
    expect(second.messageId).toBe('abandon-1');
    expect(second.deliveryCount).toBe(1);
    expect(second.sequenceNumber?.toNumber()).toBe(first.sequenceNumber?.toNumber());
    expect(second.applicationProperties).toEqual({ attempt: 'second' });
    await receiver.completeMessage(second);
    await receiver.close();
    await sender.close();
  });

  it('dead-letters with reason and description, readable from the dead-letter queue', async () => {
    const sender = client.createSender(queues.deadLetter);
    const receiver = client.createReceiver(queues.deadLetter);
    await sender.sendMessages({ body: 'poison', messageId: 'dl-1', applicationProperties: { kept: 1 } });

    const message = await receiveOne(receiver);
    await receiver.deadLetterMessage(message, { deadLetterReason: 'InvalidPhone', deadLetterErrorDescription: 'not E.164' });
    expect(emulator.stats(queues.deadLetter)).toMatchObject({ active: 0, deadLettered: 1 });

    const deadLetters = client.createReceiver(queues.deadLetter, { subQueueType: 'deadLetter' });
    const dead = await receiveOne(deadLetters);
    expect(dead.messageId).toBe('dl-1');
    expect(dead.body).toBe('poison');
    expect(dead.deadLetterReason).toBe('InvalidPhone');
    expect(dead.deadLetterErrorDescription).toBe('not E.164');
    expect(dead.applicationProperties).toEqual({ kept: 1, DeadLetterReason: 'InvalidPhone', DeadLetterErrorDescription: 'not E.164' });
    await deadLetters.completeMessage(dead);
    expect(emulator.stats(queues.deadLetter).deadLettered).toBe(0);
    await deadLetters.close();
    await receiver.close();
    await sender.close();
  });

  it('redelivers when the lock expires, and settling the stale message fails with MessageLockLost', async () => {
    const sender = client.createSender(queues.expiry);
    // The SDK renews locks by itself for 5 minutes unless told not to.
    const receiver = client.createReceiver(queues.expiry, { maxAutoLockRenewalDurationInMs: 0 });
    await sender.sendMessages({ body: 'slow', messageId: 'expiry-1' });

    const stale = await receiveOne(receiver);
    expect((stale.lockedUntilUtc?.getTime() ?? 0) - (stale.enqueuedTimeUtc?.getTime() ?? 0)).toBeLessThan(1500);
    expect(await receiver.receiveMessages(1, { maxWaitTimeInMs: 200 })).toHaveLength(0);
    const again = await receiveOne(receiver);
    expect(again.messageId).toBe('expiry-1');
    expect(again.deliveryCount).toBe(1);
    expect(await errorCodeOf(receiver.completeMessage(stale))).toBe('MessageLockLost');
    await receiver.completeMessage(again);
    await receiver.close();
    await sender.close();
  });

  it('moves a message to the dead-letter queue after maxDeliveryCount failed deliveries', async () => {
    const sender = client.createSender(queues.maxDelivery);
    const receiver = client.createReceiver(queues.maxDelivery);
    await sender.sendMessages({ body: 'never works', messageId: 'max-1' });

    for (let attempt = 0; attempt < 3; attempt++) {
      const message = await receiveOne(receiver);
      expect(message.deliveryCount).toBe(attempt);
      await receiver.abandonMessage(message);
    }
    expect(await receiver.receiveMessages(1, { maxWaitTimeInMs: 100 })).toHaveLength(0);
    const deadLetters = client.createReceiver(queues.maxDelivery, { subQueueType: 'deadLetter' });
    const dead = await receiveOne(deadLetters);
    expect(dead.messageId).toBe('max-1');
    expect(dead.deadLetterReason).toBe('MaxDeliveryCountExceeded');
    expect(dead.deadLetterErrorDescription).toBe('Message could not be consumed after 3 delivery attempts.');
    expect(dead.deliveryCount).toBe(3);
    await deadLetters.completeMessage(dead);
    await deadLetters.close();
    await receiver.close();
    await sender.close();
  });

  it('renews a message lock', async () => {
    const sender = client.createSender(queues.renew);
    const receiver = client.createReceiver(queues.renew, { maxAutoLockRenewalDurationInMs: 0 });
    await sender.sendMessages({ body: 'long job', messageId: 'renew-1' });

    const message = await receiveOne(receiver);
    const firstUntil = message.lockedUntilUtc?.getTime() ?? 0;
    await sleep(600);
    const renewed = await receiver.renewMessageLock(message);
    expect(renewed.getTime()).toBeGreaterThan(firstUntil + 500);
    await sleep(600);
    // Past the first lock's end, the message is still ours.
    await receiver.completeMessage(message);
    expect(emulator.stats(queues.renew).active).toBe(0);
    await receiver.close();
    await sender.close();
  });

  it('receives and deletes in receiveAndDelete mode', async () => {
    const sender = client.createSender(queues.receiveAndDelete);
    const receiver = client.createReceiver(queues.receiveAndDelete, { receiveMode: 'receiveAndDelete' });
    await sender.sendMessages([1, 2, 3].map((n) => ({ body: n, messageId: `rad-${n}` })));

    const messages = await receiver.receiveMessages(3, { maxWaitTimeInMs: 3000 });
    expect(messages.map((m): unknown => m.body)).toEqual([1, 2, 3]);
    expect(messages.every((m) => m.lockToken === undefined)).toBe(true);
    expect(emulator.stats(queues.receiveAndDelete).active).toBe(0);
    await receiver.close();
    await sender.close();
  });

  it('peeks without locking, from a sequence number, including locked messages', async () => {
    const sender = client.createSender(queues.peek);
    const receiver = client.createReceiver(queues.peek);
    await sender.sendMessages([1, 2, 3].map((n) => ({ body: n, messageId: `peek-${n}` })));

    const peeked = await receiver.peekMessages(10);
    expect(peeked.map((m) => m.messageId)).toEqual(['peek-1', 'peek-2', 'peek-3']);
    expect(peeked.map((m) => m.sequenceNumber?.toNumber())).toEqual([1, 2, 3]);
    expect(peeked.every((m) => m.state === 'active' && m.lockToken === undefined)).toBe(true);
    const [first, second] = peeked;
    const fromSecond = await receiver.peekMessages(10, { fromSequenceNumber: second?.sequenceNumber });
    expect(fromSecond.map((m) => m.messageId)).toEqual(['peek-2', 'peek-3']);

    const locked = await receiver.receiveMessages(3, { maxWaitTimeInMs: 3000 });
    expect(locked).toHaveLength(3);
    expect(await receiver.peekMessages(10, { fromSequenceNumber: first?.sequenceNumber })).toHaveLength(3);
    for (const message of locked) await receiver.completeMessage(message);
    expect(await receiver.peekMessages(10, { fromSequenceNumber: first?.sequenceNumber })).toHaveLength(0);
    await receiver.close();
    await sender.close();
  });

  it('streams to subscribe() with manual completion', async () => {
    const sender = client.createSender(queues.subscribe);
    const receiver = client.createReceiver(queues.subscribe);
    const ids = ['s-1', 's-2', 's-3', 's-4', 's-5'];
    await sender.sendMessages(ids.map((messageId) => ({ body: messageId, messageId })));

    const seen: string[] = [];
    const errors: unknown[] = [];
    await new Promise<void>((resolve) => {
      receiver.subscribe(
        {
          processMessage: async (message) => {
            await receiver.completeMessage(message);
            seen.push(String(message.messageId));
            if (seen.length === ids.length) resolve();
          },
          processError: async (args) => {
            errors.push(args.error);
            await Promise.resolve();
          },
        },
        { autoCompleteMessages: false, maxConcurrentCalls: 2 },
      );
    });
    expect(seen.sort()).toEqual(ids);
    expect(errors).toEqual([]);
    expect(emulator.stats(queues.subscribe).active).toBe(0);
    await receiver.close();
    await sender.close();
  });

  it('sends a message batch', async () => {
    const sender = client.createSender(queues.batch);
    const receiver = client.createReceiver(queues.batch);
    const batch = await sender.createMessageBatch();
    expect(batch.maxSizeInBytes).toBe(256 * 1024);
    for (let n = 0; n < 20; n++) expect(batch.tryAddMessage({ body: { n }, messageId: `batch-${n}`, subject: 'batched' })).toBe(true);
    await sender.sendMessages(batch);

    const messages = await receiver.receiveMessages(20, { maxWaitTimeInMs: 3000 });
    expect(messages.map((m) => (m.body as { n: number }).n)).toEqual([...Array(20).keys()]);
    expect(messages.every((m) => m.subject === 'batched')).toBe(true);
    for (const message of messages) await receiver.completeMessage(message);
    await receiver.close();
    await sender.close();
  });

  it('defers a message and settles it by sequence number through $management', async () => {
    const sender = client.createSender(queues.defer);
    const receiver = client.createReceiver(queues.defer);
    await sender.sendMessages({ body: 'later', messageId: 'defer-1' });

    const message = await receiveOne(receiver);
    await receiver.deferMessage(message);
    expect(emulator.stats(queues.defer)).toMatchObject({ active: 0, deferred: 1 });
    expect((await receiver.peekMessages(1, { fromSequenceNumber: message.sequenceNumber }))[0]?.state).toBe('deferred');
    expect(await receiver.receiveMessages(1, { maxWaitTimeInMs: 100 })).toHaveLength(0);

    if (!message.sequenceNumber) throw new Error('no sequence number');
    const [deferred] = await receiver.receiveDeferredMessages(message.sequenceNumber);
    expect(deferred?.messageId).toBe('defer-1');
    expect(deferred?.state).toBe('deferred');
    expect(deferred?.lockToken).toMatch(/^[0-9a-f-]{36}$/);
    if (deferred) await receiver.completeMessage(deferred);
    expect(emulator.stats(queues.defer).deferred).toBe(0);
    await receiver.close();
    await sender.close();
  });

  it('drains unused credit so receiveMessages returns what there is without losing the link', async () => {
    const sender = client.createSender(queues.drain);
    const receiver = client.createReceiver(queues.drain);
    await sender.sendMessages([1, 2].map((n) => ({ body: n, messageId: `drain-${n}` })));

    const detachesBefore = log.filter((line) => line.includes(`receiver on ${queues.drain} detached`)).length;
    const started = Date.now();
    // The SDK waits out maxWaitTimeInMs (at most 1 s after the first message), then drains.
    const messages = await receiver.receiveMessages(10, { maxWaitTimeInMs: 400 });
    expect(messages).toHaveLength(2);
    expect(Date.now() - started).toBeLessThan(900);
    await sender.sendMessages({ body: 3, messageId: 'drain-3' });
    const later = await receiveOne(receiver);
    expect(later.body).toBe(3);
    expect(log.filter((line) => line.includes(`receiver on ${queues.drain} detached`)).length).toBe(detachesBefore);
    for (const message of [...messages, later]) await receiver.completeMessage(message);
    await receiver.close();
    await sender.close();
  });

  it('keeps the lock of a disconnected client until it expires, then redelivers', async () => {
    const other = new ServiceBusClient(emulator.connectionString);
    await client.createSender(queues.disconnect).sendMessages({ body: 'orphan', messageId: 'orphan-1' });
    await receiveOne(other.createReceiver(queues.disconnect));
    await other.close();
    expect(emulator.stats(queues.disconnect)).toMatchObject({ active: 1, locked: 1 });

    const receiver = client.createReceiver(queues.disconnect);
    const again = await receiveOne(receiver);
    expect(again.messageId).toBe('orphan-1');
    expect(again.deliveryCount).toBe(1);
    await receiver.completeMessage(again);
    await receiver.close();
  });

  it('expires messages past their time to live into the dead-letter queue when so configured', async () => {
    const sender = client.createSender(queues.ttl);
    await sender.sendMessages({ body: 'stale', messageId: 'ttl-1' });
    await sleep(400);
    expect(emulator.stats(queues.ttl)).toMatchObject({ active: 0, deadLettered: 1 });
    const [dead] = emulator.messages(queues.ttl, 'deadLetter');
    expect(dead?.applicationProperties).toMatchObject({ DeadLetterReason: 'TTLExpiredException' });
    await sender.close();
  });

  it('refuses a queue that does not exist with MessagingEntityNotFound', async () => {
    const sender = client.createSender('no-such-queue');
    expect(await errorCodeOf(sender.sendMessages({ body: 'lost' }))).toBe('MessagingEntityNotFound');
    await sender.close();
  });

  it('abandons what a subscribe() handler throws on, and dead-letters it after maxDeliveryCount', async () => {
    const sender = client.createSender(queues.poison);
    const receiver = client.createReceiver(queues.poison);
    await sender.sendMessages({ body: 'bad', messageId: 'poison-1' });

    const attempts: number[] = [];
    const errors: unknown[] = [];
    const subscription = receiver.subscribe({
      processMessage: async (message) => {
        attempts.push(message.deliveryCount ?? -1);
        await Promise.resolve();
        throw new Error('handler failed');
      },
      processError: async (args) => {
        errors.push(args.error);
        await Promise.resolve();
      },
    });
    const deadLetters = client.createReceiver(queues.poison, { subQueueType: 'deadLetter' });
    const dead = await receiveOne(deadLetters);
    await subscription.close();
    expect(attempts).toEqual([0, 1, 2]);
    expect(errors).toHaveLength(3);
    expect(dead.deadLetterReason).toBe('MaxDeliveryCountExceeded');
    await deadLetters.completeMessage(dead);
    await deadLetters.close();
    await receiver.close();
    await sender.close();
  });

  it('survives a peer that sends garbage or hangs up mid-handshake', async () => {
    const garbage = connect(emulator.port, '127.0.0.1');
    garbage.on('error', () => undefined);
    garbage.write(Buffer.from('GET / HTTP/1.1\r\n\r\n'));
    await new Promise((resolve) => garbage.once('close', resolve));

    const hangUp = connect(emulator.port, '127.0.0.1');
    hangUp.on('error', () => undefined);
    hangUp.write(Buffer.from([0x41, 0x4d, 0x51, 0x50, 0x03, 0x01, 0x00, 0x00]));
    hangUp.destroy();

    const sender = client.createSender(queues.garbage);
    const receiver = client.createReceiver(queues.garbage);
    await sender.sendMessages({ body: 'still here', messageId: 'garbage-1' });
    const message = await receiveOne(receiver);
    expect(message.body).toBe('still here');
    await receiver.completeMessage(message);
    await receiver.close();
    await sender.close();
  });
});

describe('closing the emulator', () => {
  it('closes promptly under connected clients holding locks and timers', async () => {
    const own = await startServiceBusEmulator({ port: 0, queues: [{ name: 'q' }] });
    const ownClient = new ServiceBusClient(own.connectionString, { retryOptions: { maxRetries: 0 } });
    const sender = ownClient.createSender('q');
    await sender.sendMessages([
      { body: 'locked', messageId: 'c-1' },
      { body: 'scheduled', messageId: 'c-2', scheduledEnqueueTimeUtc: new Date(Date.now() + 60_000) },
    ]);
    await receiveOne(ownClient.createReceiver('q'));
    expect(own.stats('q')).toMatchObject({ locked: 1, scheduled: 1 });

    const started = Date.now();
    await own.close();
    expect(Date.now() - started).toBeLessThan(1000);
    await ownClient.close();
  });
});
