import { describe, expect, it } from 'vitest';
import { forgetDue } from '../../src/application/retention.js';
import type { Services } from '../../src/application/services.js';
import type { Waitee } from '../../src/domain/model.js';
import { codeDataLifetimeSeconds, textCountLifetimeSeconds } from '../../src/domain/retention.js';
import { snapshotDatabase } from '../support/db-snapshot.js';
import { act, memoryLog, waitForQueueIdle, waiteeOf } from '../support/notifications.js';
import { Api, newUser, newVenue, useLocalStack, type Venue } from '../support/stack.js';
import { codeTextedTo, guest, joinLinkOf } from '../guest/support.js';

/**
 * Retention through the real stack: finished parties lose their name, phone and notes, and every copy
 * of them in any container, once their restaurant's period has passed; the sweep is run with the
 * clock moved on (Services.now), as the timer would run it then.
 */
const stack = useLocalStack({ settings: { JOIN_CODES_PER_ADDRESS_PER_HOUR: '1000' } });
const api = () => new Api(stack().apiUrl);
const quiet = memoryLog();
const day = 86_400_000;

/** The services as the timer sees them `ms` from now. */
const later = (ms: number): Services => {
  const at = new Date(Date.now() + ms);
  return { ...stack().services, now: () => at };
};

/** One person's details, written every way they can be stored or shown. */
interface Guest {
  readonly name: string;
  readonly phone: string;
  /** The national significant number, as digits and as written in the US. */
  readonly national: readonly string[];
  readonly notes?: string;
}

const guestNumbered = (n: number, name: string, notes?: string): Guest => {
  const line = String(n).padStart(4, '0');
  return {
    name,
    phone: `+1415555${line}`,
    national: [`415555${line}`, `(415) 555-${line}`, `415-555-${line}`],
    ...(notes === undefined ? {} : { notes }),
  };
};

/** The texts a guest's details leave in stored documents: their name, number in E.164 and national forms, and notes. */
const tracesOf = (g: Guest): string[] => [g.name, g.phone, ...g.national, ...(g.notes === undefined ? [] : [g.notes])];

/**
 * Every stored document that still holds one of these traces, by `container/pk/id`. Documents Cosmos
 * DB would have expired by `at` (per-item `ttl` after their last write, `_ts`) are left out: the
 * embedded emulator keeps them, Azure does not (each is checked to carry a `ttl` of a day or two).
 */
async function documentsHolding(traces: readonly string[], at: Date): Promise<string[]> {
  const found: string[] = [];
  for (const [key, json] of await snapshotDatabase(stack().services)) {
    const document = JSON.parse(json) as { ttl?: number; _ts: number };
    if (document.ttl !== undefined && document.ttl > 0 && (document._ts + document.ttl) * 1000 <= at.getTime()) continue;
    const hits = traces.filter((trace) => json.includes(trace));
    if (hits.length > 0) found.push(`${key}: ${hits.join(', ')}`);
  }
  return found;
}

async function setRetention(venue: Venue, retentionDays: number): Promise<void> {
  const changed = await venue.owner.api.patch(`/v1/restaurants/${venue.restaurantId}`, { retentionDays });
  expect(changed.status, JSON.stringify(changed.body)).toBe(200);
}

async function staffAdd(venue: Venue, g: Guest): Promise<string> {
  const added = await venue.owner.api.post<{ id: string }>(`${venue.waitlistPath}/waitees`, {
    name: g.name,
    phone: g.phone,
    partySize: 3,
    ...(g.notes === undefined ? {} : { notes: g.notes }),
  });
  expect(added.status, JSON.stringify(added.body)).toBe(201);
  return added.body.id;
}

/** A guest without an account joins by one-time code (a join request, a code text, counters keyed by the number), then leaves from the status link. */
async function joinByCodeAndLeave(venue: Venue, g: Guest): Promise<string> {
  const code = await joinLinkOf(venue);
  const started = await api().post<{ joinId: string }>(`/v1/join/${code}`, guest(g.phone, g.name));
  expect(started.status, JSON.stringify(started.body)).toBe(202);
  const confirmed = await api().post<{ waiteeId: string; statusUrl: string }>(`/v1/join/${code}/confirm`, {
    joinId: started.body.joinId,
    code: await codeTextedTo(stack(), g.phone),
  });
  expect(confirmed.status, JSON.stringify(confirmed.body)).toBe(201);
  const statusPath = new URL(confirmed.body.statusUrl).pathname.replace(/^\/api/, '');
  expect((await api().post(`${statusPath}/leave`, { confirm: true })).status).toBe(200);
  return confirmed.body.waiteeId;
}

/** What statistics are computed from: everything but the personal fields. */
const statisticsOf = ({ name: _n, phone: _p, notes: _no, personalDataRemovedAt: _r, ...rest }: Waitee) => rest;

