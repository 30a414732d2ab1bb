import { describe, expect, it } from 'vitest';
import { entityTagOf } from '../../src/application/views.js';
import { expectProblem } from '../support/problems.js';
import { Api, newUser, newVenue, useLocalStack, type ApiResponse, type Json, type Venue } from '../support/stack.js';

const stack = useLocalStack();
const api = () => new Api(stack().apiUrl);

async function addParty(venue: Venue, name: string, partySize = 2): Promise<Json> {
  const added = await venue.owner.api.post(`${venue.waitlistPath}/waitees`, { name, partySize });
  if (added.status !== 201) throw new Error(`add failed: ${JSON.stringify(added.body)}`);
  return added.body;
}

const statuses = (responses: readonly ApiResponse[]) => responses.map((r) => r.status);
const count = (responses: readonly ApiResponse[], status: number) => responses.filter((r) => r.status === status).length;

describe('optimistic concurrency with If-Match', () => {
  it('lets exactly one of 20 parallel PATCHes with the same ETag win; the others get 412 and the stored party is the winner’s', async () => {
    const venue = await newVenue(api());
    const party = await addParty(venue, 'Original');
    const path = `${venue.waitlistPath}/waitees/${String(party.id)}`;
    const etag = String(party.etag);
    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        venue.owner.api.patch(path, { name: `Writer ${i}`, partySize: (i % 10) + 1 }, { 'if-match': etag }),
      ),
    );
    expect(count(answers, 200), statuses(answers).join(',')).toBe(1);
    for (const answer of answers.filter((a) => a.status !== 200)) expectProblem(answer, 412, 'precondition-failed');

    const winner = answers.find((a) => a.status === 200);
    const stored = await stack().services.waitees.get(venue.waitlistId, String(party.id));
    expect(stored?.value).toMatchObject({ name: winner?.body.name, partySize: winner?.body.partySize });
    const storedTag = entityTagOf(String(stored?.etag));
    expect(storedTag).toBe(winner?.headers.get('etag'));
    expect(storedTag).not.toBe(etag);
    const read = await venue.owner.api.get(path);
    expect(read.body).toMatchObject({ name: winner?.body.name, etag: storedTag });
  });

  it('lets exactly one of 10 parallel waitlist changes with the same ETag win', async () => {
    const venue = await newVenue(api());
    const current = await venue.owner.api.get(venue.waitlistPath);
    const answers = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        venue.owner.api.patch(venue.waitlistPath, { defaultWaitMinutes: 30 + i }, { 'if-match': String(current.body.etag) }),
      ),
    );
    expect(count(answers, 200), statuses(answers).join(',')).toBe(1);
    for (const answer of answers.filter((a) => a.status !== 200)) expectProblem(answer, 412, 'precondition-failed');
    const stored = await stack().services.restaurants.waitlist(venue.restaurantId, venue.waitlistId);
    expect(stored?.value.defaultWaitMinutes).toBe(answers.find((a) => a.status === 200)?.body.defaultWaitMinutes);
  });

  it('refuses an action with a stale If-Match and leaves the party as it was', async () => {
    const venue = await newVenue(api());
    const party = await addParty(venue, 'Stale');
    const path = `${venue.waitlistPath}/waitees/${String(party.id)}`;
    expect((await venue.owner.api.patch(path, { notes: 'moved to the bar' })).status).toBe(200);
    expectProblem(await venue.owner.api.post(`${path}/seat`, undefined, { 'if-match': String(party.etag) }), 412, 'precondition-failed');
    expect((await stack().services.waitees.get(venue.waitlistId, String(party.id)))?.value.status).toBe('waiting');
  });
});

