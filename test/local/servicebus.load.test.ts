import { ServiceBusClient } from '@azure/service-bus';
import type { ServiceBusReceiver, ServiceBusSender } from '@azure/service-bus';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startServiceBusEmulator } from '../../local/servicebus/index.js';
import type { ServiceBusEmulator } from '../../local/servicebus/index.js';

const queue = 'load';
const total = 2000;

let emulator: ServiceBusEmulator;
const clients: ServiceBusClient[] = [];

beforeAll(async () => {
  emulator = await startServiceBusEmulator({ port: 0, queues: [{ name: queue }] });
  clients.push(new ServiceBusClient(emulator.connectionString), new ServiceBusClient(emulator.connectionString));
});

afterAll(async () => {
  await Promise.all(clients.map((client) => client.close()));
  await emulator.close();
});

async function sendInBatches(sender: ServiceBusSender, ids: string[]): Promise<number> {
  let batches = 0;
  let batch = await sender.createMessageBatch();
  for (const id of ids) {
    // Padded so that the messages need several 256 KB batches.
    const message = { body: { id, padding: 'x'.repeat(200) }, messageId: id, applicationProperties: { kind: 'load' } };
    if (batch.tryAddMessage(message)) continue;
    await sender.sendMessages(batch);
    batches++;
    batch = await sender.createMessageBatch();
    if (!batch.tryAddMessage(message)) throw new Error('message larger than a batch');
  }
  if (batch.count > 0) {
    await sender.sendMessages(batch);
    batches++;
  }
  return batches;
}

it(`moves ${total} messages through send → subscribe → complete exactly once, over two competing receivers`, async () => {
  const [first, second] = clients;
  if (!first || !second) throw new Error('clients missing');
  const ids = Array.from({ length: total }, (_, n) => `load-${n}`);
  const sender = first.createSender(queue);
  const batches = await sendInBatches(sender, ids);
  expect(batches).toBeGreaterThan(1);
  expect(emulator.stats(queue).active).toBe(total);

  const completions = new Map<string, number>();
  const redelivered: string[] = [];
  const errors: unknown[] = [];
  const receivers: ServiceBusReceiver[] = [first.createReceiver(queue), second.createReceiver(queue)];
  const perReceiver = [0, 0];
  await new Promise<void>((resolve) => {
    receivers.forEach((receiver, index) => {
      receiver.subscribe(
        {
          processMessage: async (message) => {
            await receiver.completeMessage(message);
            const id = String(message.messageId);
            if (message.deliveryCount !== 0) redelivered.push(id);
            completions.set(id, (completions.get(id) ?? 0) + 1);
            perReceiver[index] = (perReceiver[index] ?? 0) + 1;
            if ([...completions.values()].length === total) resolve();
          },
          processError: async (args) => {
            errors.push(args.error);
            await Promise.resolve();
          },
        },
        { autoCompleteMessages: false, maxConcurrentCalls: 8 },
      );
    });
  });

  expect(errors).toEqual([]);
  expect(redelivered).toEqual([]);
  expect(completions.size).toBe(total);
  expect([...completions.values()].every((count) => count === 1)).toBe(true);
  expect(ids.every((id) => completions.has(id))).toBe(true);
  // Both competing receivers got a share.
  expect(perReceiver.every((count) => count > 0)).toBe(true);
  expect(emulator.stats(queue)).toEqual({ active: 0, locked: 0, scheduled: 0, deferred: 0, deadLettered: 0 });
  await Promise.all(receivers.map((receiver) => receiver.close()));
  await sender.close();
});
