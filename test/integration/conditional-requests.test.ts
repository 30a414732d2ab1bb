import { describe, expect, it } from 'vitest';
import { expectProblem } from '../support/problems.js';
import { Api, newVenue, useLocalStack, walkIn, type ApiResponse, type Json, type Venue } from '../support/stack.js';

const stack = useLocalStack();
const api = () => new Api(stack().apiUrl);

/** RFC 9110 8.8.3: a strong entity-tag is a quoted string of etagc characters. */
const strongEntityTag = /^"[\x21\x23-\x7e]+"$/;

function expectEntityTag(response: ApiResponse<Json>, status: number): string {
  expect(response.status, JSON.stringify(response.body).slice(0, 300)).toBe(status);
  const header = response.headers.get('etag');
  expect(header).toMatch(strongEntityTag);
  expect(response.body.etag).toBe(header);
  return String(header);
}

function expectNotModified(response: ApiResponse, etag: string): void {
  expect(response.status).toBe(304);
  expect(response.headers.get('etag')).toBe(etag);
  expect(response.headers.get('cache-control')).toBe('no-store');
  expect(response.body).toBe('');
}

async function addParty(venue: Venue, name: string): Promise<ApiResponse<Json>> {
  return venue.owner.api.post(`${venue.waitlistPath}/waitees`, { name, partySize: 2 });
}

interface LinePage {
  readonly items: Json[];
  readonly continuationToken: string | null;
}

describe('ETags (RFC 9110)', () => {
  it('sends a quoted strong ETag, equal to the body’s etag, on every versioned answer', async () => {
    const venue = await newVenue(api());
    const { owner } = venue;
    const restaurantPath = `/v1/restaurants/${venue.restaurantId}`;
    expectEntityTag(await owner.api.post('/v1/restaurants', { name: 'Other Diner', timeZone: 'Europe/Paris' }), 201);
    expectEntityTag(await owner.api.get(restaurantPath), 200);
    expectEntityTag(await owner.api.patch(restaurantPath, { name: 'Renamed' }), 200);
    expectEntityTag(await owner.api.post(`${restaurantPath}/waitlists`, { name: 'Lunch' }), 201);
    expectEntityTag(await owner.api.get(venue.waitlistPath), 200);
    expectEntityTag(await owner.api.patch(venue.waitlistPath, { defaultWaitMinutes: 20 }), 200);
    const added = await addParty(venue, 'Ada');
    expectEntityTag(added, 201);
    const partyPath = `${venue.waitlistPath}/waitees/${String(added.body.id)}`;
    expectEntityTag(await owner.api.get(partyPath), 200);
    expectEntityTag(await owner.api.patch(partyPath, { partySize: 3 }), 200);
    expectEntityTag(await owner.api.post(`${partyPath}/notify`), 200);
    const line = await owner.api.get<LinePage>(`${venue.waitlistPath}/waitees`);
    expect(line.headers.get('etag')).toMatch(strongEntityTag);
    for (const item of line.body.items) expect(item.etag).toMatch(strongEntityTag);
  });

  it('writes with a quoted If-Match, with * on an existing resource, and with a list that names the current tag', async () => {
    const venue = await newVenue(api());
    const { owner } = venue;
    const restaurantPath = `/v1/restaurants/${venue.restaurantId}`;
    const restaurant = expectEntityTag(await owner.api.get(restaurantPath), 200);
    const renamed = expectEntityTag(await owner.api.patch(restaurantPath, { name: 'Quoted' }, { 'if-match': restaurant }), 200);
    expectEntityTag(await owner.api.patch(restaurantPath, { name: 'Listed' }, { 'if-match': `"elsewhere", ${renamed}` }), 200);
    expectEntityTag(await owner.api.patch(venue.waitlistPath, { defaultWaitMinutes: 25 }, { 'if-match': '*' }), 200);

    const partyPath = `${venue.waitlistPath}/waitees/${String((await addParty(venue, 'Grace')).body.id)}`;
    const party = expectEntityTag(await owner.api.get(partyPath), 200);
    const patched = expectEntityTag(await owner.api.patch(partyPath, { notes: 'window' }, { 'if-match': party }), 200);
    const notified = expectEntityTag(await owner.api.post(`${partyPath}/notify`, undefined, { 'if-match': patched }), 200);
    expect(notified).not.toBe(patched);
    expectEntityTag(await owner.api.post(`${partyPath}/seat`, undefined, { 'if-match': '*' }), 200);
    const removable = await addParty(venue, 'Linus');
    const removablePath = `${venue.waitlistPath}/waitees/${String(removable.body.id)}`;
    expect((await owner.api.delete(removablePath, { 'if-match': String(removable.headers.get('etag')) })).status).toBe(204);
  });

  it('refuses a weak, stale or unquoted If-Match with 412 and changes nothing', async () => {
    const venue = await newVenue(api());
    const { owner } = venue;
    const partyPath = `${venue.waitlistPath}/waitees/${String((await addParty(venue, 'Edsger')).body.id)}`;
    const current = expectEntityTag(await owner.api.get(partyPath), 200);
    const refused = [`W/${current}`, '"00000000-0000-0000-0000-000000000000"', current.slice(1, -1)];
    for (const ifMatch of refused) {
      expectProblem(await owner.api.patch(partyPath, { name: 'Changed' }, { 'if-match': ifMatch }), 412, 'precondition-failed');
      expectProblem(await owner.api.post(`${partyPath}/seat`, undefined, { 'if-match': ifMatch }), 412, 'precondition-failed');
      expectProblem(await owner.api.delete(partyPath, { 'if-match': ifMatch }), 412, 'precondition-failed');
    }
    const unquoted = expectProblem(await owner.api.patch(venue.waitlistPath, { open: false }, { 'if-match': 'bare' }), 412);
    expect(String(unquoted.detail)).toContain('quoted entity-tags');
    const after = await owner.api.get(partyPath);
    expect(after.body).toMatchObject({ name: 'Edsger', status: 'waiting', etag: current });
    expect((await owner.api.get(venue.waitlistPath)).body).toMatchObject({ open: true });
  });
});

