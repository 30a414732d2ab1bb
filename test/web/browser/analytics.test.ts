import { randomBytes, randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { addDays, hourSpan, percentText, presetRange, weekdays, type Analytics, type DateRange } from '../../../web/src/analytics/shape.js';
import { dayIn, durationText } from '../../../web/src/lib/time.js';
import { sweep } from '../../../src/application/notifications.js';
import type { Services } from '../../../src/application/services.js';
import { joinLine } from '../../../src/domain/waitee.js';
import { addMember, Api, newUser, newVenue, type Venue } from '../../support/stack.js';
import { expectAccessible, screenshot, signIn, useBrowserStack, viewports } from './support.js';

/** The services' clock, moved back to seed parties on past days; access tokens keep real time. */
let clockOffsetMs = 0;
const browserStack = useBrowserStack({ now: () => new Date(Date.now() + clockOffsetMs) });

const timeZone = 'Europe/Paris';
const csvHeader = 'waitlist,joined,seated,ended,status,partySize,waitMinutes,quotedMinutes,name,phone,notes';

/** The instant a wall clock in the restaurant's zone shows `hour:minute` on `date`. */
function instantAt(date: string, hour: number, minute: number): Date {
  const guess = Date.parse(`${date}T${String(hour).padStart(2, '0')}:${String(minute).padStart(2, '0')}:00Z`);
  const shown = new Intl.DateTimeFormat('en-CA', { timeZone, hourCycle: 'h23', dateStyle: 'short', timeStyle: 'short' }).format(guess);
  const offset = Date.parse(`${shown.replace(', ', 'T')}:00Z`) - guess;
  return new Date(guess - offset);
}

/** Weekday name of a calendar date, as the heatmap rows are named (Monday first). */
const weekdayOf = (date: string): string => weekdays[(new Date(`${date}T00:00:00Z`).getUTCDay() + 6) % 7] ?? '';

type Move = 'seat' | 'cancel' | 'no-show';

/** A walk-in joins at `date` `hour:minute` (the restaurant's time) and leaves the line `after` minutes later by `move`. */
async function party(
  venue: Pick<Venue, 'owner'>,
  waitlistPath: string,
  visit: { date: string; hour: number; minute: number; after: number; move: Move },
): Promise<void> {
  const joined = instantAt(visit.date, visit.hour, visit.minute);
  clockOffsetMs = joined.getTime() - Date.now();
  const added = await venue.owner.api.post<{ id: string }>(`${waitlistPath}/waitees`, { name: 'Guest', partySize: 2, phone: null });
  expect(added.status).toBe(201);
  clockOffsetMs = joined.getTime() + visit.after * 60_000 - Date.now();
  const path = `${waitlistPath}/waitees/${added.body.id}`;
  if (visit.move === 'no-show') expect((await venue.owner.api.post(`${path}/notify`)).status).toBe(200);
  expect((await venue.owner.api.post(`${path}/${visit.move}`)).status).toBe(200);
}

/**
 * A party stored directly with a quote of the test's choosing (the API's own quotes depend on the
 * estimator), then seated through the API `after` minutes later.
 */
async function quotedParty(
  services: Services,
  venue: Venue,
  visit: { date: string; hour: number; minute: number; after: number; quote: { minutes: number; low: number; high: number } },
): Promise<void> {
  const joined = instantAt(visit.date, visit.hour, visit.minute);
  const waitee = {
    ...joinLine({
      id: randomUUID(),
      waitlistId: venue.waitlistId,
      restaurantId: venue.restaurantId,
      name: 'Quoted guest',
      phone: null,
      partySize: 2,
      notes: null,
      source: 'staff',
      customerId: null,
      statusToken: randomBytes(12).toString('base64url'),
      joinedAt: joined.toISOString(),
    }),
    joinQuote: visit.quote,
  };
  expect(await services.waitees.create(waitee)).not.toBeNull();
  clockOffsetMs = joined.getTime() + visit.after * 60_000 - Date.now();
  expect((await venue.owner.api.post(`${venue.waitlistPath}/waitees/${waitee.id}/seat`)).status).toBe(200);
}

interface Seeded {
  readonly venue: Venue;
  readonly patioPath: string;
  /** Two days ago: the evening rush (Main 19:00, four parties; Patio one). */
  readonly recent: string;
  /** Ten days ago: a lunch (Main 12:00, three parties, one quoted 20 min (15–25) that waited 30): inside 28 days, not inside 7. */
  readonly older: string;
}

async function seed(api: Api, services: Services): Promise<Seeded> {
  const venue = await newVenue(api);
  const patio = await venue.owner.api.post<{ id: string }>(`/v1/restaurants/${venue.restaurantId}/waitlists`, { name: 'Patio' });
  expect(patio.status).toBe(201);
  const patioPath = `/v1/restaurants/${venue.restaurantId}/waitlists/${patio.body.id}`;
  const today = dayIn(timeZone, new Date());
  const recent = addDays(today, -2);
  const older = addDays(today, -10);
  try {
    const main = venue.waitlistPath;
    await party(venue, main, { date: recent, hour: 19, minute: 0, after: 25, move: 'seat' });
    await party(venue, main, { date: recent, hour: 19, minute: 5, after: 30, move: 'seat' });
    await party(venue, main, { date: recent, hour: 19, minute: 10, after: 20, move: 'cancel' });
    await party(venue, main, { date: recent, hour: 19, minute: 20, after: 40, move: 'no-show' });
    await party(venue, patioPath, { date: recent, hour: 19, minute: 30, after: 15, move: 'seat' });
    await party(venue, main, { date: older, hour: 12, minute: 0, after: 15, move: 'seat' });
    await party(venue, main, { date: older, hour: 12, minute: 10, after: 5, move: 'cancel' });
    await quotedParty(services, venue, { date: older, hour: 12, minute: 20, after: 30, quote: { minutes: 20, low: 15, high: 25 } });
  } finally {
    clockOffsetMs = 0;
  }
  // The moves left their analytics counts to the producer's next sweep.
  await sweep(services, () => undefined);
  return { venue, patioPath, recent, older };
}

const query = (range: DateRange): string => `?from=${range.from}&to=${range.to}`;

async function analyticsOf(api: Api, path: string, range: DateRange): Promise<Analytics> {
  const answer = await api.get<Analytics>(`${path}/analytics${query(range)}`);
  expect(answer.status).toBe(200);
  return answer.body;
}

const figure = (page: Page, term: string) =>
  page
    .getByLabel('Headline figures')
    .locator('div')
    .filter({ has: page.getByRole('term').getByText(term, { exact: true }) });

/** The headline figures on screen say what the API says for the same range. */
async function expectFigures(page: Page, figures: Analytics): Promise<void> {
  await expect.poll(() => figure(page, 'Parties').getByRole('definition').innerText()).toBe(String(figures.parties));
  expect(await figure(page, 'Seated').getByRole('definition').innerText()).toContain(String(figures.seated));
  expect(await figure(page, 'Drop-off rate').getByRole('definition').innerText()).toContain(percentText(figures.rates.dropOff));
  expect(await figure(page, 'Drop-off rate').getByRole('definition').innerText()).toContain(
    `${figures.cancelled} cancelled, ${figures.noShow} no-shows`,
  );
  for (const [term, minutes] of [
    ['Average wait', figures.wait.averageMinutes],
    ['Median wait', figures.wait.medianMinutes],
    ['90th percentile wait', figures.wait.p90Minutes],
  ] as const)
    expect(await figure(page, term).getByRole('definition').innerText()).toContain(
      minutes === null ? 'No seatings' : durationText(minutes),
    );
}

/** Seeding eight parties through the API, one clock move each, is most of a test: bounded at 2 min on a busy machine. */
const seededTestMs = 120_000;

describe('the analytics screen', () => {
  it(
    'shows an owner on a tablet the API’s figures, the busiest hour, another range and a waitlist, and downloads the CSV',
    async () => {
      const bs = browserStack();
      const { venue, recent, older } = await seed(bs.owner, bs.stack.services);
      const restaurantPath = `/v1/restaurants/${venue.restaurantId}`;
      const last28 = presetRange(28, dayIn(timeZone, new Date()));
      const last7 = presetRange(7, dayIn(timeZone, new Date()));
      const month = await analyticsOf(venue.owner.api, restaurantPath, last28);
      expect([month.parties, month.seated, month.cancelled, month.noShow]).toEqual([8, 5, 2, 1]);

      const { page } = await bs.newDevice(viewports.tablet);
      await signIn(page, venue.owner);
      await page.goto(`/restaurants/${venue.restaurantId}/waitlists/${venue.waitlistId}`);
      await page.getByRole('navigation', { name: 'Screens' }).getByRole('link', { name: 'Analytics' }).click();
      await page.getByRole('heading', { name: 'Analytics', level: 1 }).waitFor();
      await expectFigures(page, month);
      await page.getByText(`Busiest: ${weekdayOf(recent)} ${hourSpan(19)}, 5 parties.`).waitFor();
      await expectAccessible(page, 'analytics, last 28 days');
      await screenshot(page, 'analytics-owner-tablet');

      await page.getByRole('button', { name: 'Last 7 days' }).click();
      const week = await analyticsOf(venue.owner.api, restaurantPath, last7);
      expect(week.parties).toBe(5);
      await expectFigures(page, week);

      await page.getByLabel('Waitlist').selectOption({ label: 'Main' });
      const mainWeek = await analyticsOf(venue.owner.api, venue.waitlistPath, last7);
      expect(mainWeek.parties).toBe(4);
      await expectFigures(page, mainWeek);
      await page.getByText(`Busiest: ${weekdayOf(recent)} ${hourSpan(19)}, 4 parties.`).waitFor();
      // Every party joined through the API was quoted at join: the screen shows the API's accuracy.
      expect(mainWeek.quoteAccuracy.quoted).toBe(mainWeek.seated);
      await expect
        .poll(() => page.getByRole('region', { name: 'Quote accuracy' }).innerText())
        .toMatch(new RegExp(`of ${String(mainWeek.quoteAccuracy.quoted)} quoted part`));

      await page.getByRole('button', { name: 'Custom' }).click();
      await page.getByLabel('From').fill(older);
      await page.getByLabel('To').fill(older);
      const lunch = await analyticsOf(venue.owner.api, venue.waitlistPath, { from: older, to: older });
      expect(lunch.parties).toBe(3);
      // The party seated through the API, quoted at join, and the one stored with a 20-minute quote that waited 30.
      expect(lunch.quoteAccuracy.quoted).toBe(2);
      const { meanAbsoluteErrorMinutes: lunchError, withinRangeShare: lunchWithin } = lunch.quoteAccuracy;
      if (lunchError === null || lunchWithin === null) throw new Error('two quoted parties have an accuracy');
      await expectFigures(page, lunch);
      await page.getByText(`Busiest: ${weekdayOf(older)} ${hourSpan(12)}, 3 parties.`).waitFor();
      const quotes = page.getByRole('region', { name: 'Quote accuracy' });
      await expect.poll(() => quotes.innerText()).toContain(durationText(lunchError));
      expect(await quotes.innerText()).toMatch(
        new RegExp(`Seated within the quoted range\\s+${percentText(lunchWithin)}\\s+of 2 quoted parties`),
      );
      await expectAccessible(page, 'analytics, one day with a quote');
      await page.getByLabel('To').fill(addDays(older, -1));
      await page.getByRole('alert').filter({ hasText: 'The first day is after the last day: swap them.' }).waitFor();
      await page.getByLabel('To').fill(recent);

      const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download CSV' }).click()]);
      expect(download.suggestedFilename()).toBe(`parties-${older}-${recent}.csv`);
      const csv = await readFile(await download.path(), 'utf8');
      const rows = csv.split('\r\n').filter((row) => row !== '');
      expect(rows[0]).toBe(csvHeader);
      // The export is of the whole restaurant: Main's seven and Patio's one.
      expect(rows).toHaveLength(1 + 8);
      await page
        .getByRole('status')
        .filter({ hasText: `Saved parties-${older}-${recent}.csv.` })
        .waitFor();
    },
    seededTestMs,
  );

  it(
    'shows staff the figures on a phone and a portrait tablet, but no CSV download',
    async () => {
      const bs = browserStack();
      const { venue } = await seed(bs.owner, bs.stack.services);
      const staff = await newUser(new Api(bs.stack.apiUrl), { displayName: 'Sam Staff' });
      await addMember(venue.owner, venue.restaurantId, staff, 'staff');
      const month = await analyticsOf(staff.api, `/v1/restaurants/${venue.restaurantId}`, presetRange(28, dayIn(timeZone, new Date())));
      expect(month.parties).toBe(8);

      for (const [name, viewport] of [
        ['phone', viewports.phone],
        ['portrait-tablet', { width: 768, height: 1024 }],
      ] as const) {
        const { page } = await bs.newDevice(viewport);
        await signIn(page, staff);
        await page.goto(`/restaurants/${venue.restaurantId}/analytics`);
        await page.getByRole('heading', { name: 'Analytics', level: 1 }).waitFor();
        await expectFigures(page, month);
        expect(await page.getByRole('button', { name: 'Download CSV' }).count()).toBe(0);
        await expectAccessible(page, `analytics as staff (${name})`);
        await screenshot(page, `analytics-staff-${name}`);
        // The page itself never scrolls sideways: wide charts scroll inside their own region.
        expect(Number(await page.evaluate('document.documentElement.scrollWidth'))).toBeLessThanOrEqual(viewport.width);
      }
    },
    seededTestMs,
  );

  it('shows a new restaurant an empty state instead of charts', async () => {
    const bs = browserStack();
    const newcomer = await newVenue(new Api(bs.stack.apiUrl));
    const { page } = await bs.newDevice(viewports.tablet);
    await signIn(page, newcomer.owner);
    await page.goto(`/restaurants/${newcomer.restaurantId}/analytics`);
    await page.getByText('No parties in these days yet.', { exact: false }).waitFor();
    expect(await page.getByLabel('Headline figures').count()).toBe(0);
    await expectAccessible(page, 'analytics of a new restaurant');
    await screenshot(page, 'analytics-empty-tablet');
  });
});
