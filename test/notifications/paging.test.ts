import { describe, expect, it } from 'vitest';
import { sweep } from '../../src/application/notifications.js';
import type { Services } from '../../src/application/services.js';
import type { NotificationKind } from '../../src/domain/notification.js';
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
import { Api, newUser, newVenue, type Json, type Venue } from '../support/stack.js';

/**
 * Time-based texts: the producer's sweep re-pages a notified party after the grace period and marks
 * it no-show after twice that, and parties reaching the front are told once that they are close.
 * Timers are off: each test runs the sweep itself with the clock moved (Services.now).
 */

const stack = useNotificationStack({ lockDurationMs: 1000, timers: false });
const api = () => new Api(stack().apiUrl);
const quiet = memoryLog();
const gracePeriodMinutes = 10;

let phones = 0;
const nextPhone = () => phoneNumber(3000 + phones++);

/** The services with the clock moved to `minutes` after `from` (the sweep reads s.now()). */
const at = (from: string, minutes: number): Services => {
  const later = new Date(Date.parse(from) + minutes * 60_000);
  return { ...stack().services, now: () => later };
};

/** The kinds of text each party got, after the queue drained; fails if any notification went out twice or not at all. */
async function textsOf(venue: Venue, waiteeId: string): Promise<NotificationKind[]> {
  expect(await waitForQueueIdle(stack())).toBe(true);
  const records = await recordsOf(stack().services, venue.waitlistId, waiteeId);
  for (const record of records) {
    expect(record.status, `${record.kind} ${record.id}`).toBe('sent');
    expect(smsFor(stack(), record.id), `${record.kind} ${record.id}`).toHaveLength(1);
  }
  return records.map((r) => r.kind);
}

describe('paging a notified party', () => {
  it('re-pages after the grace period, marks no-show after twice that, frees the place and tells the next parties', async () => {
    const venue = await newVenue(api(), { gracePeriodMinutes });
    const customer = await newUser(api(), { phone: nextPhone() });
    const joined = await customer.api.post<Json & { id: string }>(`${venue.waitlistPath}/waitees`, { partySize: 2 });
    expect(joined.status).toBe(201);
    const late = joined.body.id;
    // A customer's own number is texted only once verified (docs/api.md, Texts): here staff vouch for it.
    expect((await venue.owner.api.patch(`${venue.waitlistPath}/waitees/${late}`, { phone: joined.body.phone })).status).toBe(200);
    const second = await addParty(venue, { name: 'Second', phone: nextPhone() });
    const third = await addParty(venue, { name: 'Third', phone: nextPhone() });
    const fourth = await addParty(venue, { name: 'Fourth', phone: nextPhone() });

    await act(venue, late, 'notify');
    const notified = await waiteeOf(stack().services, venue.waitlistId, late);
    const notifiedAt = notified.value.notifiedAt ?? '';
    expect(notified.value).toMatchObject({ status: 'notified', pagingStage: 're-page' });
    expect(await textsOf(venue, late)).toEqual(['table-ready']);

    // Within the grace period nothing happens.
    expect(await sweep(at(notifiedAt, gracePeriodMinutes - 1), quiet.log)).toEqual({ enqueued: 0, rePaged: 0, markedNoShow: 0 });

    // Past it: one re-page, even with two sweeps overlapping.
    const rePage = at(notifiedAt, gracePeriodMinutes + 0.5);
    const firstSweeps = await Promise.all([sweep(rePage, quiet.log), sweep(rePage, quiet.log)]);
    expect(firstSweeps.reduce((sum, r) => sum + r.rePaged, 0)).toBe(1);
    expect(firstSweeps.reduce((sum, r) => sum + r.markedNoShow, 0)).toBe(0);
    expect(await textsOf(venue, late)).toEqual(['table-ready', 're-page']);
    expect((await waiteeOf(stack().services, venue.waitlistId, late)).value).toMatchObject({ status: 'notified', pagingStage: 'no-show' });
    // Still within the second period: nothing more.
    expect((await sweep(at(notifiedAt, 2 * gracePeriodMinutes - 1), quiet.log)).rePaged).toBe(0);

    // Past twice the grace period: no-show, the place is freed, the new front two hear they are close.
    expect(await customer.api.get<{ items: Json[] }>('/v1/me/waitees')).toMatchObject({ body: { items: [{ id: late }] } });
    const noShowAt = at(notifiedAt, 2 * gracePeriodMinutes + 0.5);
    const secondSweeps = await Promise.all([sweep(noShowAt, quiet.log), sweep(noShowAt, quiet.log)]);
    expect(secondSweeps.reduce((sum, r) => sum + r.markedNoShow, 0)).toBe(1);
    const gone = (await waiteeOf(stack().services, venue.waitlistId, late)).value;
    expect(gone).toMatchObject({ status: 'no_show', pagingDueAt: null, pagingStage: null });
    expect(gone.endedAt).not.toBeNull();
    expect((await stack().services.users.places(customer.id)).filter((p) => p.waiteeId === late)).toEqual([]);
    expect((await customer.api.get<{ items: Json[] }>('/v1/me/waitees')).body.items).toEqual([]);

    expect(await textsOf(venue, late)).toEqual(['table-ready', 're-page']);
    expect(await textsOf(venue, second.id)).toEqual(['getting-close']);
    expect(await textsOf(venue, third.id)).toEqual(['getting-close']);
    expect(await textsOf(venue, fourth.id)).toEqual([]);
    const [close] = await recordsOf(stack().services, venue.waitlistId, second.id);
    expect(close?.message).toContain('number 1 in line at Test Diner');

    // Nothing is left to do for the producer, however late it runs.
    expect(await sweep(at(notifiedAt, 6 * gracePeriodMinutes), quiet.log)).toEqual({ enqueued: 0, rePaged: 0, markedNoShow: 0 });
  });

  it('a party seated within the grace period is never paged again', async () => {
    const venue = await newVenue(api(), { gracePeriodMinutes });
    const party = await addParty(venue, { name: 'Punctual', phone: nextPhone() });
    await act(venue, party.id, 'notify');
    const notifiedAt = (await waiteeOf(stack().services, venue.waitlistId, party.id)).value.notifiedAt ?? '';
    await act(venue, party.id, 'seat');
    expect((await waiteeOf(stack().services, venue.waitlistId, party.id)).value).toMatchObject({ status: 'seated', pagingDueAt: null });

    for (const minutes of [gracePeriodMinutes + 1, 2 * gracePeriodMinutes + 1]) {
      expect(await sweep(at(notifiedAt, minutes), quiet.log)).toEqual({ enqueued: 0, rePaged: 0, markedNoShow: 0 });
    }
    expect(await textsOf(venue, party.id)).toEqual(['table-ready']);
    expect((await waiteeOf(stack().services, venue.waitlistId, party.id)).value.status).toBe('seated');
  });

  it('a party seated after the re-page is not marked no-show', async () => {
    const venue = await newVenue(api(), { gracePeriodMinutes });
    const party = await addParty(venue, { name: 'Slow', phone: nextPhone() });
    await act(venue, party.id, 'notify');
    const notifiedAt = (await waiteeOf(stack().services, venue.waitlistId, party.id)).value.notifiedAt ?? '';
    expect((await sweep(at(notifiedAt, gracePeriodMinutes + 1), quiet.log)).rePaged).toBe(1);
    await act(venue, party.id, 'seat');

    expect(await sweep(at(notifiedAt, 2 * gracePeriodMinutes + 1), quiet.log)).toEqual({ enqueued: 0, rePaged: 0, markedNoShow: 0 });
    expect((await waiteeOf(stack().services, venue.waitlistId, party.id)).value.status).toBe('seated');
    expect(await textsOf(venue, party.id)).toEqual(['table-ready', 're-page']);
  });
});