describe('If-None-Match on GET', () => {
  it('answers 304 with the ETag and no body for an unchanged restaurant, waitlist and waitee, weak form included', async () => {
    const venue = await newVenue(api());
    const { owner } = venue;
    const partyPath = `${venue.waitlistPath}/waitees/${String((await addParty(venue, 'Barbara')).body.id)}`;
    for (const path of [`/v1/restaurants/${venue.restaurantId}`, venue.waitlistPath, partyPath]) {
      const etag = expectEntityTag(await owner.api.get(path), 200);
      expectNotModified(await owner.api.get(path, { 'if-none-match': etag }), etag);
      expectNotModified(await owner.api.get(path, { 'if-none-match': `"other", W/${etag}` }), etag);
      expectNotModified(await owner.api.get(path, { 'if-none-match': '*' }), etag);
      expectEntityTag(await owner.api.get(path, { 'if-none-match': '"other"' }), 200);
    }
    const changedFrom = expectEntityTag(await owner.api.get(partyPath), 200);
    await owner.api.patch(partyPath, { partySize: 4 });
    const changed = expectEntityTag(await owner.api.get(partyPath, { 'if-none-match': changedFrom }), 200);
    expect(changed).not.toBe(changedFrom);
    expect((await owner.api.get(partyPath, { 'if-none-match': changedFrom })).body).toMatchObject({ partySize: 4 });
  });

  it('gives a page of the line an ETag: 304 while nothing on it changes, 200 with a new ETag after one party changes', async () => {
    const venue = await newVenue(api());
    const { owner } = venue;
    const ids: string[] = [];
    for (const name of ['Ada', 'Grace', 'Linus']) ids.push(String((await addParty(venue, name)).body.id));
    const linePath = `${venue.waitlistPath}/waitees?limit=2`;
    const first = await owner.api.get<LinePage>(linePath);
    const etag = String(first.headers.get('etag'));
    expect(etag).toMatch(strongEntityTag);
    expectNotModified(await owner.api.get(linePath, { 'if-none-match': etag }), etag);

    await owner.api.patch(`${venue.waitlistPath}/waitees/${String(ids[1])}`, { notes: 'high chair' });
    const polled = await owner.api.get<LinePage>(linePath, { 'if-none-match': etag });
    expect(polled.status).toBe(200);
    const next = String(polled.headers.get('etag'));
    expect(next).toMatch(strongEntityTag);
    expect(next).not.toBe(etag);
    expect(polled.body.items.map((item) => item.notes)).toEqual([null, 'high chair']);
    expectNotModified(await owner.api.get(linePath, { 'if-none-match': next }), next);
  });
});

