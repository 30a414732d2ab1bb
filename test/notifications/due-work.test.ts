import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { storeDueEntries } from '../../bench/due-entries.js';
import { containersOf, createCosmosClient } from '../../src/adapters/cosmos/client.js';
import { composeNotification, sweep } from '../../src/application/notifications.js';
import { VersionConflict } from '../../src/application/ports.js';
import { forgetDue } from '../../src/application/retention.js';
import type { Services } from '../../src/application/services.js';
import { dueWorkSettleMs, enqueueWork, lineWork, pagingPlan, type DueWork } from '../../src/domain/notification.js';
import {
  act,
  addParty,
  memoryLog,
  phoneNumber,
  recordsOf,
  smsFor,
  useNotificationStack,
  waitForQueueIdle,
  waiteeOf,
} from '../support/notifications.js';
import { Api, newVenue, type Venue } from '../support/stack.js';
import { removeWaitee, saveMove } from '../../src/application/waitee-writes.js';

/**
 * The producer's due entries (DueWork in src/domain/notification.ts): every committed record and
 * paging timer has an entry, written in its save's batch beside the party; entries go once done,
 * and an entry naming nothing goes only when no save could still fill it. The sweep reads nothing else.
 */

const stack = useNotificationStack({ lockDurationMs: 1000, timers: false });
const api = () => new Api(stack().apiUrl);
const quiet = memoryLog();
const gracePeriodMinutes = 10;

let phones = 0;
const nextPhone = () => phoneNumber(5000 + phones++);

const at = (time: number): Services => ({ ...stack().services, now: () => new Date(time) });

/** The containers, through a separate client. */
function containers() {
  const s = stack().services;
  return containersOf(createCosmosClient(s.config.cosmos).database(s.config.cosmos.database));
}

/** The entries stored for a waitlist (beside its parties, or in the earlier design's own container), read straight from Cosmos. */
async function entriesOf(waitlistId: string, where: 'beside the party' | 'earlier container' = 'beside the party'): Promise<DueWork[]> {
  const { waitees, dueWork } = containers();
  const { resources } = await (where === 'beside the party' ? waitees : dueWork).items
    .query<DueWork>({
      query: `SELECT c.id, c.waitlistId, c.restaurantId, c.work, c.targetId, c.dueAt FROM c WHERE c.waitlistId = @w${where === 'beside the party' ? ' AND c.type = "dueWork"' : ''}`,
      parameters: [{ name: '@w', value: waitlistId }],
    })
    .fetchAll();
  return resources;
}

/** What a deployment of the earlier design left: the waitlist's entries in their own container, none beside the parties. */
async function asStoredByTheEarlierDesign(waitlistId: string): Promise<DueWork[]> {
  const entries = await entriesOf(waitlistId);
  await Promise.all(entries.map((entry) => containers().waitees.item(entry.id, waitlistId).delete()));
  await storeDueEntries(stack(), entries, 'earlier container');
  return entries;
}

async function notifiedParty(venue: Venue) {
  const party = await addParty(venue, { name: 'Due', phone: nextPhone() });
  await act(venue, party.id, 'notify');
  const stored = await waiteeOf(stack().services, venue.waitlistId, party.id);
  expect(await waitForQueueIdle(stack())).toBe(true);
  return { id: party.id, notifiedAt: Date.parse(stored.value.notifiedAt ?? ''), pagingDueAt: stored.value.pagingDueAt ?? '' };
}

