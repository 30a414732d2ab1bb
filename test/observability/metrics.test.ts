import { randomUUID } from 'node:crypto';
import { ServiceBusClient } from '@azure/service-bus';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { notificationsQueue } from '../../local/stack.js';
import { sweep } from '../../src/application/notifications.js';
import { guest, joinByCode, joinLinkOf } from '../guest/support.js';
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
  useNotificationStack,
  waitForQueueIdle,
  writePending,
} from '../support/notifications.js';
import { expectProblem } from '../support/problems.js';
import { Api, newVenue, type Venue } from '../support/stack.js';

/**
 * Each metric of docs/observability.md (Metrics), driven through the API and the emulators on the
 * real stack and read from the local meter provider (local/metrics.ts). Values are cumulative over
 * the process, so each test compares before and after, or reads attributes only its own data has.
 */

const quiet = memoryLog();
const stack = useNotificationStack({ lockDurationMs: 1000, timers: false, deliveryReportDelayMs: 50, log: quiet.log });
const api = () => new Api(stack().apiUrl);
const m = () => stack().metrics;

let venue: Venue;
let phones = 0;
const nextPhone = () => phoneNumber(5000 + phones++);

beforeAll(async () => {
  venue = await newVenue(api());
});

/** Runs `act` and answers how much the counter or histogram named `name` (with `attributes`) grew meanwhile. */
async function growth(name: string, attributes: Record<string, string | number>, act: () => Promise<unknown>): Promise<number> {
  const before = await m().total(name, attributes);
  await act();
  return (await m().total(name, attributes)) - before;
}

/** Notifies a new party and waits until its text settles (sent, delivered or failed) and the queue is quiet. */
async function notifyNewParty(phone: string, settled: readonly string[] = ['delivered', 'failed']): Promise<string> {
  const party = await addParty(venue, { name: 'Metric', phone });
  await act(venue, party.id, 'notify');
  const [record] = await recordsOf(stack().services, venue.waitlistId, party.id);
  if (record === undefined) throw new Error('notify wrote no record');
  const final = await eventually(
    () => recordOf(stack().services, venue.waitlistId, record.id),
    (r) => settled.includes(r.status),
    30_000,
  );
  expect(settled).toContain(final.status);
  expect(await waitForQueueIdle(stack())).toBe(true);
  return party.id;
}

describe('the producer sweep', () => {
  it('records its duration, the items it found by kind, and the age of the oldest due item (0 when none)', async () => {
    await sweep(stack().services, quiet.log);
    expect(await m().gauge('waitlist.due.oldest_age')).toBe(0);

    const party = await addParty(venue, { name: 'Swept', phone: nextPhone() });
    // Written like a move's text but not enqueued, as if the request crashed: only the sweep sends it.
    await writePending(stack().services, venue.waitlistId, party.id);
    await sleep(300);
    const durations = (await m().histogram('waitlist.sweep.duration')).count;
    const items = await growth('waitlist.sweep.items', { 'work.kind': 'enqueue' }, () => sweep(stack().services, quiet.log));

    expect(items).toBe(1);
    expect(await m().gauge('waitlist.due.oldest_age')).toBeGreaterThanOrEqual(0.3);
    const swept = await m().histogram('waitlist.sweep.duration');
    expect(swept.count).toBe(durations + 1);
    expect(swept.max).toBeGreaterThan(0);

    await sweep(stack().services, quiet.log);
    expect(await m().gauge('waitlist.due.oldest_age')).toBe(0);
    expect(await waitForQueueIdle(stack())).toBe(true);
  });
});

