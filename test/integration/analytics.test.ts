import { randomBytes, randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { sweep } from '../../src/application/notifications.js';
import type { Services } from '../../src/application/services.js';
import { addDays, emptyRollup, localTimeOf, startOfLocalDay, withEvent, type DayRollup } from '../../src/domain/analytics.js';
import type { Waitee } from '../../src/domain/model.js';
import { storeDueEntries } from '../../bench/due-entries.js';
import { rollupWork } from '../../src/domain/notification.js';
import { joinLine } from '../../src/domain/waitee.js';
import { eventually, memoryLog, phoneNumber, useNotificationStack } from '../support/notifications.js';
import { loadOpenApi, OpenApiContract } from '../support/openapi.js';
import { addMember, Api, newUser, newVenue, type ApiResponse, type Json, type Venue } from '../support/stack.js';

/**
 * Analytics through the whole local stack: parties leave the line through the API (and the
 * producer's sweep), the rollups land in the analytics container, and the endpoints read them.
 */

// No timers: the tests run the producer's sweep themselves, and count Cosmos DB requests with nothing else running.
const stack = useNotificationStack({ timers: false, deliveryReportDelayMs: 20 });
const api = () => new Api(stack().apiUrl);
const services = (): Services => stack().services;
const contract = new OpenApiContract(loadOpenApi());
/**
 * A zone where it is daytime now, so "today" in the restaurant holds the parties joined minutes ago
 * and does not turn over while the file runs (a fixed zone made the file fail around its midnight).
 */
const timeZone =
  ['Europe/Paris', 'America/New_York', 'America/Los_Angeles', 'Asia/Tokyo', 'Australia/Sydney'].find((zone) => {
    const { hour } = localTimeOf(new Date().toISOString(), zone);
    return hour >= 5 && hour < 19;
  }) ?? 'Europe/Paris';
const minute = 60_000;

interface Analytics {
  parties: number;
  seated: number;
  noShow: number;
  cancelled: number;
  rates: Record<string, number | null>;
  wait: { averageMinutes: number | null; medianMinutes: number | null; p90Minutes: number | null };
  quoteAccuracy: { quoted: number; meanAbsoluteErrorMinutes: number | null; withinRangeShare: number | null };
  texts: { sent: number; failed: number; delivered: number };
  heatmap: number[][];
  days: { date: string; parties: number; seated: number; noShow: number; cancelled: number; averageWaitMinutes: number | null }[];
  from: string;
  to: string;
  timeZone: string;
}

async function read<T = Analytics>(client: Api, path: string): Promise<ApiResponse<T>> {
  const response = await client.get<T>(path);
  contract.assertResponse('GET', path, response);
  return response;
}

/** A party stored as if it joined at `joinedAt` (the API stamps joins with the present), with the quote it was given. */
async function partyJoinedAt(venue: Venue, joinedAt: Date, fields: Partial<Waitee> = {}): Promise<Waitee> {
  const waitee: Waitee = {
    ...joinLine({
      id: randomUUID(),
      waitlistId: venue.waitlistId,
      restaurantId: venue.restaurantId,
      name: 'Guest',
      phone: null,
      partySize: 2,
      notes: null,
      source: 'staff',
      customerId: null,
      statusToken: randomBytes(12).toString('base64url'),
      joinedAt: joinedAt.toISOString(),
    }),
    ...fields,
  };
  const created = await services().waitees.create(waitee);
  if (created === null) throw new Error('party not stored');
  return waitee;
}

async function move(
  venue: Venue,
  waiteeId: string,
  action: 'notify' | 'seat' | 'no-show' | 'cancel',
  client = venue.owner.api,
): Promise<Json> {
  const moved = await client.post(`${venue.waitlistPath}/waitees/${waiteeId}/${action}`);
  if (moved.status !== 200) throw new Error(`${action} failed: ${moved.status} ${JSON.stringify(moved.body)}`);
  return moved.body;
}

const waitOf = (joined: Waitee, seated: Json): number => (Date.parse(String(seated.seatedAt)) - Date.parse(joined.joinedAt)) / minute;

describe('waitlist analytics', () => {
  let venue: Venue;
  let today: string;
  let yesterday: string;
  const yesterdayAt = (hour: number) => new Date(Date.parse(startOfLocalDay(yesterday, timeZone)) + hour * 60 * minute);
  const waits: number[] = [];

  beforeAll(async () => {
    venue = await newVenue(api(), {}, timeZone);
    const now = Date.now();
    today = localTimeOf(new Date(now).toISOString(), timeZone).date;
    yesterday = addDays(today, -1);
    // Yesterday at 10:00 and 11:00 in the restaurant's zone (more than 12 hours ago: it is past 05:00 there): one seated after a long wait, one no-show.
    const longWait = await partyJoinedAt(venue, yesterdayAt(10));
    waits.push(waitOf(longWait, await move(venue, longWait.id, 'seat')));
    const gone = await partyJoinedAt(venue, yesterdayAt(11));
    await move(venue, gone.id, 'notify');
    await move(venue, gone.id, 'no-show');
    // Today: two seated with quotes (one within its range, one not), one cancelled, one no-show.
    const startOfToday = Date.parse(startOfLocalDay(today, timeZone));
    const joined = (minutesAgo: number) => new Date(Math.max(startOfToday, now - minutesAgo * minute));
    const quick = await partyJoinedAt(venue, joined(20), { joinQuote: { minutes: 20, low: 15, high: 25 } });
    waits.push(waitOf(quick, await move(venue, quick.id, 'seat')));
    const slow = await partyJoinedAt(venue, joined(40), { joinQuote: { minutes: 30, low: 25, high: 35 } });
    waits.push(waitOf(slow, await move(venue, slow.id, 'seat')));
    const leaving = await partyJoinedAt(venue, joined(10));
    await move(venue, leaving.id, 'cancel');
    const absent = await partyJoinedAt(venue, joined(5));
    await move(venue, absent.id, 'notify');
    await move(venue, absent.id, 'no-show');
    // Still in line: not counted until it leaves.
    await partyJoinedAt(venue, joined(1));
    // The moves left their counts to the producer's next sweep.
    await sweep(services(), () => undefined);
  });

  it('counts parties joined, seated, cancelled and no-show across two days, with waits and quote accuracy', async () => {
    const { status, body } = await read(venue.owner.api, `${venue.waitlistPath}/analytics?from=${yesterday}&to=${today}`);
    expect(status).toBe(200);
    expect(body).toMatchObject({ from: yesterday, to: today, timeZone, parties: 6, seated: 3, noShow: 2, cancelled: 1 });
    expect(body.rates).toEqual({ seated: 0.5, noShow: 2 / 6, cancelled: 1 / 6, dropOff: 0.5 });
    const [longWait = 0, quickWait = 0, slowWait = 0] = waits;
    const median = Math.round([...waits].sort((a, b) => a - b)[1] ?? 0);
    expect(body.wait.averageMinutes).toBeCloseTo((longWait + quickWait + slowWait) / 3, 1);
    expect(body.wait.medianMinutes).toBe(median);
    // Past 12 hours waits share the last bucket (720), so the 90th percentile lies between the median and it.
    expect(body.wait.p90Minutes).toBeCloseTo(median + 0.8 * (720 - median), 1);
    expect(body.quoteAccuracy.quoted).toBe(2);
    expect(body.quoteAccuracy.meanAbsoluteErrorMinutes).toBeCloseTo((Math.abs(20 - quickWait) + Math.abs(30 - slowWait)) / 2, 1);
    expect(body.quoteAccuracy.withinRangeShare).toBe(0.5);
    expect(body.days.map((d) => [d.date, d.parties, d.seated, d.noShow, d.cancelled])).toEqual([
      [yesterday, 2, 1, 1, 0],
      [today, 4, 2, 1, 1],
    ]);
    expect(body.heatmap).toHaveLength(7);
    expect(body.heatmap.flat().reduce((a, b) => a + b, 0)).toBe(6);
    // The party that joined at 10:00 yesterday, in its local hour (10 but on a day the clocks change), on yesterday's weekday (Monday first).
    const weekday = (new Date(`${yesterday}T00:00:00Z`).getUTCDay() + 6) % 7;
    expect(body.heatmap[weekday]?.[localTimeOf(yesterdayAt(10).toISOString(), timeZone).hour]).toBe(1);
  });

  it('counts the whole restaurant the same as its only waitlist, and defaults to the last 28 days', async () => {
    const restaurant = await read(venue.owner.api, `/v1/restaurants/${venue.restaurantId}/analytics`);
    expect(restaurant.status).toBe(200);
    expect(restaurant.body).toMatchObject({ to: today, from: addDays(today, -27), parties: 6, seated: 3 });
    expect(restaurant.body.days).toHaveLength(28);
  });

  it('counts a seat at the next sweep, once: the same request again, and the same entry swept twice', async () => {
    const path = `${venue.waitlistPath}/analytics?from=${yesterday}&to=${today}`;
    const before = (await read(venue.owner.api, path)).body;
    const party = await partyJoinedAt(venue, new Date(Date.now() - 15 * minute));
    await move(venue, party.id, 'seat');
    const again = await venue.owner.api.post(`${venue.waitlistPath}/waitees/${party.id}/seat`);
    expect(again.status).toBe(409);
    // The request answered without counting: the figures move with the sweep.
    expect((await read(venue.owner.api, path)).body.parties).toBe(before.parties);
    await sweep(services(), () => undefined);
    const seated = await services().waitees.get(venue.waitlistId, party.id);
    if (seated === null) throw new Error('party gone');
    // The same entry again, as if a sweep had stopped after counting but before taking it back.
    await storeDueEntries(stack(), [rollupWork(seated.value)]);
    await sweep(services(), () => undefined);
    const after = (await read(venue.owner.api, path)).body;
    expect(after.parties).toBe(before.parties + 1);
    expect(after.seated).toBe(before.seated + 1);
    expect(after.days.at(-1)?.parties).toBe((before.days.at(-1)?.parties ?? 0) + 1);
  });

  it('lets staff read, and answers a non-member 404 and bad dates 400 naming the parameter', async () => {
    const staff = await newUser(api());
    await addMember(venue.owner, venue.restaurantId, staff);
    expect((await read(staff.api, `${venue.waitlistPath}/analytics`)).status).toBe(200);
    expect((await read(staff.api, `/v1/restaurants/${venue.restaurantId}/analytics`)).status).toBe(200);
    const stranger = await newUser(api());
    expect((await read(stranger.api, `${venue.waitlistPath}/analytics`)).status).toBe(404);
    expect((await read(stranger.api, `/v1/restaurants/${venue.restaurantId}/analytics`)).status).toBe(404);
    const cases: [string, string][] = [
      ['from=2026-02-30', '/from'],
      ['to=yesterday', '/to'],
      ['from=2026-12-02&to=2026-12-01', '/from'],
      ['from=2025-01-01&to=2026-12-01', '/from'],
      ['from=2026-11-01&from=2026-11-02', '/from'],
    ];
    for (const [query, pointer] of cases) {
      const { status, body } = await read<Json>(venue.owner.api, `${venue.waitlistPath}/analytics?${query}`);
      expect(status, query).toBe(400);
      expect(body.type, query).toBe('urn:waitlist:problem:validation-failed');
      expect((body.errors as { pointer: string; where: string }[])[0], query).toMatchObject({ pointer, where: 'query' });
    }
  });
});

describe('texts in the analytics', () => {
  it('counts a text sent and delivered once each, on the day it happened', async () => {
    const venue = await newVenue(api(), {}, timeZone);
    const party = await venue.owner.api.post<Json & { id: string }>(`${venue.waitlistPath}/waitees`, {
      name: 'Ada',
      phone: phoneNumber(4242),
      partySize: 2,
    });
    await move(venue, party.body.id, 'notify');
    const path = `${venue.waitlistPath}/analytics`;
    const { body } = await eventually(
      () => read(venue.owner.api, path),
      (r) => r.body.texts.sent === 1 && r.body.texts.delivered === 1,
    );
    expect(body.texts).toEqual({ sent: 1, failed: 0, delivered: 1 });
    expect(body.parties).toBe(0);
  });

  it('counts a text the provider refused as failed, and nothing as sent', async () => {
    const venue = await newVenue(api(), {}, timeZone);
    const phone = phoneNumber(4243);
    stack().sms.failPermanently(phone, 'invalid-number');
    const party = await venue.owner.api.post<Json & { id: string }>(`${venue.waitlistPath}/waitees`, { name: 'Bo', phone, partySize: 2 });
    await move(venue, party.body.id, 'notify');
    const path = `${venue.waitlistPath}/analytics`;
    const { body } = await eventually(
      () => read(venue.owner.api, path),
      (r) => r.body.texts.failed === 1,
    );
    expect(body.texts).toEqual({ sent: 0, failed: 1, delivered: 0 });
  });

  it('counts a text refused before sending (a number its customer never proved) once its party has left', async () => {
    const venue = await newVenue(api(), {}, timeZone);
    const customer = await newUser(api());
    const joined = await customer.api.post<Json & { id: string }>(`${venue.waitlistPath}/waitees`, {
      partySize: 2,
      phone: phoneNumber(4244),
      name: 'Sam',
    });
    expect(joined.body.phoneVerified).toBe(false);
    await move(venue, joined.body.id, 'notify');
    await move(venue, joined.body.id, 'seat');
    await sweep(services(), () => undefined);
    const { body } = await read(venue.owner.api, `${venue.waitlistPath}/analytics`);
    expect(body.texts).toEqual({ sent: 0, failed: 1, delivered: 0 });
    expect(body).toMatchObject({ parties: 1, seated: 1 });
  });
});

describe('a rollup write that fails', () => {
  it('leaves the count to the next sweep, which counts it once', async () => {
    const venue = await newVenue(api(), {}, timeZone);
    const party = await partyJoinedAt(venue, new Date(Date.now() - 12 * minute));
    await move(venue, party.id, 'seat');
    const failing: Services = {
      ...services(),
      analytics: {
        ...services().analytics,
        save: () => Promise.reject(new Error('Cosmos DB unavailable')),
        day: (...args) => services().analytics.day(...args),
        days: (...args) => services().analytics.days(...args),
      },
    };
    const log = memoryLog();
    await sweep(failing, log.log);
    expect(log.lines.join('\n')).toContain(`analytics count of waitee ${party.id} left to the next sweep: Cosmos DB unavailable`);
    const path = `${venue.waitlistPath}/analytics`;
    expect((await read(venue.owner.api, path)).body.parties).toBe(0);
    await sweep(services(), () => undefined);
    await sweep(services(), () => undefined);
    const after = (await read(venue.owner.api, path)).body;
    expect(after).toMatchObject({ parties: 1, seated: 1 });
  });
});

describe('CSV export', () => {
  it('gives owners every party of the range, escaped and safe from formula injection, and refuses staff', async () => {
    const venue = await newVenue(api(), {}, timeZone);
    const today = localTimeOf(new Date().toISOString(), timeZone).date;
    const tricky = await partyJoinedAt(venue, new Date(Date.now() - 30 * minute), {
      name: '=HYPERLINK("http://evil.test","x")',
      notes: 'window seat, "quiet"\nplease',
      phone: '+14155550123',
      joinQuote: { minutes: 25, low: 20, high: 30 },
    });
    await move(venue, tricky.id, 'seat');
    await partyJoinedAt(venue, new Date(Date.now() - 5 * minute), { name: '@SUM(A1)', notes: '-2+3' });
    // Joined three days ago: outside today's range.
    await partyJoinedAt(venue, new Date(Date.now() - 3 * 24 * 60 * minute), { name: 'Old' });
    const path = `/v1/restaurants/${venue.restaurantId}/parties.csv?from=${today}&to=${today}`;
    const response = await venue.owner.api.get<string>(path);
    contract.assertResponse('GET', path, response);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(response.headers.get('content-disposition')).toBe(`attachment; filename="parties-${today}-${today}.csv"`);
    const lines = response.body.split('\r\n');
    expect(lines[0]).toBe('waitlist,joined,seated,ended,status,partySize,waitMinutes,quotedMinutes,name,phone,notes');
    expect(lines).toHaveLength(4); // header, two parties (the notes' line break is inside quotes), trailing empty
    expect(response.body).toContain(
      `,seated,2,30,25,"'=HYPERLINK(""http://evil.test"",""x"")",'+14155550123,"window seat, ""quiet""\nplease"\r\n`,
    );
    expect(response.body).toContain(`,waiting,2,,,'@SUM(A1),,'-2+3\r\n`);
    expect(response.body).not.toContain('Old');
    expect(lines[1]).toMatch(/^Main,\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}[+-]\d{2}:\d{2},/);

    const staff = await newUser(api());
    await addMember(venue.owner, venue.restaurantId, staff);
    const refused = await staff.api.get(path);
    contract.assertResponse('GET', path, refused);
    expect(refused.status).toBe(403);
    expect(refused.body.type).toBe('urn:waitlist:problem:forbidden');
  });
});

