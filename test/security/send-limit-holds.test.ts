import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalStack, type LocalStack } from '../../local/stack.js';
import { consume } from '../../src/application/notifications.js';
import type { CapScope } from '../../src/application/ports.js';
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
const settings = { SMS_LIMIT_PER_RESTAURANT_PER_DAY: String(perRestaurantPerDay), SMS_LIMIT_PER_NUMBER_PER_DAY: '50' };

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