describe('texts', () => {
  it('sent and delivered: counted by kind, with the notify→sent and notify→delivered latencies', async () => {
    const kind = { 'text.kind': 'table-ready' };
    const sentBefore = await m().histogram('waitlist.text.notify_to_sent', kind);
    const deliveredBefore = await m().histogram('waitlist.text.notify_to_delivered', kind);
    const sent = await m().total('waitlist.texts.sent', kind);
    const delivered = await m().total('waitlist.texts.delivered', kind);

    await notifyNewParty(nextPhone());

    expect(await m().total('waitlist.texts.sent', kind)).toBe(sent + 1);
    expect(await m().total('waitlist.texts.delivered', kind)).toBe(delivered + 1);
    const toSent = await m().histogram('waitlist.text.notify_to_sent', kind);
    const toDelivered = await m().histogram('waitlist.text.notify_to_delivered', kind);
    expect(toSent.count).toBe(sentBefore.count + 1);
    expect(toDelivered.count).toBe(deliveredBefore.count + 1);
    const secondsToSent = toSent.sum - sentBefore.sum;
    const secondsToDelivered = toDelivered.sum - deliveredBefore.sum;
    // Seconds, not milliseconds: the emulator reports delivery 50 ms after accepting the text.
    expect(secondsToSent).toBeGreaterThan(0);
    expect(secondsToSent).toBeLessThan(30);
    expect(secondsToDelivered).toBeGreaterThan(secondsToSent);
    expect(secondsToDelivered).toBeLessThan(30);
  });

  it('a recipient the provider refuses: failed with reason "rejected", not counted sent', async () => {
    const phone = nextPhone();
    stack().sms.failPermanently(phone, 'invalid-number');
    const sent = await m().total('waitlist.texts.sent');
    const failed = await growth('waitlist.texts.failed', { 'text.kind': 'table-ready', 'failure.reason': 'rejected' }, () =>
      notifyNewParty(phone),
    );
    expect(failed).toBe(1);
    expect(await m().total('waitlist.texts.sent')).toBe(sent);
  });

  it('no attribute holds a phone number, a name or a message', async () => {
    const values = (
      await Promise.all(
        ['waitlist.texts.sent', 'waitlist.texts.failed', 'waitlist.texts.delivered', 'waitlist.text.notify_to_sent'].map((name) =>
          m().points(name),
        ),
      )
    ).flatMap((points) => points.flatMap((point) => Object.values(point.attributes).map(String)));
    expect(values.length).toBeGreaterThan(0);
    for (const value of values) {
      expect(value).not.toMatch(/\+?\d{7,}/);
      expect(value).not.toContain('Metric');
    }
  });
});

describe('the queue', () => {
  let client: ServiceBusClient;
  beforeAll(() => {
    client = new ServiceBusClient(stack().serviceBus.connectionString);
  });
  afterAll(async () => {
    await client.close();
  });

  it('a delivery that fails transiently and comes back: one redelivery, then the text is sent', async () => {
    // One request and the SDK's two retries fail: the first delivery throws, the second sends.
    stack().sms.failNext(3, 503, 0);
    const sent = await m().total('waitlist.texts.sent');
    const redeliveries = await growth('waitlist.queue.redeliveries', {}, () => notifyNewParty(nextPhone()));
    expect(redeliveries).toBe(1);
    expect(await m().total('waitlist.texts.sent')).toBe(sent + 1);
  });

  it('a text failing on every delivery: dead-lettered once, failed "retries-exhausted", redelivered up to the max', async () => {
    stack().sms.failNext(notificationsQueue.maxDeliveryCount * 3, 429, 0);
    const failedKind = { 'text.kind': 'table-ready', 'failure.reason': 'retries-exhausted' };
    const failed = await m().total('waitlist.texts.failed', failedKind);
    const redeliveries = await m().total('waitlist.queue.redeliveries');
    const deadLetters = await growth('waitlist.queue.dead_letters', { 'failure.reason': 'retries-exhausted' }, async () => {
      await notifyNewParty(nextPhone(), ['failed']);
      await eventually(
        () => stack().serviceBus.stats(queueName()).deadLettered,
        (count) => count === 1,
        20_000,
      );
    });
    expect(deadLetters).toBe(1);
    expect(await m().total('waitlist.texts.failed', failedKind)).toBe(failed + 1);
    expect((await m().total('waitlist.queue.redeliveries')) - redeliveries).toBe(notificationsQueue.maxDeliveryCount - 1);
    await drainDeadLetters(client);
  }, 60_000);

  it('a message that is not a notification: dead-lettered as "malformed-message"', async () => {
    const deadLetters = await growth('waitlist.queue.dead_letters', { 'failure.reason': 'malformed-message' }, async () => {
      const sender = client.createSender(queueName());
      await sender.sendMessages({ messageId: `poison-${randomUUID()}`, body: Buffer.from('{"hello":1}'), contentType: 'application/json' });
      await sender.close();
      await eventually(
        () => stack().serviceBus.stats(queueName()).deadLettered,
        (count) => count === 1,
        20_000,
      );
    });
    expect(deadLetters).toBe(1);
    await drainDeadLetters(client);
  }, 30_000);
});

async function drainDeadLetters(client: ServiceBusClient): Promise<void> {
  const receiver = client.createReceiver(queueName(), { subQueueType: 'deadLetter', receiveMode: 'receiveAndDelete' });
  await receiver.receiveMessages(10, { maxWaitTimeInMs: 1000 });
  await receiver.close();
  expect(stack().serviceBus.stats(queueName()).deadLettered).toBe(0);
}

