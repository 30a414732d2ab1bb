import { describe, expect, it } from 'vitest';
import { closeAdmissions } from '../../src/application/admissions.js';
import { lineCap, maxPartiesInLine } from '../../src/application/waitees.js';
import { expectProblem } from '../support/problems.js';
import { Api, newUser, newVenue, useLocalStack, walkIn, type ApiResponse, type Venue } from '../support/stack.js';

/**
 * A party joins its line in one transactional batch with the line's admissions document, written
 * under the ETag of the read that counted the line (docs/architecture.md, Caps): what that must
 * still guarantee against the closing of the line, retries, and what the document may hold.
 */
const stack = useLocalStack();
const api = () => new Api(stack().apiUrl);

const statuses = (responses: readonly ApiResponse[]) => responses.map((r) => r.status).join(',');
const addParty = (venue: Venue, name: string, headers: Record<string, string> = {}) =>
  venue.owner.api.post(`${venue.waitlistPath}/waitees`, { name, partySize: 2 }, headers);

describe("the line's cap in one transactional batch", () => {
  it('counts every add that lands before the line closes and refuses every add after it, in every round', async () => {
    for (let round = 0; round < 4; round++) {
      const venue = await newVenue(api());
      for (let i = 0; i < 3; i++) expect((await addParty(venue, `Earlier ${i}`)).status).toBe(201);
      const cap = lineCap(stack().services, venue.waitlistId);
      const [closing, ...racing] = await Promise.all([
        closeAdmissions(stack().services, cap),
        ...Array.from({ length: 10 }, (_, i) => addParty(venue, `Racing ${i}`)),
      ]);
      const admitted = racing.filter((answer) => answer.status === 201).length;
      for (const refused of racing.filter((answer) => answer.status !== 201)) expectProblem(refused, 409, 'conflict');
      expect(closing.inside, statuses(racing)).toBe(3 + admitted);
      expect(await stack().services.waitees.placesInLine(venue.waitlistId)).toHaveLength(3 + admitted);
      const late = await addParty(venue, 'Late');
      expectProblem(late, 409, 'conflict');
      expect(await stack().services.waitees.placesInLine(venue.waitlistId)).toHaveLength(closing.inside);
    }
  });

  it('answers a retried add with the same Idempotency-Key with the first party, even once that party filled the line', async () => {
    const venue = await newVenue(api());
    for (let start = 0; start < maxPartiesInLine - 1; start += 50) {
      await Promise.all(
        Array.from({ length: Math.min(50, maxPartiesInLine - 1 - start) }, (_, i) =>
          stack().services.waitees.create(walkIn(venue, { name: `Earlier ${start + i}`, phone: null })),
        ),
      );
    }
    const key = { 'idempotency-key': 'last-place-0001' };
    const first = await addParty(venue, 'Last', key);
    expect(first.status).toBe(201);
    const retries = await Promise.all(Array.from({ length: 4 }, () => addParty(venue, 'Last', key)));
    for (const retry of retries) {
      expect(retry.status, statuses(retries)).toBe(200);
      expect(retry.body).toMatchObject({ id: first.body.id, statusUrl: first.body.statusUrl, position: maxPartiesInLine });
    }
    expectProblem(await addParty(venue, 'Over', { 'idempotency-key': 'last-place-0002' }), 409, 'limit-reached');
    expect(await stack().services.waitees.placesInLine(venue.waitlistId)).toHaveLength(maxPartiesInLine);
  });

  it('still counts a claim an earlier version left in the document (a rolling deploy), and drops it once its party is listed', async () => {
    const venue = await newVenue(api());
    const earlier = Array.from({ length: maxPartiesInLine - 1 }, (_, i) => walkIn(venue, { name: `Earlier ${i}`, phone: null }));
    await Promise.all(earlier.map((waitee) => stack().services.waitees.create(waitee)));
    const scope = { kind: 'line', waitlistId: venue.waitlistId } as const;
    const claimed = walkIn(venue, { name: 'Claimed', phone: null });
    const claim = { id: claimed.id, ticket: 'earlier-version', at: new Date().toISOString() };
    await stack().services.admissions.save(scope, { pending: [claim], closing: null }, (await stack().services.admissions.get(scope)).etag);
    expectProblem(await addParty(venue, 'Over'), 409, 'limit-reached');
    await stack().services.waitees.create(claimed);
    expectProblem(await addParty(venue, 'Still over'), 409, 'limit-reached');
    await stack().services.waitees.delete(venue.waitlistId, earlier[0]?.id ?? '');
    expect((await addParty(venue, 'Next')).status).toBe(201);
    expect((await stack().services.admissions.get(scope)).value.pending).toEqual([]);
    expect(await stack().services.waitees.placesInLine(venue.waitlistId)).toHaveLength(maxPartiesInLine);
  });

  it("keeps nothing personal in the line's admissions document: no claim, no name, phone or note", async () => {
    const venue = await newVenue(api());
    const added = await venue.owner.api.post(`${venue.waitlistPath}/waitees`, {
      name: 'Ada Lovelace',
      phone: '+14155550187',
      partySize: 4,
      notes: 'window seat, nut allergy',
    });
    expect(added.status).toBe(201);
    const customer = await newUser(api(), { displayName: 'Grace Hopper' });
    expect((await customer.api.post(`${venue.waitlistPath}/waitees`, { partySize: 2 })).status).toBe(201);
    const { value, etag } = await stack().services.admissions.get({ kind: 'line', waitlistId: venue.waitlistId });
    expect(etag).not.toBe('');
    expect(value).toEqual({ id: 'admissions:line', waitlistId: venue.waitlistId, type: 'admissions', pending: [], closing: null });
    const stored = JSON.stringify(value);
    for (const personal of ['Ada', 'Lovelace', '+14155550187', 'allergy', 'Grace', customer.email]) expect(stored).not.toContain(personal);
  });
});
