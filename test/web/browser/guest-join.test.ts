import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { codeTextedTo, otherThan } from '../../guest/support.js';
import { phoneNumber } from '../../support/notifications.js';
import { Api } from '../../support/stack.js';
import { expectAccessible, screenshot, signIn, useBrowserStack, viewports, type BrowserStack } from './support.js';

// Every join here comes from 127.0.0.1; the per-address limit has its own tests (test/guest/join-limits.test.ts).
const browserStack = useBrowserStack({ settings: { JOIN_CODES_PER_ADDRESS_PER_HOUR: '1000' } });

/** The demo waitlist's join link, turned on (or replaced) by its owner, as the host stand does. */
async function demoJoinLink(bs: BrowserStack): Promise<{ code: string; url: string; waitlistPath: string }> {
  const demo = bs.stack.demo;
  if (demo === null) throw new Error('no demo');
  const waitlistPath = `/v1/restaurants/${demo.restaurantId}/waitlists/${demo.waitlistId}`;
  const link = await bs.owner.request<{ code: string; url: string }>('PUT', `${waitlistPath}/join-link`);
  expect(link.status).toBe(200);
  return { ...link.body, waitlistPath };
}

/** The phone's national number, as a guest types it on the keypad ("415 555 9401"). */
const national = (e164: string): string => `${e164.slice(2, 5)} ${e164.slice(5, 8)} ${e164.slice(8)}`;

/** Fills in the details and asks for a code; returns the join id the page got (to try the old code later). */
async function enterDetails(page: Page, phone: string, name: string): Promise<string> {
  await page.getByLabel('Your name').fill(name);
  await page.getByLabel('How many people, you included').fill('3');
  await page.getByLabel('Mobile number').pressSequentially(national(phone));
  await page.getByLabel(/Reply STOP to opt out/).check();
  const started = page.waitForResponse((r) => r.request().method() === 'POST' && /\/v1\/join\/[a-z0-9]+$/.test(r.url()));
  await page.getByRole('button', { name: 'Send me a code' }).click();
  const answer = await started;
  expect(answer.status()).toBe(202);
  await page.getByRole('heading', { name: 'Enter your code' }).waitFor();
  return ((await answer.json()) as { joinId: string }).joinId;
}

