import { describe, expect, it } from 'vitest';
import type { TransientFailureStatus } from '../../local/sms/emulator.js';
import { containersOf, createCosmosClient } from '../../src/adapters/cosmos/client.js';
import { sweep } from '../../src/application/notifications.js';
import type { Services } from '../../src/application/services.js';
import { parseSmsTag, type Notification } from '../../src/domain/notification.js';
import { act, memoryLog, phoneNumber, queueName, useNotificationStack, waitForQueueIdle } from '../support/notifications.js';
import { leaksIn, phoneForms } from '../support/log-scan.js';
import { Api, newVenue, walkIn, type Venue } from '../support/stack.js';

/**
 * Fault injection: at least 1,000 notifications sent through the HTTP API while the provider fails
 * a quarter of the requests (throttling and server errors) and the consumer "dies" after one
 * successful invocation in ten (the message is neither completed nor abandoned; its 1 s lock runs
 * out and it comes back). Exactly one SMS per notification, none lost, nothing dead-lettered.
 *
 * FAULT_SEED=<n> replays a run's random choices (the interleaving still depends on timing).
 */

const notificationsWanted = 1_000;
// Short lines keep the notify responses (which compute positions over the whole line) cheap.
const waitlists = 20;
const concurrency = 16;
const failureRate = 0.25;
const crashRate = 0.1;

/** mulberry32: a small seeded PRNG, so a failing run's seed can be replayed. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}
const seed = Number(process.env.FAULT_SEED ?? Math.floor(Math.random() * 2 ** 31));
const random = prng(seed);

let faults = false;
let crashes = 0;
let invocations = 0;
const hostLog = memoryLog();
const stack = useNotificationStack({
  lockDurationMs: 1000,
  timers: false,
  log: hostLog.log,
  crashBeforeComplete: () => {
    invocations++;
    if (!faults || random() >= crashRate) return false;
    crashes++;
    return true;
  },
});
const api = () => new Api(stack().apiUrl);

async function inParallel<T>(items: readonly T[], limit: number, work: (item: T, index: number) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      await work(items[index] as T, index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

const injectedNote = /^injected failure/;

/** Every notification record, in one query (the test's own read; the product never lists them all). */
async function allNotifications(s: Services): Promise<Notification[]> {
  const client = createCosmosClient(s.config.cosmos);
  try {
    const { waitees } = containersOf(client.database(s.config.cosmos.database));
    const { resources } = await waitees.items.query<Notification>('SELECT * FROM c WHERE c.type = "notification"').fetchAll();
    return resources;
  } finally {
    client.dispose();
  }
}

/**
 * Keeps about `failureRate` of the provider's send requests failing: whenever the failures injected
 * so far fall behind that share of the requests seen, one more (429 or 503 with Retry-After: 0, or a
 * 500 that the SDK backs off from), or now and then three, is queued for whichever requests come next.
 */
function startFailurePump(): { stop(): void; injected(): number } {
  const sms = stack().sms;
  const since = sms.requests().length;
  let scheduled = 0;
  const statuses: readonly TransientFailureStatus[] = [429, 503, 500];
  const tick = () => {
    const seen = sms.requests().slice(since);
    const consumed = seen.filter((r) => injectedNote.test(r.note ?? '')).length;
    if (scheduled - consumed < 2 && scheduled < failureRate * (seen.length + 4)) {
      // Now and then a burst of throttling that the SDK's own retries (Retry-After: 0, so at once)
      // run into, so some invocations give up and Service Bus redelivers.
      const burst = random() < 0.1 ? 3 : 1;
      const status = burst > 1 ? 429 : (statuses[Math.floor(random() * statuses.length)] ?? 503);
      sms.failNext(burst, status, status === 500 ? undefined : 0);
      scheduled += burst;
    }
  };
  const timer = setInterval(tick, 2);
  return {
    stop: () => {
      clearInterval(timer);
    },
    injected: () =>
      sms
        .requests()
        .slice(since)
        .filter((r) => injectedNote.test(r.note ?? '')).length,
  };
}

