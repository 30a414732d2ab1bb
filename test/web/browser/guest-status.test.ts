import { describe, expect, it } from 'vitest';
import { joinByCode } from '../../guest/support.js';
import { phoneNumber } from '../../support/notifications.js';
import { Api } from '../../support/stack.js';
import { expectAccessible, screenshot, useBrowserStack, viewports, type BrowserStack } from './support.js';

// Every join here comes from 127.0.0.1; the per-address limit has its own tests (test/guest/join-limits.test.ts).
const browserStack = useBrowserStack({ settings: { JOIN_CODES_PER_ADDRESS_PER_HOUR: '1000' } });

/** A guest in the demo line by code, as a phone that scanned the join link would be; returns the text's link. */
async function guestInDemoLine(bs: BrowserStack, phone: string): Promise<{ statusUrl: string; waiteeId: string; linePath: string }> {
  const demo = bs.stack.demo;
  if (demo === null) throw new Error('no demo');
  const waitlistPath = `/v1/restaurants/${demo.restaurantId}/waitlists/${demo.waitlistId}`;
  const link = await bs.owner.request<{ code: string }>('PUT', `${waitlistPath}/join-link`);
  expect(link.status).toBe(200);
  const joined = await joinByCode(bs.stack, new Api(bs.stack.apiUrl), link.body.code, phone);
  return { statusUrl: joined.statusUrl, waiteeId: joined.waiteeId, linePath: `${waitlistPath}/waitees` };
}

describe('the status page a guest’s phone opens from the text', () => {
  it('shows the place, turns to "table ready" after a staff notify, and leaves the line after a confirmation', async () => {
    const bs = browserStack();
    const guest = await guestInDemoLine(bs, phoneNumber(9301));
    const { page } = await bs.newDevice(viewports.phone);
    await page.goto(guest.statusUrl);
    await page.getByRole('status').getByText('You are number').waitFor();
    await expectAccessible(page, 'status page (phone)');
    await screenshot(page, 'guest-status-phone');

    const waitee = await bs.owner.get<{ etag: string }>(`${guest.linePath}/${guest.waiteeId}`);
    const notified = await bs.owner.post(`${guest.linePath}/${guest.waiteeId}/notify`, undefined, { 'if-match': waitee.body.etag });
    expect(notified.status).toBe(200);
    // The page refreshes itself every 5 s without script; allow one refresh plus its load.
    await page.getByText('Your table is ready').waitFor({ timeout: 7_000 });
    await screenshot(page, 'guest-status-ready-phone');

    await page.getByRole('button', { name: 'Leave the line' }).click();
    await page.getByRole('button', { name: 'Yes, leave the line' }).click();
    await page.getByText('You have left the line').waitFor();
    await expectAccessible(page, 'status page after leaving (phone)');
    const line = await bs.owner.get<{ items: { id: string }[] }>(`${guest.linePath}?status=waiting,notified`);
    expect(line.body.items.map((party) => party.id)).not.toContain(guest.waiteeId);
  });
});