describe('getting close', () => {
  it('parties reaching positions 1–2 get one text each, never twice, as the line moves', async () => {
    const venue = await newVenue(api());
    const parties = [];
    for (let i = 1; i <= 4; i++) parties.push(await addParty(venue, { name: `Party ${i}`, phone: nextPhone() }));
    const [p1, p2, p3, p4] = parties.map((p) => p.id) as [string, string, string, string];
    // Joining at the front sends nothing: only a shorter line does.
    expect(await textsOf(venue, p1)).toEqual([]);
    expect(await textsOf(venue, p2)).toEqual([]);

    await act(venue, p1, 'seat');
    expect(await textsOf(venue, p2)).toEqual(['getting-close']);
    expect(await textsOf(venue, p3)).toEqual(['getting-close']);
    expect(await textsOf(venue, p4)).toEqual([]);

    await act(venue, p2, 'seat');
    expect(await textsOf(venue, p3)).toEqual(['getting-close']);
    expect(await textsOf(venue, p4)).toEqual(['getting-close']);

    await act(venue, p3, 'cancel');
    expect(await textsOf(venue, p4)).toEqual(['getting-close']);
    expect(await textsOf(venue, p1)).toEqual([]);
    const [p3Text, p4Text] = [
      (await recordsOf(stack().services, venue.waitlistId, p3))[0],
      (await recordsOf(stack().services, venue.waitlistId, p4))[0],
    ];
    expect(p3Text?.message).toContain('number 2 in line');
    expect(p4Text?.message).toContain('number 2 in line');
  });

  it('two parties leaving at the same moment: the new front parties still get exactly one text each', async () => {
    const venue = await newVenue(api());
    const parties = [];
    for (let i = 1; i <= 5; i++) parties.push(await addParty(venue, { name: `Party ${i}`, phone: nextPhone() }));
    const [p1, p2, p3, p4, p5] = parties.map((p) => p.id) as [string, string, string, string, string];

    await Promise.all([act(venue, p1, 'seat'), act(venue, p2, 'seat')]);
    expect(await textsOf(venue, p3)).toEqual(['getting-close']);
    expect(await textsOf(venue, p4)).toEqual(['getting-close']);
    expect(await textsOf(venue, p5)).toEqual([]);
    // p2 may have been told while it was still first in line, but at most once.
    expect((await textsOf(venue, p2)).length).toBeLessThanOrEqual(1);
    expect(await textsOf(venue, p1)).toEqual([]);
  });
});
