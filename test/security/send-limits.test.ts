import { afterAll, describe, expect, it } from 'vitest';
import { addParty, eventually, phoneNumber, recordsOf, useNotificationStack, waitForQueueIdle } from '../support/notifications.js';
import { expectProblem } from '../support/problems.js';
import { Api, newUser, newVenue, type ApiResponse, type Venue } from '../support/stack.js';

/**
 * What the restaurant's number is protected from (issue 12): texts to unverified numbers, a
 * guest's name used as a relay, and floods of texts to one party, one number or from one
 * restaurant. Each limit is also reached by 20 parallel requests, of which exactly the limit pass.
 */
const perNumberPerDay = 5;
const perRestaurantPerDay = 8;
const perPartyPerDay = 3;
const stack = useNotificationStack({
  timers: false,
  settings: {
    SMS_LIMIT_PER_PARTY_PER_DAY: String(perPartyPerDay),
    SMS_LIMIT_PER_NUMBER_PER_DAY: String(perNumberPerDay),
    SMS_LIMIT_PER_RESTAURANT_PER_DAY: String(perRestaurantPerDay),
  },
});
const api = () => new Api(stack().apiUrl);

/** The abuse attempts of this file: texts the requests tried to have sent, against the texts that went out. */
const tally = { tried: 0, numbers: new Set<string>() };
afterAll(() => {
  const sent = stack()
    .sms.outbox()
    .filter((m) => tally.numbers.has(m.to)).length;
  console.log(`[send limits] abuse tests tried ${tally.tried} texts; ${sent} were sent`);
});

const statuses = (answers: readonly ApiResponse[]) => answers.map((a) => a.status).join(',');
const sentTo = (number: string) =>
  stack()
    .sms.outbox()
    .filter((m) => m.to === number);
const notify = (venue: Venue, waiteeId: string) => venue.owner.api.post(`${venue.waitlistPath}/waitees/${waiteeId}/notify`);

function expectLimitAnswers(answers: readonly ApiResponse[], passed: number, scope: string, limit: number): void {
  expect(answers.filter((a) => a.status === 200).length, statuses(answers)).toBe(passed);
  for (const refused of answers.filter((a) => a.status !== 200)) {
    const problem = expectProblem(refused, 429, 'text-limit-reached');
    expect(problem).toMatchObject({ limitScope: scope, limit });
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(problem.retryAfterSeconds).toBe(Number(refused.headers.get('retry-after')));
  }
}

describe('guest text never becomes a weapon', () => {
  it('refuses the relay attempt with a 400 that says what to fix, and adds nobody', async () => {
    const venue = await newVenue(api());
    const customer = await newUser(api());
    const relay = { partySize: 2, phone: '+14155550188', name: 'URGENT: pay deposit at http://evil.example/p or lose table' };
    tally.tried += 1;
    tally.numbers.add(relay.phone);
    const answer = await customer.api.post(`${venue.waitlistPath}/waitees`, relay);
    const problem = expectProblem(answer, 400, 'validation-failed');
    expect(problem.errors).toEqual([expect.objectContaining({ pointer: '/name', where: 'body' })]);
    expect(String(problem.detail)).toContain('must not contain a web address');
    expect(await stack().services.waitees.line(venue.waitlistId)).toHaveLength(0);
    expectProblem(await venue.owner.api.post(`${venue.waitlistPath}/waitees`, { ...relay, name: 'Pay at evil.example' }), 400);
    expectProblem(await venue.owner.api.post(`${venue.waitlistPath}/waitees`, { ...relay, name: 'Ann\u202Eelbat' }), 400);
    const register = await api().post('/v1/auth/register', {
      email: `relay-${Date.now()}@example.test`,
      password: 'violet-lantern-orbit-42',
      displayName: 'Visit www.evil.example',
    });
    expectProblem(register, 400, 'validation-failed');
    expect(sentTo(relay.phone)).toHaveLength(0);
  });
});

