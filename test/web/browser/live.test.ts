import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { expectAccessible, screenshot, signIn, useBrowserStack, viewports, type BrowserStack } from './support.js';

const browserStack = useBrowserStack();

/** A device signed in as the demo owner with the demo line open. */
async function deviceOnLine(
  bs: BrowserStack,
  viewport: { width: number; height: number },
): Promise<{ page: Page; setOffline: (offline: boolean) => Promise<void> }> {
  const demo = bs.stack.demo;
  if (demo === null) throw new Error('no demo');
  const { context, page } = await bs.newDevice(viewport);
  await signIn(page, { email: demo.ownerEmail, password: demo.ownerPassword });
  await page.goto(`/restaurants/${demo.restaurantId}/waitlists/${demo.waitlistId}`);
  await page.getByRole('heading', { name: 'Line', level: 1 }).waitFor();
  return { page, setOffline: (offline) => context.setOffline(offline) };
}

const rowsOf = (page: Page) => page.getByRole('list', { name: 'Parties in line' }).getByRole('listitem');
/** A party's row, named by the party's name (aria-labelledby). */
const rowOf = (page: Page, name: string) => rowsOf(page).and(page.getByRole('listitem', { name, exact: true }));
const linePath = (bs: BrowserStack): string => {
  const demo = bs.stack.demo;
  if (demo === null) throw new Error('no demo');
  return `/v1/restaurants/${demo.restaurantId}/waitlists/${demo.waitlistId}/waitees`;
};

describe('the live line', () => {
  it('shows a party added on another device within 5 s, at tablet and phone sizes', async () => {
    const bs = browserStack();
    const tablet = await deviceOnLine(bs, viewports.tablet);
    const phone = await deviceOnLine(bs, viewports.phone);
    const before = await rowsOf(phone.page).count();

    const added = await bs.owner.post(linePath(bs), { name: 'Lin', partySize: 3, phone: '+14155550111', notes: 'high chair' });
    expect(added.status).toBe(201);
    const addedAt = Date.now();
    await Promise.all([tablet.page, phone.page].map((page) => rowOf(page, 'Lin').waitFor({ timeout: 5_000 })));
    expect(Date.now() - addedAt).toBeLessThan(5_000);
    expect(await rowsOf(phone.page).count()).toBe(before + 1);
    expect(await rowsOf(tablet.page).last().innerText()).toMatch(/Lin\s+party of 3\s+high chair/);

    // Nothing changes now: the next polls send the page's ETag back and cost a 304, not a full read.
    const unchanged = await phone.page.waitForResponse((r) => r.url().includes('/waitees?') && r.status() === 304, { timeout: 6_000 });
    expect(await unchanged.request().headerValue('if-none-match')).toMatch(/^"/);

    await expectAccessible(phone.page, 'line (phone)');
    await screenshot(tablet.page, 'line-live-tablet');
    await screenshot(phone.page, 'line-live-phone');
    // At phone width nothing is cut off sideways.
    expect(Number(await phone.page.evaluate('document.documentElement.scrollWidth'))).toBeLessThanOrEqual(viewports.phone.width);
  });

  it('says when the device is offline or the API unreachable, holds a tap until the connection is back, then recovers', async () => {
    const bs = browserStack();
    const party = await bs.owner.post<{ id: string }>(linePath(bs), { name: 'Noor', partySize: 2, phone: '+14155550112' });
    expect(party.status).toBe(201);
    const { page, setOffline } = await deviceOnLine(bs, viewports.tablet);
    await rowOf(page, 'Noor').waitFor();
    const banner = page.getByRole('status').filter({ hasText: /offline|cannot be reached/ });

    await setOffline(true);
    await banner.filter({ hasText: 'This device is offline.' }).waitFor({ timeout: 5_000 });
    expect(await banner.innerText()).toMatch(/last updated (just now|\d+ min ago)\. Actions wait until the connection is back/);
    await page.getByRole('button', { name: 'Seat Noor' }).click();
    await page.getByText('Waiting for the connection').waitFor();
    expect((await bs.owner.get<{ status: string }>(`${linePath(bs)}/${party.body.id}`)).body.status).toBe('waiting');
    await expectAccessible(page, 'line (offline)');
    await screenshot(page, 'line-offline-tablet');

    await setOffline(false);
    await banner.waitFor({ state: 'detached', timeout: 5_000 });
    await expect
      .poll(async () => (await bs.owner.get<{ status: string }>(`${linePath(bs)}/${party.body.id}`)).body.status, { timeout: 5_000 })
      .toBe('seated');
    await rowOf(page, 'Noor').waitFor({ state: 'detached', timeout: 5_000 });

    // The API going away while the device stays online: the polls fail, the banner names the server.
    await page.route('**/api/**', (route) => route.abort('connectionrefused'));
    await banner.filter({ hasText: 'The server cannot be reached.' }).waitFor({ timeout: 5_000 });
    await page.unroute('**/api/**');
    await banner.waitFor({ state: 'detached', timeout: 5_000 });
  });
});
