import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalStack, type LocalStack } from '../../local/stack.js';
import { consume } from '../../src/application/notifications.js';
import type { CapScope } from '../../src/application/ports.js';
import { countText } from '../../src/application/send-limits.js';
import type { Services } from '../../src/application/services.js';
import { createServices } from '../../src/composition/services.js';
import type { DomainError } from '../../src/domain/errors.js';
import { utcDayOf } from '../../src/domain/send-limits.js';
import { addParty, eventually, memoryLog, phoneNumber, recordsOf, waitForQueueIdle } from '../support/notifications.js';
import { expectProblem } from '../support/problems.js';
import { Api, newVenue, type Venue } from '../support/stack.js';

/**
 * `notify` holds a place in the number's and the restaurant's day before it writes the party, and
 * leaves it held: the consumer's own count before it sends (same text id) is what counts it for
 * good, so the request makes no second write to either counter. A full count made of held places
 * is busy, not full, until the consumer counts them or they are given back.
 */
const perRestaurantPerDay = 3;
const perNumberPerDay = 6;
const settings = { SMS_LIMIT_PER_RESTAURANT_PER_DAY: String(perRestaurantPerDay), SMS_LIMIT_PER_NUMBER_PER_DAY: String(perNumberPerDay) };

const notify = (venue: Venue, waiteeId: string) => venue.owner.api.post(`${venue.waitlistPath}/waitees/${waiteeId}/notify`);

/** The ticket of each text in a day's counter document, by text id. */
async function tickets(stack: LocalStack, scope: CapScope): Promise<Record<string, string>> {
  const counter = await stack.services.admissions.get(scope);
  return Object.fromEntries(counter.value.pending.map((entry) => [entry.id, entry.ticket]));
}

/** A venue whose restaurant has sent all but one of its texts today, each counted for good by `send`. */
async function venueWithOnePlaceLeft(stack: LocalStack, first: number, send: (venue: Venue, waiteeId: string) => Promise<void>) {
  const venue = await newVenue(new Api(stack.apiUrl), { gracePeriodMinutes: 0 });
  for (let i = 0; i < perRestaurantPerDay - 1; i++)
    await send(venue, (await addParty(venue, { name: `Early ${i}`, phone: phoneNumber(first + i) })).id);
  const parties = await Promise.all(
    Array.from({ length: 20 }, (_, i) => addParty(venue, { name: `Late ${i}`, phone: phoneNumber(first + 10 + i) })),
  );
  return { venue, parties };
}

describe('a text notify held, without the consumer running', () => {
  let stack: LocalStack;
  beforeAll(async () => {
    stack = await startLocalStack({ port: 0, passwordHashCost: 10, seed: false, timers: false, queueTriggers: false, settings });
  });
  afterAll(async () => {
    await stack.close();
  });

  /** What the consumer does with one message off the queue. */
  async function consumeAll(venue: Venue, waiteeId: string): Promise<void> {
    for (const record of await recordsOf(stack.services, venue.waitlistId, waiteeId)) {
      await consume(stack.services, { notificationId: record.id, waitlistId: venue.waitlistId }, memoryLog().log);
    }
  }

  it('stays held after notify answers and counts for good once the consumer counts it before sending', async () => {
    const venue = await newVenue(new Api(stack.apiUrl));
    const number = phoneNumber(8100);
    const party = await addParty(venue, { name: 'Held', phone: number });
    expect((await notify(venue, party.id)).status).toBe(200);
    const [record] = await recordsOf(stack.services, venue.waitlistId, party.id);
    if (record === undefined) throw new Error('notify wrote no text');
    const day = utcDayOf(record.createdAt);
    const ofNumber: CapScope = { kind: 'texts-to-number', number, day };
    const ofRestaurant: CapScope = { kind: 'texts-of-restaurant', restaurantId: venue.restaurantId, day };
    expect(await tickets(stack, ofNumber)).toEqual({ [record.id]: 'held' });
    expect(await tickets(stack, ofRestaurant)).toEqual({ [record.id]: 'held' });

    await consumeAll(venue, party.id);
    expect(await tickets(stack, ofNumber)).toEqual({ [record.id]: 'counted' });
    expect(await tickets(stack, ofRestaurant)).toEqual({ [record.id]: 'counted' });
    expect(stack.sms.outbox().filter((m) => m.to === number)).toHaveLength(1);
  });

  it('of 20 parallel notifies on a count with one place left, lets one through while its held place waits for the consumer', async () => {
    const { venue, parties } = await venueWithOnePlaceLeft(stack, 8200, async (v, id) => {
      expect((await notify(v, id)).status).toBe(200);
      await consumeAll(v, id);
    });
    const answers = await Promise.all(parties.map((party) => notify(venue, party.id)));
    expect(answers.filter((a) => a.status === 200)).toHaveLength(1);
    for (const refused of answers.filter((a) => a.status !== 200)) {
      expect(expectProblem(refused, 429, 'text-limit-reached')).toMatchObject({ limitScope: 'restaurant', limit: perRestaurantPerDay });
    }
    for (const party of parties) await consumeAll(venue, party.id);
    const late = stack.sms.outbox().filter((m) => m.to >= phoneNumber(8210) && m.to <= phoneNumber(8229));
    expect(late).toHaveLength(1);
  });
});