describe('verified numbers only', () => {
  it('never texts the number a customer typed in, and shows staff why', async () => {
    const venue = await newVenue(api());
    const customer = await newUser(api());
    const stranger = phoneNumber(100);
    tally.tried += 1;
    tally.numbers.add(stranger);
    const joined = await customer.api.post(`${venue.waitlistPath}/waitees`, { partySize: 2, phone: stranger, name: 'Sam' });
    expect(joined.status).toBe(201);
    expect(joined.body.phoneVerified).toBe(false);
    expect((await notify(venue, String(joined.body.id))).status).toBe(200);
    const texts = await venue.owner.api.get<{ items: { status: string; lastError: string }[] }>(
      `${venue.waitlistPath}/waitees/${String(joined.body.id)}/notifications`,
    );
    expect(texts.body.items.map((t) => t.status)).toEqual(['failed']);
    expect(texts.body.items[0]?.lastError).toContain('not been verified');
    await waitForQueueIdle(stack());
    expect(sentTo(stranger)).toHaveLength(0);
  });
});

describe('send limits', () => {
  it('lets exactly 3 of 20 parallel notifies of one party text it; the rest get 429 with Retry-After', async () => {
    const venue = await newVenue(api(), { gracePeriodMinutes: 0 });
    const number = phoneNumber(200);
    const party = await addParty(venue, { name: 'Flood', phone: number });
    tally.tried += 20;
    tally.numbers.add(number);
    const answers = await Promise.all(Array.from({ length: 20 }, () => notify(venue, party.id)));
    expectLimitAnswers(answers, perPartyPerDay, 'party', perPartyPerDay);
    const sent = await eventually(
      () => sentTo(number),
      (messages) => messages.length >= perPartyPerDay,
    );
    await waitForQueueIdle(stack());
    expect(sent).toHaveLength(perPartyPerDay);
    expect(await recordsOf(stack().services, venue.waitlistId, party.id)).toHaveLength(perPartyPerDay);
  });

  it('re-pages no sooner than the grace period, answering 429 with the seconds left', async () => {
    const venue = await newVenue(api(), { gracePeriodMinutes: 10 });
    const party = await addParty(venue, { name: 'Eager', phone: phoneNumber(300) });
    tally.tried += 2;
    tally.numbers.add(phoneNumber(300));
    expect((await notify(venue, party.id)).status).toBe(200);
    const again = await notify(venue, party.id);
    expectLimitAnswers([again], 0, 'party-spacing', perPartyPerDay);
    expect(Number(again.headers.get('retry-after'))).toBeGreaterThan(9 * 60);
    expect(Number(again.headers.get('retry-after'))).toBeLessThanOrEqual(10 * 60);
  });

  it('does not text each new number when staff change a party’s phone and notify again', async () => {
    const venue = await newVenue(api(), { gracePeriodMinutes: 0 });
    const party = await addParty(venue, { name: 'Hopper', phone: phoneNumber(400) });
    const answers: ApiResponse[] = [];
    for (let i = 0; i < 25; i++) {
      const number = phoneNumber(400 + i);
      tally.numbers.add(number);
      tally.tried += 1;
      expect((await venue.owner.api.patch(`${venue.waitlistPath}/waitees/${party.id}`, { phone: number })).status).toBe(200);
      answers.push(await notify(venue, party.id));
    }
    expectLimitAnswers(answers, perPartyPerDay, 'party', perPartyPerDay);
    await waitForQueueIdle(stack());
    const texted = stack()
      .sms.outbox()
      .filter((m) => m.to >= phoneNumber(400) && m.to <= phoneNumber(424));
    expect(texted).toHaveLength(perPartyPerDay);
  });

  it('lets exactly 5 of 20 parallel texts to one number through, across two restaurants', async () => {
    const number = phoneNumber(500);
    const venues = [await newVenue(api()), await newVenue(api())];
    const parties = await Promise.all(
      Array.from({ length: 20 }, async (_, i) => {
        const venue = venues[i % 2] as Venue;
        return { venue, party: await addParty(venue, { name: `Walk-in ${i}`, phone: number }) };
      }),
    );
    tally.tried += 20;
    tally.numbers.add(number);
    const answers = await Promise.all(parties.map(({ venue, party }) => notify(venue, party.id)));
    expectLimitAnswers(answers, perNumberPerDay, 'number', perNumberPerDay);
    await eventually(
      () => sentTo(number),
      (messages) => messages.length >= perNumberPerDay,
    );
    await waitForQueueIdle(stack());
    expect(sentTo(number)).toHaveLength(perNumberPerDay);
    // Refused notifies changed nothing: those parties are still waiting.
    const waiting = await Promise.all(parties.map(({ venue, party }) => stack().services.waitees.get(venue.waitlistId, party.id)));
    expect(waiting.filter((w) => w?.value.status === 'waiting')).toHaveLength(20 - perNumberPerDay);
  });

  it('records a text the consumer may not send over the number’s daily limit as failed, with the reason', async () => {
    const number = phoneNumber(600);
    const venue = await newVenue(api());
    const parties = [];
    for (let i = 0; i < perNumberPerDay + 2; i++) parties.push(await addParty(venue, { name: `Guest ${i}`, phone: number }));
    tally.numbers.add(number);
    tally.tried += perNumberPerDay + 1;
    const [first, second, ...rest] = parties;
    if (first === undefined || second === undefined) throw new Error('parties were added');
    // Five table-ready texts fill the number's day; seating the first party then tells the second it
    // is getting close: a text written by the seat and counted only by the consumer, over the limit.
    for (const party of rest) expect((await notify(venue, party.id)).status).toBe(200);
    expect((await venue.owner.api.post(`${venue.waitlistPath}/waitees/${first.id}/seat`)).status).toBe(200);
    const told = await eventually(
      () => recordsOf(stack().services, venue.waitlistId, second.id),
      (found) => found.some((r) => r.status === 'failed'),
    );
    expect(told).toEqual([expect.objectContaining({ kind: 'getting-close', status: 'failed' })]);
    await waitForQueueIdle(stack());
    const records = (await Promise.all(parties.map((p) => recordsOf(stack().services, venue.waitlistId, p.id)))).flat();
    const refused = records.filter((r) => r.status === 'failed');
    expect(refused).toHaveLength(1);
    for (const record of refused) expect(record.lastError).toContain(`already got ${perNumberPerDay} texts today`);
    expect(sentTo(number)).toHaveLength(perNumberPerDay);
    expect(records.filter((r) => r.status !== 'failed')).toHaveLength(perNumberPerDay);
  });

  it('lets exactly 8 of 20 parallel notifies through in a restaurant at its daily limit', async () => {
    const venue = await newVenue(api());
    const parties = await Promise.all(
      Array.from({ length: 20 }, (_, i) => addParty(venue, { name: `Diner ${i}`, phone: phoneNumber(700 + i) })),
    );
    tally.tried += 20;
    for (let i = 0; i < 20; i++) tally.numbers.add(phoneNumber(700 + i));
    const answers = await Promise.all(parties.map((party) => notify(venue, party.id)));
    expectLimitAnswers(answers, perRestaurantPerDay, 'restaurant', perRestaurantPerDay);
    await waitForQueueIdle(stack());
    const sent = stack()
      .sms.outbox()
      .filter((m) => m.to >= phoneNumber(700) && m.to <= phoneNumber(719));
    expect(sent).toHaveLength(perRestaurantPerDay);
  });
});