describe('the read cost', () => {
  it('reads a year of rollups of a restaurant in one query in one partition', async () => {
    const venue = await newVenue(api(), {}, timeZone);
    const second = await venue.owner.api.post<{ id: string }>(`/v1/restaurants/${venue.restaurantId}/waitlists`, { name: 'Patio' });
    const to = localTimeOf(new Date().toISOString(), timeZone).date;
    const from = addDays(to, -364);
    const s = services();
    for (const waitlistId of [venue.waitlistId, second.body.id]) {
      for (let day = 0; day < 365; day += 1) {
        const date = addDays(from, day);
        const seat: DayRollup | null = withEvent(emptyRollup(venue.restaurantId, waitlistId, date), {
          kind: 'left',
          key: `p${randomUUID().replace(/-/g, '')}`,
          status: 'seated',
          joinedHour: 19,
          waitMinutes: 10 + (day % 30),
          quote: { minutes: 20, low: 15, high: 25 },
        });
        if (seat !== null) await s.analytics.save(seat, '');
      }
    }
    const query = await stack().cosmos.requests.during(() => s.analytics.days({ restaurantId: venue.restaurantId }, from, to));
    const whole = await stack().cosmos.requests.during(() =>
      read(venue.owner.api, `/v1/restaurants/${venue.restaurantId}/analytics?from=${from}&to=${to}`),
    );
    console.log(
      `analytics read cost: a year of 2 waitlists (${query.result.length} rollups) = ${query.requests} Cosmos requests for the query (plan included), ${whole.requests} for the whole GET`,
    );
    expect(query.result).toHaveLength(730);
    expect(query.requests).toBeLessThanOrEqual(2);
    expect(whole.requests).toBeLessThanOrEqual(4);
    expect(whole.result.body).toMatchObject({ parties: 730, seated: 730 });
  });
});
