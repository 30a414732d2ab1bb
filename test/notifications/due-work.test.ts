import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { containersOf, createCosmosClient } from '../../src/adapters/cosmos/client.js';
import { sweep } from '../../src/application/notifications.js';
import type { Services } from '../../src/application/services.js';
import { dueWorkSettleMs, enqueueWork, type DueWork } from '../../src/domain/notification.js';
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
import { saveMove } from '../../src/application/waitee-writes.js';

/**
 * The producer's due-index (DueWork in src/domain/notification.ts): every committed record and
 * paging timer has an entry, written before its save; entries go once done, and an entry naming
 * nothing goes only when no save could still fill it. The sweep reads nothing else.
 */

const stack = useNotificationStack({ lockDurationMs: 1000, timers: false });
const api = () => new Api(stack().apiUrl);
const quiet = memoryLog();
const gracePeriodMinutes = 10;

let phones = 0;
const nextPhone = () => phoneNumber(5000 + phones++);

const at = (time: number): Services => ({ ...stack().services, now: () => new Date(time) });

/** The entries stored for a waitlist, read straight from Cosmos with a separate client. */
async function entriesOf(waitlistId: string): Promise<DueWork[]> {
  const s = stack().services;
  const { dueWork } = containersOf(createCosmosClient(s.config.cosmos).database(s.config.cosmos.database));
  const { resources } = await dueWork.items
    .query<DueWork>({
      query: 'SELECT c.id, c.waitlistId, c.restaurantId, c.work, c.targetId, c.dueAt FROM c WHERE c.waitlistId = @w',
      parameters: [{ name: '@w', value: waitlistId }],
    })
    .fetchAll();
  return resources;
}

async function notifiedParty(venue: Venue) {
  const party = await addParty(venue, { name: 'Due', phone: nextPhone() });
  await act(venue, party.id, 'notify');
  const stored = await waiteeOf(stack().services, venue.waitlistId, party.id);
  expect(await waitForQueueIdle(stack())).toBe(true);
  return { id: party.id, notifiedAt: Date.parse(stored.value.notifiedAt ?? ''), pagingDueAt: stored.value.pagingDueAt ?? '' };
}

describe('the due-index', () => {
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

  it('a save refused for a stale ETag takes its entries back', async () => {
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
    // A notify that crashed after writing its entry and before its batch.
    const orphan = enqueueWork({
      id: randomUUID(),
      waitlistId: venue.waitlistId,
      restaurantId: venue.restaurantId,
      dueAt: new Date(now).toISOString(),
    });
    await stack().services.dueWork.plan([orphan]);

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