describe('parties in line', () => {
  it('is the line length per waitlist after each join (staff or by code) and after a party leaves', async () => {
    const own = await newVenue(api());
    const line = { 'restaurant.id': own.restaurantId, 'waitlist.id': own.waitlistId };
    const parties = [];
    for (const name of ['One', 'Two', 'Three']) {
      parties.push(await addParty(own, { name, phone: null }));
      expect(await m().gauge('waitlist.line.parties', line)).toBe(parties.length);
    }
    await act(own, parties[0]?.id ?? '', 'seat');
    expect(await m().gauge('waitlist.line.parties', line)).toBe(2);
    // A guest's join by one-time code takes the other way into the line.
    await joinByCode(stack(), api(), await joinLinkOf(own), nextPhone());
    expect(await m().gauge('waitlist.line.parties', line)).toBe(3);
    expect(await m().points('waitlist.line.parties', line)).toHaveLength(1);
  });
});

describe('the HTTP pipeline', () => {
  const waiteesRoute = '/v1/restaurants/{restaurantId}/waitlists/{waitlistId}/waitees';

  it('records each request’s duration by route template, method and status', async () => {
    const attributes = { 'http.route': waiteesRoute, 'http.request.method': 'GET', 'http.response.status_code': 200 };
    const requests = await growth('http.server.request.duration', attributes, async () => {
      const listed = await venue.owner.api.get(`${venue.waitlistPath}/waitees`);
      expect(listed.status).toBe(200);
    });
    expect(requests).toBe(1);
    const routes = (await m().points('http.server.request.duration')).map((point) => String(point.attributes['http.route']));
    // Templates only: no id of a restaurant or a party ever becomes a route of its own.
    for (const route of routes) expect(route).not.toMatch(/[0-9a-f]{8}-[0-9a-f]{4}/);
  });

  it('counts problem answers by type and route: a 404 and a 400', async () => {
    const waiteeRoute = `${waiteesRoute}/{waiteeId}`;
    const notFound = await growth(
      'waitlist.problems',
      { 'problem.type': 'urn:waitlist:problem:not-found', 'http.route': waiteeRoute },
      async () => {
        expectProblem(await venue.owner.api.get(`${venue.waitlistPath}/waitees/${randomUUID()}`), 404, 'not-found');
      },
    );
    const invalid = await growth(
      'waitlist.problems',
      { 'problem.type': 'urn:waitlist:problem:validation-failed', 'http.route': waiteesRoute },
      async () => {
        expectProblem(
          await venue.owner.api.post(`${venue.waitlistPath}/waitees`, { name: 'Zero', partySize: 0 }),
          400,
          'validation-failed',
        );
      },
    );
    expect(notFound).toBe(1);
    expect(invalid).toBe(1);
    const statuses = { 'http.route': waiteeRoute, 'http.request.method': 'GET', 'http.response.status_code': 404 };
    expect(await m().total('http.server.request.duration', statuses)).toBeGreaterThanOrEqual(1);
  });
});

describe('lockouts and send limits', () => {
  it('a sign-in for a blocked address: one login lockout', async () => {
    const email = `blocked-${Date.now().toString(36)}@example.test`;
    const now = Date.now();
    // Ten failures in the window, as ten wrong passwords leave it (test/domain/login-throttle.test.ts).
    await stack().services.users.saveLoginAttempts(
      email,
      { failures: 10, windowStartedAt: new Date(now).toISOString(), blockedUntil: new Date(now + 15 * 60_000).toISOString() },
      null,
    );
    const lockouts = await growth('waitlist.lockouts', { 'lockout.kind': 'login' }, async () => {
      const refused = await api().post('/v1/auth/token', { grant_type: 'password', email, password: 'whatever-it-is-1' });
      expect(refused.status).toBe(429);
    });
    expect(lockouts).toBe(1);
  });

  it('a fourth one-time code to one number in the hour: one join-code lockout', async () => {
    const code = await joinLinkOf(venue);
    const phone = nextPhone();
    for (let i = 0; i < 3; i++) expect((await api().post(`/v1/join/${code}`, guest(phone))).status).toBe(202);
    const lockouts = await growth('waitlist.lockouts', { 'lockout.kind': 'join-code' }, async () => {
      expectProblem(await api().post(`/v1/join/${code}`, guest(phone)), 429, 'too-many-attempts');
    });
    expect(lockouts).toBe(1);
    expect(await waitForQueueIdle(stack())).toBe(true);
  });

  it('a second "table ready" text within the grace period: one send-limit hit of the party', async () => {
    const party = await addParty(venue, { name: 'Twice', phone: nextPhone() });
    await act(venue, party.id, 'notify');
    const hits = await growth('waitlist.send_limit.hits', { 'limit.kind': 'party-spacing' }, async () => {
      expectProblem(await venue.owner.api.post(`${venue.waitlistPath}/waitees/${party.id}/notify`), 429, 'text-limit-reached');
    });
    expect(hits).toBe(1);
    expect(await waitForQueueIdle(stack())).toBe(true);
  });
});
