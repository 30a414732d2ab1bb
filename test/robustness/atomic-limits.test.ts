import { describe, expect, it } from 'vitest';
import { maxRestaurantsPerUser } from '../../src/application/restaurants.js';
import { maxPartiesInLine } from '../../src/application/waitees.js';
import { maxWaitlistsPerRestaurant } from '../../src/application/waitlists.js';
import { expectProblem } from '../support/problems.js';
import { addMember, Api, newUser, newVenue, useLocalStack, walkIn, type ApiResponse, type Venue } from '../support/stack.js';

/**
 * Every limit and every "at least one" rule holds when its requests arrive at once (docs/api.md,
 * Limits): 20 parallel requests against a limit 5 away let exactly 5 through.
 */
const stack = useLocalStack();
const api = () => new Api(stack().apiUrl);

const count = (responses: readonly ApiResponse[], status: number) => responses.filter((r) => r.status === status).length;
const statuses = (responses: readonly ApiResponse[]) => responses.map((r) => r.status).join(',');

function expectExactlyUpTo(answers: readonly ApiResponse[], admitted: number, limit: number): void {
  expect(count(answers, 201), statuses(answers)).toBe(admitted);
  for (const answer of answers.filter((a) => a.status !== 201)) {
    expectProblem(answer, 409, 'limit-reached');
    expect(answer.body).toMatchObject({ limit });
  }
}

/** Fills a line straight through the store (as a crowd of earlier joins would have), up to `size` parties. */
async function fillLine(venue: Venue, size: number): Promise<void> {
  for (let start = 0; start < size; start += 50) {
    await Promise.all(
      Array.from({ length: Math.min(50, size - start) }, (_, i) =>
        stack().services.waitees.create(walkIn(venue, { name: `Earlier ${start + i}`, phone: null })),
      ),
    );
  }
}

describe('limits under 20 parallel requests', () => {
  it('lets exactly 5 of 20 parallel adds into a line 5 short of its limit, the rest get limit-reached', async () => {
    const venue = await newVenue(api());
    await fillLine(venue, maxPartiesInLine - 5);
    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, i) => venue.owner.api.post(`${venue.waitlistPath}/waitees`, { name: `Walk-in ${i}`, partySize: 2 })),
    );
    expectExactlyUpTo(answers, 5, maxPartiesInLine);
    expect((await stack().services.waitees.line(venue.waitlistId)).length).toBe(maxPartiesInLine);
  });

  it('lets a party in again once one leaves a full line', async () => {
    const venue = await newVenue(api());
    await fillLine(venue, maxPartiesInLine - 1);
    const last = await venue.owner.api.post(`${venue.waitlistPath}/waitees`, { name: 'Last', partySize: 2 });
    expect(last.status).toBe(201);
    expectProblem(await venue.owner.api.post(`${venue.waitlistPath}/waitees`, { name: 'Over', partySize: 2 }), 409, 'limit-reached');
    expect((await venue.owner.api.post(`${venue.waitlistPath}/waitees/${String(last.body.id)}/seat`)).status).toBe(200);
    expect((await venue.owner.api.post(`${venue.waitlistPath}/waitees`, { name: 'Next', partySize: 2 })).status).toBe(201);
    expect((await stack().services.waitees.line(venue.waitlistId)).length).toBe(maxPartiesInLine);
  });

  it('lets exactly 5 of 20 parallel waitlist creations into a restaurant 5 short of its limit', async () => {
    const venue = await newVenue(api());
    for (let i = 1; i < maxWaitlistsPerRestaurant - 5; i++) {
      expect((await venue.owner.api.post(`/v1/restaurants/${venue.restaurantId}/waitlists`, { name: `Earlier ${i}` })).status).toBe(201);
    }
    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, i) => venue.owner.api.post(`/v1/restaurants/${venue.restaurantId}/waitlists`, { name: `Rush ${i}` })),
    );
    expectExactlyUpTo(answers, 5, maxWaitlistsPerRestaurant);
    expect(await stack().services.restaurants.waitlists(venue.restaurantId)).toHaveLength(maxWaitlistsPerRestaurant);
  });

  it('lets exactly 5 of 20 parallel restaurant creations through for a user 5 short of their limit', async () => {
    const user = await newUser(api());
    for (let i = 0; i < maxRestaurantsPerUser - 5; i++) {
      expect((await user.api.post('/v1/restaurants', { name: `Earlier ${i}`, timeZone: 'Europe/Paris' })).status).toBe(201);
    }
    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, i) => user.api.post('/v1/restaurants', { name: `Rush ${i}`, timeZone: 'Europe/Paris' })),
    );
    expectExactlyUpTo(answers, 5, maxRestaurantsPerUser);
    expect(await stack().services.users.memberships(user.id)).toHaveLength(maxRestaurantsPerUser);
  });
});

describe('a restaurant always keeps an owner', () => {
  it('lets only one of two owners removing each other at once succeed, in every round', async () => {
    for (let round = 0; round < 6; round++) {
      const first = await newUser(api());
      const second = await newUser(api());
      const created = await first.api.post('/v1/restaurants', { name: `Partners ${round}`, timeZone: 'Europe/Paris' });
      const staffPath = `/v1/restaurants/${String(created.body.id)}/staff`;
      await addMember(first, String(created.body.id), second, 'owner');

      const answers = await Promise.all([first.api.delete(`${staffPath}/${second.id}`), second.api.delete(`${staffPath}/${first.id}`)]);
      expect(count(answers, 204), statuses(answers)).toBe(1);
      for (const answer of answers.filter((a) => a.status !== 204)) expect([404, 409]).toContain(answer.status);
      const owners = (await stack().services.restaurants.members(String(created.body.id))).filter((m) => m.role === 'owner');
      expect(owners).toHaveLength(1);
    }
  });
});

describe('deleting a waitlist while parties join', () => {
  it('never answers 204 to the delete and 201 to a join, and leaves no party in a deleted line', async () => {
    for (let round = 0; round < 6; round++) {
      const venue = await newVenue(api());
      const customers = await Promise.all(Array.from({ length: 3 }, () => newUser(api())));
      const [deleted, ...joins] = await Promise.all([
        venue.owner.api.delete(venue.waitlistPath),
        ...customers.map((c) => c.api.post(`${venue.waitlistPath}/waitees`, { partySize: 2 })),
      ]);
      if (deleted.status === 204) {
        for (const join of joins) expect([404, 409], statuses(joins)).toContain(join.status);
        expect(await stack().services.waitees.line(venue.waitlistId)).toHaveLength(0);
      } else {
        expectProblem(deleted, 409, 'conflict');
        expect(await stack().services.restaurants.waitlist(venue.restaurantId, venue.waitlistId)).not.toBeNull();
        const joined = count(joins, 201);
        expect((await stack().services.waitees.line(venue.waitlistId)).length).toBe(joined);
      }
    }
  });
});