describe('continuation tokens', () => {
  async function lineOf(size: number): Promise<Venue> {
    const venue = await newVenue(api());
    for (let i = 0; i < size; i++) {
      await stack().services.waitees.create(walkIn(venue, { name: `Party ${String(i).padStart(2, '0')}`, phone: null }));
    }
    return venue;
  }

  const pageOf = (venue: Venue, query: string) => venue.owner.api.get<LinePage>(`${venue.waitlistPath}/waitees?${query}`);

  function expectTokenRefused(response: ApiResponse): void {
    const problem = expectProblem(response, 400, 'validation-failed');
    expect(problem).toMatchObject({ field: 'continuationToken', errors: [{ pointer: '/continuationToken', where: 'query' }] });
  }

  it('pages through the whole line, each party once, in joining order', async () => {
    const venue = await lineOf(7);
    const seen: string[] = [];
    let token: string | null = null;
    let pages = 0;
    do {
      const query: string = `limit=2${token === null ? '' : `&continuationToken=${encodeURIComponent(token)}`}`;
      const page = await pageOf(venue, query);
      expect(page.status).toBe(200);
      seen.push(...page.body.items.map((item) => String(item.name)));
      token = page.body.continuationToken;
      pages += 1;
    } while (token !== null && pages < 10);
    expect(seen).toEqual(Array.from({ length: 7 }, (_, i) => `Party ${String(i).padStart(2, '0')}`));
    expect(pages).toBe(4);
  });

  it('refuses a token altered in one character, one from another waitlist, and one read with another status filter', async () => {
    const venue = await lineOf(3);
    const other = await lineOf(3);
    const first = await pageOf(venue, 'limit=1');
    const token = String(first.body.continuationToken);
    expect((await pageOf(venue, `limit=1&continuationToken=${encodeURIComponent(token)}`)).body.items).toMatchObject([
      { name: 'Party 01' },
    ]);

    for (const at of [0, Math.floor(token.length / 2), token.length - 1]) {
      const flipped = `${token.slice(0, at)}${token[at] === 'A' ? 'B' : 'A'}${token.slice(at + 1)}`;
      expectTokenRefused(await pageOf(venue, `limit=1&continuationToken=${encodeURIComponent(flipped)}`));
    }
    expectTokenRefused(await pageOf(other, `limit=1&continuationToken=${encodeURIComponent(token)}`));
    expectTokenRefused(await pageOf(venue, `limit=1&status=waiting&continuationToken=${encodeURIComponent(token)}`));

    const filtered = String((await pageOf(venue, 'limit=1&status=waiting,notified')).body.continuationToken);
    const sameFilter = await pageOf(venue, `limit=1&status=notified&status=waiting&continuationToken=${encodeURIComponent(filtered)}`);
    expect(sameFilter.body.items).toMatchObject([{ name: 'Party 01' }]);
    expectTokenRefused(await pageOf(venue, `limit=1&continuationToken=${encodeURIComponent(filtered)}`));
  });
});
