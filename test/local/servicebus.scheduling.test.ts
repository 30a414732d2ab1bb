import { ServiceBusClient } from '@azure/service-bus';
import type { ServiceBusReceiver } from '@azure/service-bus';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServiceBusEmulator } from '../../local/servicebus/index.js';
import type { ServiceBusEmulator } from '../../local/servicebus/index.js';

let emulator: ServiceBusEmulator;
let client: ServiceBusClient;

beforeAll(async () => {
  emulator = await startServiceBusEmulator({
    port: 0,
    queues: [
      { name: 'scheduled-send' },
      { name: 'scheduled-api' },
      { name: 'scheduled-past' },
      { name: 'dedup' },
      { name: 'dedup-batch' },
      { name: 'dedup-window', duplicateDetectionWindowMs: 300 },
      { name: 'dedup-off', duplicateDetectionWindowMs: 0 },
    ],
  });
  client = new ServiceBusClient(emulator.connectionString);
});

afterAll(async () => {
  await client.close();
  await emulator.close();
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function drainAll(receiver: ServiceBusReceiver): Promise<string[]> {
  const ids: string[] = [];
  for (;;) {
    const messages = await receiver.receiveMessages(10, { maxWaitTimeInMs: 150 });
    if (messages.length === 0) return ids;
    for (const message of messages) {
      ids.push(String(message.messageId));
      await receiver.completeMessage(message);
    }
  }
}

describe('scheduled messages', () => {
  it('holds a message sent with scheduledEnqueueTimeUtc until its time', async () => {
    const sender = client.createSender('scheduled-send');
    const receiver = client.createReceiver('scheduled-send');
    // Open the links first so that their set-up time does not eat into the schedule.
    await sender.createMessageBatch();
    await receiver.peekMessages(1);
    await receiver.receiveMessages(1, { maxWaitTimeInMs: 10 });
    const due = new Date(Date.now() + 800);
    await sender.sendMessages({ body: 'reminder', messageId: 'sched-1', scheduledEnqueueTimeUtc: due });

    expect(emulator.stats('scheduled-send')).toMatchObject({ active: 0, scheduled: 1 });
    const [peeked] = await receiver.peekMessages(1);
    expect(peeked?.state).toBe('scheduled');
    expect(peeked?.scheduledEnqueueTimeUtc?.getTime()).toBe(due.getTime());
    expect(await receiver.receiveMessages(1, { maxWaitTimeInMs: 250 })).toHaveLength(0);

    const [message] = await receiver.receiveMessages(1, { maxWaitTimeInMs: 3000 });
    const receivedAt = Date.now();
    expect(message?.messageId).toBe('sched-1');
    expect(receivedAt).toBeGreaterThanOrEqual(due.getTime());
    expect(receivedAt - due.getTime()).toBeLessThan(500);
    expect(message?.scheduledEnqueueTimeUtc?.getTime()).toBe(due.getTime());
    expect(message?.enqueuedTimeUtc?.getTime()).toBeGreaterThanOrEqual(due.getTime());
    expect(message?.state).toBe('active');
    if (message) await receiver.completeMessage(message);
    await receiver.close();
    await sender.close();
  });

  it('schedules through $management and cancels a scheduled message', async () => {
    const sender = client.createSender('scheduled-api');
    const receiver = client.createReceiver('scheduled-api');
    await receiver.receiveMessages(1, { maxWaitTimeInMs: 10 });
    const due = new Date(Date.now() + 1000);
    const [keep, cancel] = await sender.scheduleMessages(
      [
        { body: 'keep', messageId: 'api-keep' },
        { body: 'cancel', messageId: 'api-cancel' },
      ],
      due,
    );
    expect(keep && cancel && cancel.toNumber() - keep.toNumber()).toBe(1);
    expect(emulator.stats('scheduled-api').scheduled).toBe(2);

    if (cancel) await sender.cancelScheduledMessages(cancel);
    expect(emulator.stats('scheduled-api').scheduled).toBe(1);
    expect(await receiver.receiveMessages(1, { maxWaitTimeInMs: 200 })).toHaveLength(0);

    const [message] = await receiver.receiveMessages(1, { maxWaitTimeInMs: 3000 });
    expect(message?.messageId).toBe('api-keep');
    expect(message?.sequenceNumber?.toNumber()).toBe(keep?.toNumber());
    if (message) await receiver.completeMessage(message);
    await sleep(100);
    expect(await drainAll(receiver)).toEqual([]);
    expect(emulator.stats('scheduled-api')).toMatchObject({ active: 0, scheduled: 0 });
    await receiver.close();
    await sender.close();
  });

  it('enqueues at once a message scheduled in the past', async () => {
    const sender = client.createSender('scheduled-past');
    const receiver = client.createReceiver('scheduled-past');
    await sender.sendMessages({ body: 'late', messageId: 'past-1', scheduledEnqueueTimeUtc: new Date(Date.now() - 60_000) });
    expect(await drainAll(receiver)).toEqual(['past-1']);
    await receiver.close();
    await sender.close();
  });
});

describe('duplicate detection by messageId', () => {
  it('drops a repeated messageId sent separately, accepting a different one', async () => {
    const sender = client.createSender('dedup');
    const receiver = client.createReceiver('dedup');
    await sender.sendMessages({ body: 'first', messageId: 'same' });
    await sender.sendMessages({ body: 'second', messageId: 'same' });
    await sender.sendMessages({ body: 'other', messageId: 'different' });

    const messages = await receiver.receiveMessages(10, { maxWaitTimeInMs: 300 });
    expect(messages.map((m): unknown => m.body)).toEqual(['first', 'other']);
    for (const message of messages) await receiver.completeMessage(message);
    // Completing does not reopen the window.
    await sender.sendMessages({ body: 'third', messageId: 'same' });
    expect(await drainAll(receiver)).toEqual([]);
    await receiver.close();
    await sender.close();
  });

  it('drops a repeated messageId inside one batch', async () => {
    const sender = client.createSender('dedup-batch');
    const receiver = client.createReceiver('dedup-batch');
    const batch = await sender.createMessageBatch();
    for (const messageId of ['a', 'b', 'a', 'c', 'b']) batch.tryAddMessage({ body: messageId, messageId });
    await sender.sendMessages(batch);
    await sender.sendMessages([
      { body: 'd', messageId: 'd' },
      { body: 'd', messageId: 'd' },
    ]);
    expect(await drainAll(receiver)).toEqual(['a', 'b', 'c', 'd']);
    await receiver.close();
    await sender.close();
  });

  it('accepts the messageId again once the window has passed', async () => {
    const sender = client.createSender('dedup-window');
    const receiver = client.createReceiver('dedup-window');
    await sender.sendMessages({ body: 1, messageId: 'again' });
    await sleep(400);
    await sender.sendMessages({ body: 2, messageId: 'again' });
    expect(await drainAll(receiver)).toEqual(['again', 'again']);
    await receiver.close();
    await sender.close();
  });

  it('keeps duplicates when detection is off', async () => {
    const sender = client.createSender('dedup-off');
    const receiver = client.createReceiver('dedup-off');
    await sender.sendMessages([
      { body: 1, messageId: 'twice' },
      { body: 2, messageId: 'twice' },
    ]);
    expect(await drainAll(receiver)).toEqual(['twice', 'twice']);
    await receiver.close();
    await sender.close();
  });
});
