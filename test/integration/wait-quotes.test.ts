import { describe, expect, it } from 'vitest';
import { phoneNumber } from '../support/notifications.js';
import { Api, newUser, newVenue, useLocalStack, type Venue } from '../support/stack.js';
import { joinByCode, joinLinkOf } from '../guest/support.js';

const stack = useLocalStack({ settings: { JOIN_CODES_PER_ADDRESS_PER_HOUR: '1000' } });
const api = () => new Api(stack().apiUrl);

interface Quoted {
  id: string;
  position: number | null;
  estimatedWaitMinutes: number | null;
  estimatedWaitRange: { low: number; high: number } | null;
  quotedWaitMinutes: number | null;
}

const addParty = async (venue: Venue, name: string, partySize: number): Promise<Quoted> => {
  const added = await venue.owner.api.post<Quoted>(`${venue.waitlistPath}/waitees`, { name, partySize });
  expect(added.status, JSON.stringify(added.body)).toBe(201);
  return added.body;
};

/** A party read on its own: its quote comes from the line's projection query, not from a page holding the line. */
const readParty = async (venue: Venue, id: string): Promise<Quoted> =>
  (await venue.owner.api.get<Quoted>(`${venue.waitlistPath}/waitees/${id}`)).body;

describe('position-aware wait quotes through the API', () => {
  it("quotes the README's Ada, first in line, the waitlist's default, and Casey behind her in the same band more", async () => {
    const venue = await newVenue(api(), { defaultWaitMinutes: 20 });
    const ada = await addParty(venue, 'Ada', 2);
    expect(ada).toMatchObject({ position: 1, estimatedWaitMinutes: 20, estimatedWaitRange: { low: 10, high: 45 }, quotedWaitMinutes: 20 });

    // Casey joins as herself from the client app, a party of 2 like Ada: the same band, one behind.
    const casey = await newUser(api());
    const joined = await casey.api.post<Quoted>(`${venue.waitlistPath}/waitees`, { partySize: 2 });
    expect(joined.status, JSON.stringify(joined.body)).toBe(201);
    expect(joined.body.position).toBe(2);
    expect(joined.body.estimatedWaitMinutes).toBeGreaterThan(20);
    expect(joined.body.quotedWaitMinutes).toBeGreaterThan(20);
    const range = joined.body.estimatedWaitRange;
    expect(range?.low).toBeLessThanOrEqual(joined.body.estimatedWaitMinutes ?? -1);
    expect(range?.high).toBeGreaterThanOrEqual(joined.body.estimatedWaitMinutes ?? Infinity);
    expect(range?.high).toBeGreaterThan(45);
  });

  it('does not push a party of 6 back behind parties of 2 that joined first, on a page or read alone', async () => {
    const venue = await newVenue(api(), { defaultWaitMinutes: 20 });
    const couples = [await addParty(venue, 'Couple 1', 2), await addParty(venue, 'Couple 2', 2), await addParty(venue, 'Couple 3', 2)];
    const six = await addParty(venue, 'Six', 6);
    expect(six.position).toBe(4);
    expect(six.quotedWaitMinutes).toBe(20);
    const alone = await readParty(venue, six.id);
    expect(alone.estimatedWaitMinutes).toBeGreaterThanOrEqual(20);
    expect(alone.estimatedWaitMinutes).toBeLessThanOrEqual(21);
    const third = await readParty(venue, couples[2]?.id ?? '');
    expect(third.estimatedWaitMinutes).toBeGreaterThan(40);

    const page = await venue.owner.api.get<{ items: Quoted[] }>(`${venue.waitlistPath}/waitees?limit=50`);
    const onPage = page.body.items.find((party) => party.id === six.id);
    expect(onPage?.estimatedWaitMinutes).toBeLessThanOrEqual(21);
    expect(page.body.items.map((party) => party.estimatedWaitMinutes ?? 0).slice(0, 3)).toEqual(
      [...page.body.items.map((party) => party.estimatedWaitMinutes ?? 0).slice(0, 3)].sort((a, b) => a - b),
    );
  });

  it('keeps the quote a guest was given when joining by link', async () => {
    const venue = await newVenue(api(), { defaultWaitMinutes: 20 });
    await addParty(venue, 'Ahead', 2);
    const joined = await joinByCode(stack(), api(), await joinLinkOf(venue), phoneNumber(9301));
    const party = await readParty(venue, joined.waiteeId);
    expect(party.position).toBe(2);
    expect(party.quotedWaitMinutes).toBeGreaterThan(20);
    const stored = await stack().services.waitees.get(venue.waitlistId, joined.waiteeId);
    expect(stored?.value.joinQuote?.minutes).toBe(party.quotedWaitMinutes);
    expect(stored?.value.joinQuote?.low).toBeLessThanOrEqual(party.quotedWaitMinutes ?? -1);
    expect(stored?.value.joinQuote?.high).toBeGreaterThanOrEqual(party.quotedWaitMinutes ?? Infinity);
  });

  it('records a cancelled party in the history quotes are made from, as having left without a table', async () => {
    const venue = await newVenue(api(), { defaultWaitMinutes: 20 });
    const seated = await addParty(venue, 'Seated', 2);
    const leaving = await addParty(venue, 'Leaving', 4);
    expect((await venue.owner.api.post(`${venue.waitlistPath}/waitees/${seated.id}/seat`)).status).toBe(200);
    expect((await venue.owner.api.post(`${venue.waitlistPath}/waitees/${leaving.id}/cancel`)).status).toBe(200);
    const waitlist = await stack().services.restaurants.waitlist(venue.restaurantId, venue.waitlistId);
    expect(waitlist?.value.recentSeatings.map(({ partySize, left }) => ({ partySize, left }))).toEqual([
      { partySize: 4, left: true },
      { partySize: 2, left: undefined },
    ]);
  });

  it('counts each party that left in its weekday and hour, and quotes from past weeks of that hour once they hold enough parties', async () => {
    const venue = await newVenue(api(), { defaultWaitMinutes: 20 });
    const seated = await addParty(venue, 'Seated', 2);
    const leaving = await addParty(venue, 'Leaving', 4);
    const hour = (at: Date) => `${at.getUTCDay()}-${at.getUTCHours()}`;
    const before = hour(new Date());
    expect((await venue.owner.api.post(`${venue.waitlistPath}/waitees/${seated.id}/seat`)).status).toBe(200);
    expect((await venue.owner.api.post(`${venue.waitlistPath}/waitees/${leaving.id}/cancel`)).status).toBe(200);
    const counted = await stack().services.restaurants.waitlist(venue.restaurantId, venue.waitlistId);
    const cells = Object.entries(counted?.value.hourHistory ?? {});
    // Both left this hour (or the next, if the clock passed it meanwhile).
    expect(cells.length).toBeGreaterThan(0);
    expect(cells.every(([key]) => key === before || key === hour(new Date()))).toBe(true);
    expect(cells.reduce((sum, [, cell]) => sum + (cell.seated[0] ?? 0), 0)).toBe(1);
    expect(cells.reduce((sum, [, cell]) => sum + (cell.left[1] ?? 0), 0)).toBe(1);

    // Past weeks in which a couple was seated every 5 minutes, in every weekday and hour, so the clock cannot step out of them.
    const week = Date.now() / (7 * 86_400_000);
    const busy = { week, seated: [120, 0, 0, 0], left: [0, 0, 0, 0], waiting: [600, 0, 0, 0], lineWaiting: 600 };
    const everyHour = Object.fromEntries(Array.from({ length: 7 * 24 }, (_, i) => [`${Math.floor(i / 24)}-${i % 24}`, busy]));
    if (counted === null) throw new Error('the waitlist is gone');
    await stack().services.restaurants.replaceWaitlist({ ...counted.value, recentSeatings: [], hourHistory: everyHour }, counted.etag);
    const first = await addParty(venue, 'First', 2);
    const second = await addParty(venue, 'Second', 2);
    expect(first.quotedWaitMinutes).toBeLessThan(10);
    expect(second.quotedWaitMinutes).toBeGreaterThan(first.quotedWaitMinutes ?? Infinity);
    expect(second.quotedWaitMinutes).toBeLessThan(20);
  });
});