describe('the join page a guest’s phone opens from the poster’s QR code', () => {
  it('shows the line, takes the details and the texted code, and lands on the status page', async () => {
    const bs = browserStack();
    const link = await demoJoinLink(bs);
    // Someone is already in line, so the page has a place and a wait to show.
    await bs.owner.post(`${link.waitlistPath}/waitees`, { name: 'Ahead', partySize: 2, phone: phoneNumber(9410) });
    expect(new URL(link.url).pathname).toBe(`/j/${link.code}`);
    const { page } = await bs.newDevice(viewports.phone);
    await page.goto(link.url);
    await page.getByRole('heading', { name: 'Demo Bistro' }).waitFor();
    await expect
      .poll(() => page.getByRole('status').innerText())
      .toMatch(/The line is open\s+1 party ahead of you · expected wait \d+–\d+ min/);
    await expect.poll(() => page.getByText('Numbers without + are read as United States numbers.').count()).toBe(1);
    await expectAccessible(page, 'join page, details (phone)');
    await screenshot(page, 'guest-join-details-phone');

    // Nothing is sent until the details are whole: each missing one is said next to its field.
    await page.getByRole('button', { name: 'Send me a code' }).click();
    await page.getByText('Enter the name the host will call.').waitFor();
    await page.getByText('Tick the box: the code and your place in line come by text message.').waitFor();
    await expectAccessible(page, 'join page, details refused (phone)');
    await screenshot(page, 'guest-join-details-refused-phone');

    const phone = phoneNumber(9411);
    await enterDetails(page, phone, 'Robin');
    const codeField = page.getByLabel('Code from the text');
    expect(await codeField.getAttribute('inputmode')).toBe('numeric');
    expect(await codeField.getAttribute('autocomplete')).toBe('one-time-code');
    await expectAccessible(page, 'join page, code entry (phone)');
    await screenshot(page, 'guest-join-code-phone');

    await codeField.fill(await codeTextedTo(bs.stack, phone));
    await page.getByRole('button', { name: 'Join the line' }).click();
    await page.waitForURL(/\/api\/v1\/status\//);
    await page.getByRole('status').getByText('You are number').waitFor();
    // The guest is shown a range, not the host stand's point quote.
    expect(await page.getByRole('status').innerText()).toMatch(
      /You are number\s+2\s+in line for a party of 3\. Expected wait: \d+–\d+ min\./,
    );
    await screenshot(page, 'guest-join-landed-phone');
  });

  it('after 5 wrong codes says a new one is needed, offers it, and the old code no longer works', async () => {
    const bs = browserStack();
    const link = await demoJoinLink(bs);
    const { page } = await bs.newDevice(viewports.phone);
    await page.goto(link.url);
    const phone = phoneNumber(9412);
    const joinId = await enterDetails(page, phone, 'Sam');
    const right = await codeTextedTo(bs.stack, phone);
    const codeField = page.getByLabel('Code from the text');
    for (let left = 4; left >= 1; left--) {
      await codeField.fill(otherThan(right));
      await page.getByRole('button', { name: 'Join the line' }).click();
      await page.getByText(`That code is not right. You have ${left} ${left === 1 ? 'try' : 'tries'} left.`).waitFor();
    }
    await expectAccessible(page, 'join page, wrong code (phone)');
    await codeField.fill(otherThan(right));
    await page.getByRole('button', { name: 'Join the line' }).click();
    await page.getByText('That code was entered wrongly too many times. Ask for a new code.').waitFor();
    expect(await codeField.isDisabled()).toBe(true);
    const newCode = page.getByRole('button', { name: 'Send me a new code' });
    expect(await newCode.isEnabled()).toBe(true);
    await expectAccessible(page, 'join page, new code needed (phone)');
    await screenshot(page, 'guest-join-new-code-needed-phone');

    // The old code, even the right one, no longer joins.
    const late = await new Api(bs.stack.apiUrl).post<{ newCodeNeeded?: boolean }>(`/v1/join/${link.code}/confirm`, { joinId, code: right });
    expect(late.status).toBe(409);
    expect(late.body.newCodeNeeded).toBe(true);
    const texts = bs.stack.sms.outbox().filter((m) => m.to === phone).length;
    await newCode.click();
    await page.getByText(/We texted a new 6-digit code to/).waitFor();
    await expect.poll(() => bs.stack.sms.outbox().filter((m) => m.to === phone).length).toBe(texts + 1);
    const fresh = await codeTextedTo(bs.stack, phone);
    await page.getByLabel('Code from the text').fill(fresh);
    await page.getByRole('button', { name: 'Join the line' }).click();
    await page.waitForURL(/\/api\/v1\/status\//);
    await page.getByRole('status').getByText('You are number').waitFor();
  });

  it('shows a clear page for a link the restaurant replaced (an old poster)', async () => {
    const bs = browserStack();
    const old = await demoJoinLink(bs);
    const current = await demoJoinLink(bs);
    expect(current.code).not.toBe(old.code);
    const { page } = await bs.newDevice(viewports.phone);
    await page.goto(old.url);
    await page.getByRole('heading', { name: 'This link no longer works — ask the host' }).waitFor();
    expect(await page.getByRole('textbox').count()).toBe(0);
    await expectAccessible(page, 'join page, replaced link (phone)');
    await screenshot(page, 'guest-join-link-gone-phone');
  });

  it('says a closed line is closed and offers no form', async () => {
    const bs = browserStack();
    const link = await demoJoinLink(bs);
    const setOpen = async (open: boolean): Promise<void> => {
      const waitlist = await bs.owner.get<{ etag: string }>(link.waitlistPath);
      expect((await bs.owner.patch(link.waitlistPath, { open }, { 'if-match': waitlist.body.etag })).status).toBe(200);
    };
    await setOpen(false);
    try {
      const { page } = await bs.newDevice(viewports.phone);
      await page.goto(link.url);
      await page.getByRole('status').getByText('The line is closed right now').waitFor();
      expect(await page.getByRole('button', { name: 'Send me a code' }).count()).toBe(0);
      await expectAccessible(page, 'join page, closed line (phone)');
      await screenshot(page, 'guest-join-closed-phone');
    } finally {
      await setOpen(true);
    }
  });
});

describe('the poster, from the host stand', () => {
  it('replaces the link after a confirmation and prints only the names, a big QR code of the new link and the short link', async () => {
    const bs = browserStack();
    const demo = bs.stack.demo;
    if (demo === null) throw new Error('no demo');
    const before = await demoJoinLink(bs);
    const { page } = await bs.newDevice(viewports.tablet);
    await signIn(page, { email: demo.ownerEmail, password: demo.ownerPassword });
    await page.goto(`/restaurants/${demo.restaurantId}/waitlists/${demo.waitlistId}`);
    await page.getByRole('link', { name: 'Join link' }).click();
    await page.getByRole('heading', { name: 'Join link and poster' }).waitFor();
    await page.getByRole('button', { name: 'Replace the link…' }).click();
    await page.getByText('Every poster printed so far stops working at once').waitFor();
    await expectAccessible(page, 'join link, confirming a replacement (tablet)');
    await page.getByRole('button', { name: 'Yes, replace the link' }).click();
    await page.getByText('The join link was replaced: print the new poster.').waitFor();

    const after = await bs.owner.get<{ code: string; url: string }>(`${before.waitlistPath}/join-link`);
    expect(after.body.code).not.toBe(before.code);
    expect((await new Api(bs.stack.apiUrl).get(`/v1/join/${before.code}`)).status).toBe(404);
    const poster = page.getByRole('region', { name: 'Poster' });
    await poster.getByText(after.body.url.replace(/^http:\/\//, '')).waitFor();
    const qr = poster.getByRole('img', { name: `QR code of ${after.body.url}` });
    await qr.waitFor();
    await expect.poll(() => qr.evaluate((img) => (img as unknown as { naturalWidth: number }).naturalWidth)).toBeGreaterThan(0);
    await expectAccessible(page, 'join link and poster (tablet)');
    await screenshot(page, 'poster-screen-tablet');

    await page.emulateMedia({ media: 'print' });
    expect(await page.getByRole('navigation', { name: 'Screens' }).isVisible()).toBe(false);
    expect(await page.getByRole('button', { name: 'Print poster' }).isVisible()).toBe(false);
    expect(await page.getByRole('button', { name: 'Sign out' }).isVisible()).toBe(false);
    expect(await poster.getByText('Demo Bistro').isVisible()).toBe(true);
    expect(await qr.isVisible()).toBe(true);
    await screenshot(page, 'poster-print-tablet');
  });
});
