import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Locator } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { staticSite } from '../../../local/host/static-host.js';
import { functions } from '../../../src/functions/catalog.js';
import type { HttpFunction } from '../../../src/functions/catalog-types.js';
import { maskPhone } from '../../../src/domain/notification.js';
import { eventually } from '../../support/notifications.js';
import { expectAccessible, screenshot, useBrowserStack, viewports } from './support.js';

/**
 * The local host's trace pages (/dev/traces): a delivered text is listed, its link opens its trace
 * as a waterfall, parents above their children. Azure never serves them.
 */
const browserStack = useBrowserStack({ deliveryReportDelayMs: 50 });

const notifyRoute = 'POST /v1/restaurants/{restaurantId}/waitlists/{waitlistId}/waitees/{waiteeId}/notify';
const laptop = { width: 1366, height: 768 };

describe('the trace page', () => {
  it('lists a delivered text, opens its trace as a waterfall: the request, the queue delivery and its SMS call, the report', async () => {
    const bs = browserStack();
    const demo = bs.stack.demo;
    if (demo === null) throw new Error('no demo');
    const waitees = `/v1/restaurants/${demo.restaurantId}/waitlists/${demo.waitlistId}/waitees`;
    const phone = '+14155550177';
    const party = await bs.owner.post<{ id: string }>(waitees, { name: 'Tracy', partySize: 2, phone });
    expect(party.status).toBe(201);
    const notified = await bs.owner.post(`${waitees}/${party.body.id}/notify`);
    expect(notified.status).toBe(200);
    const traceId = (notified.headers.get('traceresponse') ?? '').split('-')[1] ?? '';
    expect(traceId).toMatch(/^[0-9a-f]{32}$/);
    await eventually(
      () => bs.stack.traces.spans(traceId),
      (spans) => spans.some((span) => span.name === 'delivery report'),
      20_000,
    );

    const { page } = await bs.newDevice(viewports.tablet);
    await page.goto('/dev/traces');
    const texts = page.getByRole('table', { name: 'Recent texts' });
    const textRow = texts.getByRole('row').filter({ hasText: maskPhone(phone) });
    await expect.poll(() => textRow.innerText()).toMatch(/table-ready\s+delivered/);
    await expect.poll(() => page.getByRole('table', { name: 'Recent traces' }).innerText()).toContain(notifyRoute);
    await expectAccessible(page, 'texts and traces');
    await screenshot(page, 'traces-list-tablet');

    await textRow.getByRole('link', { name: `Trace of the table-ready text to ${maskPhone(phone)}` }).click();
    await page.getByRole('heading', { level: 1, name: notifyRoute }).waitFor();
    expect(new URL(page.url()).pathname).toBe(`/dev/traces/${traceId}`);
    const rows = page.getByRole('list', { name: 'Spans, parents before their children' }).getByRole('listitem');
    const shown = await Promise.all(
      (await rows.all()).map(async (row) => [await row.getAttribute('data-name'), await row.getAttribute('data-depth')]),
    );
    expect(shown).toEqual([
      [notifyRoute, '0'],
      ['deliver text', '1'],
      ['ACS send SMS', '2'],
      ['delivery report', '1'],
    ]);
    // Indented by nesting (1.25rem a level), and each bar starts no earlier than its parent's.
    const leftOf = async (row: Locator, part: string): Promise<number> => (await row.locator(part).boundingBox())?.x ?? Number.NaN;
    const badges = await Promise.all((await rows.all()).map((row) => leftOf(row, '.kind')));
    expect(badges.map((x) => x - (badges[0] ?? 0))).toEqual([0, 20, 40, 20]);
    const [httpBar, deliverBar, smsBar, reportBar] = await Promise.all((await rows.all()).map((row) => leftOf(row, '.bar')));
    expect(deliverBar).toBeGreaterThanOrEqual(httpBar ?? Number.NaN);
    expect(smsBar).toBeGreaterThanOrEqual(deliverBar ?? Number.NaN);
    expect(reportBar).toBeGreaterThan(smsBar ?? Number.NaN);

    // A span's attributes open on click.
    const http = rows.first();
    await http.locator('summary').click();
    await expect.poll(() => http.innerText()).toContain('http.route');
    expect(await http.innerText()).toContain('"/v1/restaurants/{restaurantId}/waitlists/{waitlistId}/waitees/{waiteeId}/notify"');
    await expectAccessible(page, 'trace waterfall');
    await screenshot(page, 'trace-waterfall-tablet');
    await page.setViewportSize(laptop);
    await screenshot(page, 'trace-waterfall-laptop');
    expect(Number(await page.evaluate('document.documentElement.scrollWidth'))).toBeLessThanOrEqual(laptop.width);
  }, 60_000);

  it('answers a trace it does not keep with a 404 page that links back to the list', async () => {
    const { page } = await browserStack().newDevice();
    const answer = await page.goto(`/dev/traces/${'0'.repeat(32)}`);
    expect(answer?.status()).toBe(404);
    await page.getByRole('link', { name: 'See the recent ones' }).click();
    await page.getByRole('heading', { level: 1, name: 'Texts and traces' }).waitFor();
  });
});

describe('in Azure', () => {
  it('no function serves /dev/, and Static Web Apps answers 404 there rather than the app', async () => {
    const routes = functions.filter((f): f is HttpFunction => f.kind === 'http').map((f) => f.route);
    expect(routes.filter((route) => route.startsWith('dev') || route.includes('/dev/'))).toEqual([]);
    const config = readFileSync(fileURLToPath(new URL('../../../web/staticwebapp.config.json', import.meta.url)), 'utf8');
    const parsed = JSON.parse(config) as { routes: { route: string }[] };
    expect(parsed.routes.filter((r) => r.route.startsWith('/dev'))).toEqual([]);
    // The same config over a site holding only the app's entry page: /dev/traces is not rewritten to it.
    const site = mkdtempSync(join(tmpdir(), 'swa-'));
    writeFileSync(join(site, 'staticwebapp.config.json'), config);
    writeFileSync(join(site, 'index.html'), '<!doctype html><title>app</title>');
    const served = await staticSite(site).serve('GET', '/dev/traces/0123');
    expect(served?.status).toBe(404);
    expect((await staticSite(site).serve('GET', '/restaurants'))?.status).toBe(200);
  });
});