describe('parallel actions without If-Match (retried on fresh data, nothing lost)', () => {
  it('applies 20 parallel re-pages of one party', async () => {
    const venue = await newVenue(api());
    const party = await addParty(venue, 'Paged');
    const path = `${venue.waitlistPath}/waitees/${String(party.id)}/notify`;
    const answers = await Promise.all(Array.from({ length: 20 }, () => venue.owner.api.post(path)));
    expect(statuses(answers)).toEqual(Array.from({ length: 20 }, () => 200));
    expect((await stack().services.waitees.get(venue.waitlistId, String(party.id)))?.value.status).toBe('notified');
  });

  it('seats a party whatever the order of a racing notify, never answering 412 or 5xx', async () => {
    const venue = await newVenue(api());
    for (let round = 0; round < 5; round++) {
      const party = await addParty(venue, `Race ${round}`);
      const base = `${venue.waitlistPath}/waitees/${String(party.id)}`;
      const [notified, seated] = await Promise.all([venue.owner.api.post(`${base}/notify`), venue.owner.api.post(`${base}/seat`)]);
      expect(seated.status).toBe(200);
      if (notified.status !== 200) expectProblem(notified, 409, 'invalid-transition');
      const stored = await stack().services.waitees.get(venue.waitlistId, String(party.id));
      expect(stored?.value.status).toBe('seated');
      expect(stored?.value.seatedAt).not.toBeNull();
      expect(stored?.value.notifiedAt === null).toBe(notified.status !== 200);
    }
  });

  it('keeps every seating in the waitlist history when 20 parties are seated at once', async () => {
    const venue = await newVenue(api());
    const parties = [];
    for (let i = 0; i < 20; i++) parties.push(await addParty(venue, `Table ${i}`, (i % 6) + 1));
    const answers = await Promise.all(parties.map((p) => venue.owner.api.post(`${venue.waitlistPath}/waitees/${String(p.id)}/seat`)));
    expect(statuses(answers)).toEqual(parties.map(() => 200));
    const waitlist = await stack().services.restaurants.waitlist(venue.restaurantId, venue.waitlistId);
    expect(waitlist?.value.recentSeatings).toHaveLength(20);
    expect(waitlist?.value.recentSeatings.map((s) => s.partySize).sort()).toEqual(parties.map((p) => Number(p.partySize)).sort());
  });
});

describe('idempotent joins', () => {
  it('makes one party of 8 parallel customer joins with the same Idempotency-Key', async () => {
    const venue = await newVenue(api());
    const customer = await newUser(api());
    const key = `join-${Date.now().toString(36)}`;
    const join = () => customer.api.post(`${venue.waitlistPath}/waitees`, { partySize: 2 }, { 'idempotency-key': key });
    const answers = await Promise.all(Array.from({ length: 8 }, join));
    expect(count(answers, 201), statuses(answers).join(',')).toBe(1);
    const party = answers.find((a) => a.status === 201)?.body;
    // A duplicate still in flight may be answered 409 (as the Idempotency-Key draft allows); any other answer is the same party.
    for (const answer of answers) {
      if (answer.status === 409) expectProblem(answer, 409, 'conflict');
      else expect(answer.body.id, statuses(answers).join(',')).toBe(party?.id);
    }
    const retried = await join();
    expect(retried.status).toBe(200);
    expect(retried.body.id).toBe(party?.id);

    const line = await venue.owner.api.get<{ items: Json[] }>(`${venue.waitlistPath}/waitees`);
    expect(line.body.items.map((w) => w.id)).toEqual([party?.id]);
    const mine = await customer.api.get<{ items: Json[] }>('/v1/me/waitees');
    expect(mine.body.items.map((w) => w.id)).toEqual([party?.id]);
    // The status link every answer gave works.
    for (const url of new Set([retried, ...answers].filter((a) => a.status < 300).map((a) => String(a.body.statusUrl))))
      expect((await fetch(url)).status).toBe(200);
  });

  it('makes one party of 8 parallel staff adds with the same Idempotency-Key, and a new key makes another', async () => {
    const venue = await newVenue(api());
    const answers = await Promise.all(
      Array.from({ length: 8 }, () =>
        venue.owner.api.post(`${venue.waitlistPath}/waitees`, { name: 'Walk-in', partySize: 3 }, { 'idempotency-key': 'staff-add-0001' }),
      ),
    );
    expect(count(answers, 201), statuses(answers).join(',')).toBe(1);
    expect(count(answers, 200)).toBe(7);
    expect(new Set(answers.map((a) => a.body.id)).size).toBe(1);
    const other = await venue.owner.api.post(
      `${venue.waitlistPath}/waitees`,
      { name: 'Walk-in', partySize: 3 },
      { 'idempotency-key': 'staff-add-0002' },
    );
    expect(other.status).toBe(201);
    expect((await stack().services.waitees.line(venue.waitlistId)).length).toBe(2);
  });

  it('keeps a customer to one place per line when they join 6 times at once without a key', async () => {
    const venue = await newVenue(api());
    const customer = await newUser(api());
    const answers = await Promise.all(
      Array.from({ length: 6 }, () => customer.api.post(`${venue.waitlistPath}/waitees`, { partySize: 2 })),
    );
    expect(count(answers, 201), statuses(answers).join(',')).toBe(1);
    for (const answer of answers.filter((a) => a.status !== 201)) expectProblem(answer, 409, 'conflict');
    expect((await stack().services.waitees.line(venue.waitlistId)).length).toBe(1);
  });
});