describe('day counters remembered by each worker', () => {
  let stack: LocalStack;
  /** Another worker of the same app: its own services (and remembered versions) on the same Cosmos DB. */
  let other: Services;
  beforeAll(async () => {
    stack = await startLocalStack({ port: 0, passwordHashCost: 10, seed: false, timers: false, queueTriggers: false, settings });
    other = await createServices(stack.services.config);
  });
  afterAll(async () => {
    await other.close();
    await stack.close();
  });

  /** A text to `number` as the consumer counts it, from a restaurant of its own (so only the number's count can fill). */
  const textTo = (number: string, id: string) => ({
    id,
    to: number,
    restaurantId: `restaurant-of-${id}`,
    createdAt: new Date().toISOString(),
  });

  it('writes a counter it has seen without reading it, and reads it again once another worker wrote it', async () => {
    const venue = await newVenue(new Api(stack.apiUrl), { gracePeriodMinutes: 0 });
    const number = phoneNumber(8400);
    const party = await addParty(venue, { name: 'Seen', phone: number });
    const counterReads = (described: readonly string[]) => described.filter((d) => d.startsWith('GET') && d.includes('/docs/texts:'));
    const first = await stack.cosmos.requests.during(() => notify(venue, party.id));
    expect(first.result.status).toBe(200);
    // Neither counter was seen by this worker: each is created, and a create needs no read.
    expect(counterReads(first.described)).toEqual([]);
    const again = await stack.cosmos.requests.during(() => notify(venue, party.id));
    expect(again.result.status).toBe(200);
    expect(counterReads(again.described)).toEqual([]);

    await countText(other, textTo(number, 'from-the-other-worker'));
    const stale = await stack.cosmos.requests.during(() => notify(venue, party.id));
    expect(stale.result.status).toBe(200);
    // Only the number's counter changed since: it alone costs a lost write and a read.
    expect(counterReads(stale.described)).toEqual([`GET /dbs/waitlist/colls/users/docs/texts:${utcDayOf(new Date().toISOString())}`]);
    const records = await recordsOf(stack.services, venue.waitlistId, party.id);
    const ofNumber = await tickets(stack, { kind: 'texts-to-number', number, day: utcDayOf(new Date().toISOString()) });
    expect(Object.keys(ofNumber).sort()).toEqual([...records.map((r) => r.id), 'from-the-other-worker'].sort());
  });

  it('lets exactly the limit through when two workers count one number at once', async () => {
    const number = phoneNumber(8500);
    // Both workers have seen the counter before the race, so both start from a version soon stale.
    await countText(stack.services, textTo(number, 'warm-up-here'));
    await countText(other, textTo(number, 'warm-up-there'));
    const outcomes = await Promise.allSettled(
      Array.from({ length: 20 }, (_, i) => countText(i % 2 === 0 ? stack.services : other, textTo(number, `race-${i}`))),
    );
    const refused = outcomes.filter((o) => o.status === 'rejected');
    for (const outcome of refused) expect((outcome.reason as DomainError).kind).toBe('text-limit-reached');
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(perNumberPerDay - 2);
    const ofNumber = await tickets(stack, { kind: 'texts-to-number', number, day: utcDayOf(new Date().toISOString()) });
    expect(Object.keys(ofNumber)).toHaveLength(perNumberPerDay);
    expect(Object.values(ofNumber).every((ticket) => ticket === 'counted')).toBe(true);
  });
});

describe('a text notify held, with the consumer running', () => {
  let stack: LocalStack;
  beforeAll(async () => {
    stack = await startLocalStack({ port: 0, passwordHashCost: 10, seed: false, timers: false, settings });
  });
  afterAll(async () => {
    await stack.close();
  });

  it('of 20 parallel notifies on a count with one place left, sends exactly one', async () => {
    const sentTo = (from: number, to: number) => stack.sms.outbox().filter((m) => m.to >= phoneNumber(from) && m.to <= phoneNumber(to));
    const { venue, parties } = await venueWithOnePlaceLeft(stack, 8300, async (v, id) => {
      expect((await notify(v, id)).status).toBe(200);
    });
    await eventually(
      () => sentTo(8300, 8301),
      (sent) => sent.length === perRestaurantPerDay - 1,
    );
    const answers = await Promise.all(parties.map((party) => notify(venue, party.id)));
    expect(answers.filter((a) => a.status === 200)).toHaveLength(1);
    for (const refused of answers.filter((a) => a.status !== 200)) expectProblem(refused, 429, 'text-limit-reached');
    await waitForQueueIdle(stack);
    expect(sentTo(8310, 8329)).toHaveLength(1);
  });
});
