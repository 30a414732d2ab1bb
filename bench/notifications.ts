import { randomUUID } from 'node:crypto';
import { ServiceBusClient } from '@azure/service-bus';
import { createCosmosClient } from '../src/adapters/cosmos/client.js';
import { composeNotification, sweep } from '../src/application/notifications.js';
import { startServiceBusEmulator } from '../local/servicebus/index.js';
import type { Waitee } from '../src/domain/model.js';
import { pagingWork } from '../src/domain/notification.js';
import { joinLine } from '../src/domain/waitee.js';
import { startLocalStack, type LocalStack } from '../local/stack.js';
import { storeDueEntries } from './due-entries.js';
import { demoOwner } from './owner.js';
import { fmt, percentile } from './stats.js';
import { saveMove } from '../src/application/waitee-writes.js';

const notifyCount = 200;
const dueCount = 100;
const consumerCount = 500;
/**
 * Stored parties for the sweep's two runs; BENCH_SWEEP_SIZES overrides (two numbers). The due
 * entries live beside the parties, and the emulator walks the whole container for every query
 * (linearly: local/cosmos-query.ts), where the composite index (type, dueAt) of Azure reads only the
 * entries due: this figure shows the emulator's growth, the request count the design's.
 */
const sweepSizes = (process.env.BENCH_SWEEP_SIZES ?? '1000,100000').split(',').map(Number);
if (sweepSizes.length !== 2 || sweepSizes.some((n) => !Number.isInteger(n) || n < dueCount)) {
  throw new Error(
    `BENCH_SWEEP_SIZES must be two whole numbers of stored parties, each at least ${dueCount} (the due ones among them), e.g. 1000,100000`,
  );
}
const quiet = () => undefined;