describe('the due entries', () => {
  it('holds only outstanding work: the paging timer of a notified party; once it is seated and the timer has passed, only the removal of its personal data', async () => {
    const venue = await newVenue(api(), { gracePeriodMinutes });
    const party = await notifiedParty(venue);
    // The text went out at once, so its entry is gone; the re-page timer waits.
    expect(await entriesOf(venue.waitlistId)).toEqual([
      expect.objectContaining({ work: 'paging', targetId: party.id, dueAt: party.pagingDueAt }),
    ]);

    await act(venue, party.id, 'seat');
    const rePageAt = Date.parse(party.pagingDueAt);
    expect(await sweep(at(rePageAt + 1000), quiet.log)).toEqual({ enqueued: 0, rePaged: 0, markedNoShow: 0 });
    expect(await entriesOf(venue.waitlistId)).toHaveLength(2);
    expect(await sweep(at(rePageAt + dueWorkSettleMs + 1000), quiet.log)).toEqual({ enqueued: 0, rePaged: 0, markedNoShow: 0 });
    // The retention sweep's entry (src/domain/retention.ts), due the default 30 days after the seating.
    const { seatedAt } = (await waiteeOf(stack().services, venue.waitlistId, party.id)).value;
    expect(await entriesOf(venue.waitlistId)).toEqual([
      expect.objectContaining({
        work: 'forget',
        targetId: party.id,
        dueAt: new Date(Date.parse(seatedAt ?? '') + 30 * 86_400_000).toISOString(),
      }),
    ]);
  });

  it('a save refused for a stale ETag leaves no entries', async () => {
    const venue = await newVenue(api(), { gracePeriodMinutes });
    const party = await addParty(venue, { name: 'Stale', phone: nextPhone() });
    const path = `${venue.waitlistPath}/waitees/${party.id}`;
    const read = await venue.owner.api.get(path);
    await venue.owner.api.patch(path, { partySize: 3 });

    const refused = await venue.owner.api.post(`${path}/notify`, undefined, { 'if-match': read.headers.get('etag') ?? '' });
    expect(refused.status).toBe(412);
    expect(await entriesOf(venue.waitlistId)).toEqual([]);
    expect(await recordsOf(stack().services, venue.waitlistId, party.id)).toEqual([]);
  });

  it('keeps an entry whose save has not landed while it still could, then drops it', async () => {
    const venue = await newVenue(api(), { gracePeriodMinutes });
    const now = Date.now();
    // A record's entry with no record: what the earlier design left when a notify stopped between its entries and its batch.
    const orphan = enqueueWork({
      id: randomUUID(),
      waitlistId: venue.waitlistId,
      restaurantId: venue.restaurantId,
      dueAt: new Date(now).toISOString(),
    });
    await storeDueEntries(stack(), [orphan]);

    expect((await sweep(at(now + 1000), quiet.log)).enqueued).toBe(0);
    expect(await entriesOf(venue.waitlistId)).toEqual([orphan]);
    expect((await sweep(at(now + dueWorkSettleMs + 1000), quiet.log)).enqueued).toBe(0);
    expect(await entriesOf(venue.waitlistId)).toEqual([]);
  });

  it('a party staff change while the sweep pages it keeps its timer, and the next sweep pages it once', async () => {
    const venue = await newVenue(api(), { gracePeriodMinutes });
    const party = await notifiedParty(venue);
    const s = stack().services;
    const path = `${venue.waitlistPath}/waitees/${party.id}`;
    // Staff edit the party right after the sweep read it, so the sweep's save meets a new ETag.
    const racingWaitees = new Proxy(s.waitees, {
      get(target, property, receiver) {
        if (property !== 'get') return Reflect.get(target, property, receiver) as unknown;
        return async (waitlistId: string, waiteeId: string) => {
          const read = await target.get(waitlistId, waiteeId);
          await venue.owner.api.patch(path, { partySize: 4 });
          return read;
        };
      },
    });
    const rePageAt = Date.parse(party.pagingDueAt) + 1000;
    expect((await sweep({ ...at(rePageAt), waitees: racingWaitees }, quiet.log)).rePaged).toBe(0);
    expect(await entriesOf(venue.waitlistId)).toHaveLength(1);

    expect((await sweep(at(rePageAt), quiet.log)).rePaged).toBe(1);
    expect(await waitForQueueIdle(stack())).toBe(true);
    const texts = await recordsOf(s, venue.waitlistId, party.id);
    expect(texts.map((t) => t.kind)).toEqual(['table-ready', 're-page']);
    for (const text of texts) expect(smsFor(stack(), text.id)).toHaveLength(1);
    // What is left is the no-show timer the re-page set.
    const stored = await waiteeOf(s, venue.waitlistId, party.id);
    expect(stored.value).toMatchObject({ partySize: 4, pagingStage: 'no-show' });
    expect(await entriesOf(venue.waitlistId)).toEqual([expect.objectContaining({ work: 'paging', dueAt: stored.value.pagingDueAt })]);
  });

  it('a party leaving the line in a process that stops before telling the parties behind: the sweep tells them', async () => {
    const venue = await newVenue(api(), { gracePeriodMinutes });
    const s = stack().services;
    const leaving = await addParty(venue, { name: 'Leaving', phone: nextPhone() });
    const parties = [];
    for (const name of ['Second', 'Third', 'Fourth']) parties.push(await addParty(venue, { name, phone: nextPhone() }));
    const [second, third, fourth] = parties;
    expect(await waitForQueueIdle(stack())).toBe(true);
    const textsBefore = await Promise.all(parties.map(async (p) => (await recordsOf(s, venue.waitlistId, p.id)).length));
    expect(textsBefore).toEqual([0, 0, 0]);

    // What seating does up to its save, then the process is gone before it tells the line.
    const stored = await waiteeOf(s, venue.waitlistId, leaving.id);
    const now = new Date().toISOString();
    await saveMove(s, { ...stored.value, status: 'seated', seatedAt: now, endedAt: now, updatedAt: now }, stored.etag, [], {});
    expect(await sweep(s, quiet.log)).toEqual({ enqueued: 0, rePaged: 0, markedNoShow: 0 });
    const left = await entriesOf(venue.waitlistId);
    expect(left.map((entry) => entry.work).sort()).toEqual(['forget', 'line']);

    await sweep(at(Date.parse(now) + dueWorkSettleMs + 1000), quiet.log);
    expect(await waitForQueueIdle(stack())).toBe(true);
    const kinds = async (id: string) => (await recordsOf(s, venue.waitlistId, id)).map((r) => r.kind);
    expect(await kinds(second?.id ?? '')).toEqual(['getting-close']);
    expect(await kinds(third?.id ?? '')).toEqual(['getting-close']);
    expect(await kinds(fourth?.id ?? '')).toEqual([]);
    expect((await entriesOf(venue.waitlistId)).map((entry) => entry.work)).toEqual(['forget']);
  });
});