describe('retention', () => {
  it('after the period no personal field of the finished parties is left in any container; the rest keep theirs', async () => {
    const venue = await newVenue(api());
    await setRetention(venue, 10);
    const ada = guestNumbered(7101, 'Adaline Quarrington', 'peanut allergy, table by the window');
    const rowena = guestNumbered(7102, 'Rowena Quillfeather');
    const casey = guestNumbered(7103, 'Casimir Vondrake', 'celebrating a birthday');
    const waiting = guestNumbered(7104, 'Wilhelmina Stillwaiting', 'will wait at the bar');
    // Ada is told her table is ready (a text with her name), then seated; Rowena joins by code and leaves; Casey is a customer, seated.
    const adaId = await staffAdd(venue, ada);
    await act(venue, adaId, 'notify');
    await act(venue, adaId, 'seat');
    const rowenaId = await joinByCodeAndLeave(venue, rowena);
    const customer = await newUser(api());
    const joined = await customer.api.post<{ id: string }>(`${venue.waitlistPath}/waitees`, {
      name: casey.name,
      phone: casey.phone,
      partySize: 2,
    });
    expect(joined.status).toBe(201);
    expect((await venue.owner.api.patch(`${venue.waitlistPath}/waitees/${joined.body.id}`, { notes: casey.notes })).status).toBe(200);
    await act(venue, joined.body.id, 'notify');
    await act(venue, joined.body.id, 'no-show');
    const waitingId = await staffAdd(venue, waiting);
    // A restaurant keeping the default 30 days: its finished party is within the period.
    const other = await newVenue(api());
    const recent = guestNumbered(7105, 'Theodora Recentvisit', 'high chair');
    const recentId = await staffAdd(other, recent);
    await act(other, recentId, 'seat');
    // A later change of the setting applies to parties finishing after it: the dates already planned stand.
    await setRetention(venue, 365);
    expect(await waitForQueueIdle(stack())).toBe(true);

    const s = stack().services;
    const finished = [adaId, rowenaId, joined.body.id];
    const before = await Promise.all(finished.map((id) => waiteeOf(s, venue.waitlistId, id)));
    const gone = [ada, rowena, casey].flatMap(tracesOf);
    const kept = [waiting, recent].flatMap(tracesOf);
    const justBefore = later(10 * day - 60_000);
    expect(await forgetDue(justBefore, quiet.log)).toEqual({ forgotten: 0 });
    expect((await documentsHolding(gone, justBefore.now())).length).toBeGreaterThan(0);

    const after = later(10 * day + 60_000);
    expect(await forgetDue(after, quiet.log)).toEqual({ forgotten: 3 });
    expect(await documentsHolding(gone, after.now())).toEqual([]);
    // Those in line, or within their restaurant's period, keep every trace.
    const keptNow = await documentsHolding(kept, after.now());
    for (const trace of [waiting.name, waiting.phone, waiting.notes, recent.name, recent.phone, recent.notes]) {
      expect(
        keptNow.some((hit) => hit.includes(String(trace))),
        String(trace),
      ).toBe(true);
    }
    for (const [i, id] of finished.entries()) {
      const now = (await waiteeOf(s, venue.waitlistId, id)).value;
      expect(now).toMatchObject({ name: 'Guest', phone: null, notes: null, personalDataRemovedAt: after.now().toISOString() });
      expect(statisticsOf(now)).toEqual(statisticsOf(before[i]?.value as Waitee));
    }
    expect((await waiteeOf(s, venue.waitlistId, waitingId)).value).toMatchObject({ name: waiting.name, phone: waiting.phone });
    const seen = await other.owner.api.get(`${other.waitlistPath}/waitees/${recentId}`);
    expect(seen.body).toMatchObject({ name: recent.name, phone: recent.phone, notes: recent.notes, personalDataRemovedAt: null });
    // The customer's place and the status links are gone; the due entries were taken.
    expect(await s.users.place(customer.id, venue.waitlistId)).toBeNull();
    for (const waitee of before) expect(await s.statusLinks.get(waitee.value.statusToken)).toBeNull();
    expect(await forgetDue(later(400 * day), quiet.log)).toEqual({ forgotten: 1 });
  });

  it('gives what one-time codes leave keyed by a phone number a time to live of a day (two for a day’s text count)', async () => {
    const venue = await newVenue(api());
    const g = guestNumbered(7201, 'Octavia Codeonly');
    const code = await joinLinkOf(venue);
    // A join never confirmed: only Cosmos DB's TTL removes what it left.
    expect((await api().post(`/v1/join/${code}`, guest(g.phone, g.name))).status).toBe(202);
    await codeTextedTo(stack(), g.phone);
    expect(await waitForQueueIdle(stack())).toBe(true);
    const holding = [...(await snapshotDatabase(stack().services))].filter(([, json]) => json.includes(g.phone));
    expect(holding.map(([key]) => key.split('/')[0]).sort()).toEqual(['users', 'users', 'waitees', 'waitees']);
    for (const [key, json] of holding) {
      const { ttl } = JSON.parse(json) as { ttl?: number };
      expect(ttl, key).toBe(key.includes('/texts:') ? textCountLifetimeSeconds : codeDataLifetimeSeconds);
    }
    expect(await documentsHolding(tracesOf(g), later(3 * day).now())).toEqual([]);
  });

  it('removes one party’s data at an owner’s request, once it has left the line', async () => {
    const venue = await newVenue(api());
    const g = guestNumbered(7301, 'Bartholomew Forgetme', 'prefers the terrace');
    const id = await staffAdd(venue, g);
    const path = `${venue.waitlistPath}/waitees/${id}/personal-data`;
    expect((await venue.owner.api.delete(path)).status).toBe(409);
    await act(venue, id, 'notify');
    await act(venue, id, 'cancel');
    expect(await waitForQueueIdle(stack())).toBe(true);
    expect((await venue.owner.api.delete(path)).status).toBe(204);
    // Only today's count of texts to the number is left (it limits texts across restaurants), and it expires within two days.
    const left = await documentsHolding(tracesOf(g), new Date());
    expect(left.map((hit) => hit.split('/')[1])).toEqual([`texts:${g.phone}`]);
    expect(await documentsHolding(tracesOf(g), later(3 * day).now())).toEqual([]);
    expect((await venue.owner.api.delete(path)).status).toBe(204);
    const party = await venue.owner.api.get(`${venue.waitlistPath}/waitees/${id}`);
    expect(party.body).toMatchObject({ name: 'Guest', phone: null, status: 'cancelled', partySize: 3 });
  });
});