async function waitFor(condition: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

/** POST notify → the text in the SMS emulator's outbox, through outbox record, Service Bus and consumer. */
async function benchNotifyLatency(stack: LocalStack): Promise<void> {
  const { headers, waiteesUrl: path } = await demoOwner(stack);
  const samples: number[] = [];
  for (let i = 0; i < notifyCount; i++) {
    const phone = `+1415${String(5_000_000 + i).padStart(7, '0')}`;
    const party = (await (
      await fetch(path, { method: 'POST', headers, body: JSON.stringify({ name: `P${i}`, phone, partySize: 2 }) })
    ).json()) as { id: string };
    const started = performance.now();
    await fetch(`${path}/${party.id}/notify`, { method: 'POST', headers });
    await waitFor(() => stack.sms.outbox().some((m) => m.to === phone), 10_000);
    samples.push(performance.now() - started);
    await fetch(`${path}/${party.id}/seat`, { method: 'POST', headers });
  }
  console.log(
    `notify → SMS outbox (${notifyCount} notifications)   p50 ${fmt(percentile(samples, 50), 1)} ms   p99 ${fmt(percentile(samples, 99), 1)} ms`,
  );
}

function storedWaitee(waitlistId: string, restaurantId: string, pagingDueAt: string | null): Waitee {
  const now = new Date().toISOString();
  const party = joinLine({
    id: randomUUID(),
    waitlistId,
    restaurantId,
    name: 'Stored',
    phone: '+14155550123',
    partySize: 2,
    notes: null,
    source: 'staff',
    customerId: null,
    statusToken: randomUUID(),
    joinedAt: now,
  });
  return pagingDueAt === null
    ? { ...party, gettingCloseSent: true }
    : { ...party, status: 'notified', notifiedAt: now, pagingDueAt, pagingStage: 're-page', gettingCloseSent: true };
}

/** The producer's sweep with the same number of due parties among few or many stored ones. */
async function benchSweep(): Promise<void> {
  const results: { stored: number; ms: number }[] = [];
  for (const stored of sweepSizes) {
    const stack = await startLocalStack({ port: 0, timers: false, seed: true, passwordHashCost: 10 });
    try {
      const demo = stack.demo;
      if (demo === null) throw new Error('demo data missing');
      const container = createCosmosClient(stack.services.config.cosmos)
        .database(stack.services.config.cosmos.database)
        .container('waitees');
      const past = new Date(Date.now() - 60_000).toISOString();
      const due = Array.from({ length: dueCount }, () => storedWaitee(demo.waitlistId, demo.restaurantId, past));
      let next = 0;
      const progress = setInterval(() => {
        process.stdout.write(`\r  storing ${stored.toLocaleString('en')} parties: ${next.toLocaleString('en')}`);
      }, 1000);
      try {
        await Promise.all(
          Array.from({ length: 32 }, async () => {
            while (next < stored) {
              const i = next++;
              const party = due[i] ?? storedWaitee(`bench-${i % 200}`, demo.restaurantId, null);
              await container.items.create({ ...party, type: 'waitee' });
            }
          }),
        );
      } finally {
        clearInterval(progress);
        process.stdout.write('\r\x1b[K');
      }
      // The timers the notify of each due party would have set (its save writes them in its batch).
      await storeDueEntries(
        stack,
        due.map((party) => pagingWork(party, randomUUID())).filter((work) => work !== null),
      );
      const started = performance.now();
      const result = await sweep(stack.services, quiet);
      results.push({ stored, ms: performance.now() - started });
      if (result.rePaged !== dueCount) throw new Error(`expected ${dueCount} re-pages, got ${result.rePaged}`);
    } finally {
      await stack.close();
    }
  }
  const [small, large] = results;
  if (small === undefined || large === undefined) return;
  console.log(
    `producer sweep, ${dueCount} due   among ${small.stored}: ${fmt(small.ms, 0)} ms   among ${large.stored}: ${fmt(large.ms, 0)} ms   ratio ${fmt(large.ms / small.ms, 2)}x (data grew ${large.stored / small.stored}x; the sweep queries the due entries among the parties: Azure's index reads only those due, the emulator copies the container)`,
  );
}

/** Consumer (record read, claim, SMS, record) against the bare emulator round trip (send, receive, complete). */
async function benchConsumer(): Promise<void> {
  const stack = await startLocalStack({ port: 0, timers: false, seed: true, passwordHashCost: 10 });
  try {
    const demo = stack.demo;
    if (demo === null) throw new Error('demo data missing');
    const s = stack.services;
    const waitlist = await s.restaurants.waitlist(demo.restaurantId, demo.waitlistId);
    if (waitlist === null) throw new Error('demo waitlist missing');
    // Outbox records written beforehand (pending), so the timed part is enqueue + consume + SMS only.
    for (let i = 0; i < consumerCount; i++) {
      const party = storedWaitee(demo.waitlistId, demo.restaurantId, null);
      const created = await s.waitees.create({ ...party, phone: `+1415${String(6_000_000 + i)}` });
      if (created === null) throw new Error('party not created');
      const notification = await composeNotification(s, 'table-ready', created.value, waitlist.value, null);
      if (notification === null) throw new Error('no notification');
      await saveMove(s, created.value, created.etag, [notification]);
    }
    const before = stack.sms.outbox().length;
    const started = performance.now();
    await sweep(s, quiet);
    const sweepMs = performance.now() - started;
    await waitFor(() => stack.sms.outbox().length - before >= consumerCount, 120_000);
    const consumerRate = consumerCount / ((performance.now() - started) / 1000);

    const bare = await startServiceBusEmulator({ queues: [{ name: 'bare' }] });
    const client = new ServiceBusClient(bare.connectionString);
    const sender = client.createSender('bare');
    const receiver = client.createReceiver('bare');
    const rawStarted = performance.now();
    const messages = Array.from({ length: consumerCount }, (_, i) => ({ messageId: `raw-${i}`, body: Buffer.from('{}') }));
    await sender.sendMessages(messages);
    let received = 0;
    while (received < consumerCount) {
      const batch = await receiver.receiveMessages(100, { maxWaitTimeInMs: 200 });
      await Promise.all(batch.map((m) => receiver.completeMessage(m)));
      received += batch.length;
    }
    const rawRate = consumerCount / ((performance.now() - rawStarted) / 1000);
    await client.close();
    await bare.close();
    console.log(
      `consumer throughput (${consumerCount} outbox records: sweep → queue → consumer → SMS)   ${fmt(consumerRate, 0)} msg/s   bare queue round trip ${fmt(rawRate, 0)} msg/s   ratio ${fmt(consumerRate / rawRate, 2)}x   (of which the sweep ${fmt(sweepMs, 0)} ms)`,
    );
  } finally {
    await stack.close();
  }
}

export async function benchNotifications(): Promise<void> {
  const stack = await startLocalStack({ port: 0, timers: false, passwordHashCost: 10 });
  try {
    await benchNotifyLatency(stack);
  } finally {
    await stack.close();
  }
  await benchSweep();
  await benchConsumer();
}