/** A party as a save read it, then changed by staff (its party size), so a save under that read's ETag is refused. */
async function readThenChangedByStaff(name: string) {
  const venue = await newVenue(api(), { gracePeriodMinutes });
  const s = stack().services;
  const party = await addParty(venue, { name, phone: nextPhone() });
  const read = await waiteeOf(s, venue.waitlistId, party.id);
  await venue.owner.api.patch(`${venue.waitlistPath}/waitees/${party.id}`, { partySize: 5 });
  return { venue, s, party, read };
}

describe('a save the store refuses', () => {
  it('a move the store refuses (412) writes neither its text nor its entries, in one request', async () => {
    const { venue, s, party, read } = await readThenChangedByStaff('Refused');
    const waitlist = await s.restaurants.waitlist(venue.restaurantId, venue.waitlistId);
    if (waitlist === null) throw new Error('waitlist missing');
    const now = new Date().toISOString();
    const notified = { ...read.value, status: 'notified' as const, notifiedAt: now, updatedAt: now };
    const moved = { ...notified, pagingDueAt: pagingPlan(now, gracePeriodMinutes).rePageAt, pagingStage: 're-page' as const };
    const text = await composeNotification(s, 'table-ready', moved, waitlist.value, null);
    if (text === null) throw new Error('no text composed');
    expect(await waitForQueueIdle(stack())).toBe(true);

    const refused = await stack().cosmos.requests.during(() => saveMove(s, moved, read.etag, [text]).catch((error: unknown) => error));
    expect(refused.result).toBeInstanceOf(VersionConflict);
    // The move's batch alone: no entries written before it, none taken back after.
    expect(refused.requests).toBe(1);
    expect(await entriesOf(venue.waitlistId)).toEqual([]);
    expect(await recordsOf(s, venue.waitlistId, party.id)).toEqual([]);
  });

  it('a delete the store refuses (412) writes none of the entries it owes the line', async () => {
    const { venue, s, party, read } = await readThenChangedByStaff('Kept');
    const owed = [lineWork({ id: venue.waitlistId, restaurantId: venue.restaurantId }, new Date().toISOString(), randomUUID())];

    await expect(removeWaitee(s, read.value, read.etag, owed)).rejects.toBeInstanceOf(VersionConflict);
    expect(await entriesOf(venue.waitlistId)).toEqual([]);
    expect((await waiteeOf(s, venue.waitlistId, party.id)).value.partySize).toBe(5);
  });
});

describe('entries the earlier design left in a container of their own', () => {
  it('a paging timer left in the earlier design’s container still pages the party, and moves beside it', async () => {
    const venue = await newVenue(api(), { gracePeriodMinutes });
    const party = await notifiedParty(venue);
    expect(await asStoredByTheEarlierDesign(venue.waitlistId)).toEqual([expect.objectContaining({ work: 'paging', targetId: party.id })]);
    expect(await entriesOf(venue.waitlistId)).toEqual([]);

    expect((await sweep(at(Date.parse(party.pagingDueAt) + 1000), quiet.log)).rePaged).toBe(1);
    expect(await waitForQueueIdle(stack())).toBe(true);
    const s = stack().services;
    expect((await recordsOf(s, venue.waitlistId, party.id)).map((t) => t.kind)).toEqual(['table-ready', 're-page']);
    const stored = await waiteeOf(s, venue.waitlistId, party.id);
    expect(await entriesOf(venue.waitlistId, 'earlier container')).toEqual([]);
    expect(await entriesOf(venue.waitlistId)).toEqual([expect.objectContaining({ work: 'paging', dueAt: stored.value.pagingDueAt })]);
  });

  // Last: its clock runs a retention period ahead, so it forgets the other tests' finished parties too.
  it('a removal of personal data left in the earlier design’s container is moved by the producer’s next sweep, and removes it when due', async () => {
    const venue = await newVenue(api(), { gracePeriodMinutes });
    const party = await addParty(venue, { name: 'Forgotten', phone: nextPhone() });
    await act(venue, party.id, 'seat');
    await sweep(at(Date.now() + dueWorkSettleMs + 1000), quiet.log);
    const [forget, ...others] = await asStoredByTheEarlierDesign(venue.waitlistId);
    expect(others).toEqual([]);
    expect(forget).toMatchObject({ work: 'forget', targetId: party.id });
    await sweep(stack().services, quiet.log);
    expect(await entriesOf(venue.waitlistId, 'earlier container')).toEqual([]);
    expect(await entriesOf(venue.waitlistId)).toEqual([forget]);

    expect((await forgetDue(at(Date.parse(forget?.dueAt ?? '') + 1000), quiet.log)).forgotten).toBeGreaterThanOrEqual(1);
    const stored = await waiteeOf(stack().services, venue.waitlistId, party.id);
    expect(stored.value).toMatchObject({ phone: null, notes: null });
    expect(stored.value.personalDataRemovedAt).not.toBeNull();
    expect(await entriesOf(venue.waitlistId)).toEqual([]);
  });
});