describe('customer views', () => {
  it('never carry staff notes, and offer the customer only to leave', async () => {
    const venue = await newVenue(api());
    const customer = await newUser(api());
    const joined = await customer.api.post(`${venue.waitlistPath}/waitees`, { partySize: 2 });
    expect(joined.status).toBe(201);
    expect(joined.body).not.toHaveProperty('notes');
    const path = `${venue.waitlistPath}/waitees/${String(joined.body.id)}`;
    expect((await venue.owner.api.patch(path, { notes: 'rude to the host; seat last' })).status).toBe(200);
    expect((await venue.owner.api.get(path)).body).toMatchObject({ notes: 'rude to the host; seat last' });

    const own = await customer.api.get(path);
    expect(own.status).toBe(200);
    expect(own.body).not.toHaveProperty('notes');
    expect(own.body.allowedActions).toEqual(['cancel']);
    const mine = await customer.api.get<{ items: Record<string, unknown>[] }>('/v1/me/waitees');
    expect(mine.body.items).toHaveLength(1);
    expect(mine.body.items[0]).not.toHaveProperty('notes');
    expect(mine.body.items[0]?.allowedActions).toEqual(['cancel']);
    expect(JSON.stringify(mine.body)).not.toContain('rude');

    expect((await notify(venue, String(joined.body.id))).status).toBe(200);
    expect((await customer.api.get(path)).body.allowedActions).toEqual(['cancel']);
    expect((await venue.owner.api.get(path)).body.allowedActions).toEqual(['notify', 'seat', 'no-show', 'cancel']);
    const left = await customer.api.post(`${path}/cancel`);
    expect(left.status).toBe(200);
    expect(left.body).not.toHaveProperty('notes');
    expect(left.body.allowedActions).toEqual([]);
  });
});