describe('fault injection', () => {
  it(`${notificationsWanted} notifications, ${failureRate * 100}% provider failures, ${crashRate * 100}% consumer crashes: one SMS each`, async () => {
    const started = Date.now();
    const venues: Venue[] = [];
    for (let i = 0; i < waitlists; i++) venues.push(await newVenue(api(), { name: `Line ${i}` }));
    const perLine = Math.ceil(notificationsWanted / waitlists);
    const slots = Array.from({ length: perLine * waitlists }, (_, i) => ({
      venue: venues[i % waitlists] as Venue,
      phone: phoneNumber(5000 + i),
    }));
    const parties: { venue: Venue; id: string; phone: string }[] = [];
    await inParallel(slots, concurrency, async ({ venue, phone }) => {
      const party = walkIn(venue, { name: 'Load', phone });
      if ((await stack().services.waitees.create(party)) === null) throw new Error('party not created');
      parties.push({ venue, id: party.id, phone });
    });
    const setupMs = Date.now() - started;

    const sms = stack().sms;
    const outboxBefore = sms.outbox().length;
    const requestsBefore = sms.requests().length;
    const notifyStarted = Date.now();
    faults = true;
    const pump = startFailurePump();
    const notifyAll = async () => {
      await inParallel(parties, concurrency, async ({ venue, id }) => {
        await act(venue, id, 'notify');
      });
      return waitForQueueIdle(stack(), 90_000, 300);
    };
    const drained = await notifyAll().finally(() => {
      pump.stop();
      faults = false;
    });
    const runMs = Date.now() - notifyStarted;
    const injected = pump.injected();
    const requests = sms.requests().length - requestsBefore;

    const context = `seed ${seed}`;
    expect(drained, context).toBe(true);
    const s = stack().services;
    const records = await allNotifications(s);
    expect(records, context).toHaveLength(parties.length);
    expect(new Set(records.map((r) => r.waiteeId)).size, 'one notification per party').toBe(parties.length);
    const notSent = records.filter((r) => r.status !== 'sent');
    expect(
      notSent.map((r) => `${r.id} ${r.status} ${r.lastError ?? ''}`),
      context,
    ).toEqual([]);

    const outbox = sms.outbox().slice(outboxBefore);
    const byNotification = new Map<string, typeof outbox>();
    for (const text of outbox) {
      const id = parseSmsTag(text.tag)?.notificationId ?? '';
      byNotification.set(id, [...(byNotification.get(id) ?? []), text]);
    }
    const twice = [...byNotification.entries()].filter(([, texts]) => texts.length > 1).map(([id]) => id);
    expect(twice, `sent twice (${context})`).toEqual([]);
    const missing = records.filter((r) => !byNotification.has(r.id)).map((r) => r.id);
    expect(missing, `never sent (${context})`).toEqual([]);
    expect(outbox, context).toHaveLength(records.length);
    for (const record of records) {
      const [text] = byNotification.get(record.id) ?? [];
      expect(text?.to).toBe(record.to);
      expect(text?.messageId).toBe(record.providerMessageId);
    }
    expect(stack().serviceBus.stats(queueName()), context).toMatchObject({ active: 0, locked: 0, deadLettered: 0 });
    expect((await sweep(s, memoryLog().log)).enqueued, 'nothing left pending for the producer').toBe(0);

    // Retries, crashes and redeliveries log a lot: none of it names a party's number (docs/observability.md, Logs).
    const somePhones = parties.filter((_, i) => i % 10 === 0).map((p) => p.phone);
    expect(leaksIn(hostLog.lines, Object.fromEntries(somePhones.map((phone) => [phone, phoneForms(phone)]))), context).toEqual([]);

    // The faults really happened.
    expect(injected / requests, context).toBeGreaterThanOrEqual(0.2);
    expect(crashes, context).toBeGreaterThanOrEqual(Math.floor(records.length * crashRate * 0.6));
    const retried = records.filter((r) => r.attempts > 1).length;
    console.log(
      `fault injection (${context}): ${records.length} notifications, ${requests} provider requests of which ${injected} failed (${((100 * injected) / requests).toFixed(1)}%), ` +
        `${crashes} consumer crashes in ${invocations} successful invocations, ${retried} notifications redelivered after the SDK's retries gave up, ` +
        `${outbox.length} SMS; setup ${(setupMs / 1000).toFixed(1)} s, notify → all sent ${(runMs / 1000).toFixed(1)} s`,
    );
  }, 170_000);
});
