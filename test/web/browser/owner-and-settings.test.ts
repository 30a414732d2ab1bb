import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { Api, newUser, type Json } from '../../support/stack.js';
import { expectAccessible, screenshot, signIn, useBrowserStack, viewports, type BrowserStack } from './support.js';

const browserStack = useBrowserStack();

function demoOf(bs: BrowserStack): NonNullable<BrowserStack['stack']['demo']> {
  const demo = bs.stack.demo;
  if (demo === null) throw new Error('no demo');
  return demo;
}

/** Signs in and opens the demo line (the restaurant's one waitlist). */
async function openLine(page: Page, bs: BrowserStack, account: { email: string; password: string }): Promise<void> {
  const demo = demoOf(bs);
  await signIn(page, account);
  await page.goto(`/restaurants/${demo.restaurantId}/waitlists/${demo.waitlistId}`);
  await page.getByRole('heading', { name: 'Line', level: 1 }).waitFor();
}

/** Invites the user through the API and accepts as them: a member of the demo restaurant. */
async function joinAs(bs: BrowserStack, user: { email: string; api: Api }, role: 'owner' | 'staff'): Promise<void> {
  const demo = demoOf(bs);
  expect((await bs.owner.post(`/v1/restaurants/${demo.restaurantId}/invitations`, { email: user.email, role })).status).toBe(201);
  await accept(user);
}

async function accept(user: { api: Api }): Promise<void> {
  const mine = await user.api.get<{ items: { id: string }[] }>('/v1/me/invitations');
  const invitation = mine.body.items[0];
  if (invitation === undefined) throw new Error('no invitation to accept');
  expect((await user.api.post(`/v1/me/invitations/${invitation.id}/accept`)).status).toBe(201);
}

const tabs = (page: Page) => page.getByRole('navigation', { name: 'Screens' }).getByRole('link');

describe('owner screens and line settings', () => {
  it('shows a staff account no owner controls, even at their addresses, and lets it run the line', async () => {
    const bs = browserStack();
    const demo = demoOf(bs);
    const staff = await newUser(new Api(bs.stack.apiUrl), { displayName: 'Sam Staff' });
    await joinAs(bs, staff, 'staff');

    const { page } = await bs.newDevice(viewports.phone);
    await openLine(page, bs, staff);
    // Staff print the join link's poster but do not change the link (no controls on that screen).
    await expect.poll(() => tabs(page).allInnerTexts()).toEqual(['Line', 'Today', 'Join link', 'Analytics']);
    await page.getByRole('button', { name: 'Add walk-in' }).waitFor();
    await expectAccessible(page, 'line as staff');
    await screenshot(page, 'staff-line-phone');

    for (const screen of ['staff', 'restaurant', 'waitlists']) {
      await page.goto(`/restaurants/${demo.restaurantId}/${screen}`);
      await page.getByRole('alert').filter({ hasText: 'There is no such screen here, or it is for owners only.' }).waitFor();
    }
    await page.goto(`/restaurants/${demo.restaurantId}/waitlists/${demo.waitlistId}/settings`);
    await page.getByRole('alert').filter({ hasText: 'for owners only' }).waitFor();
    expect(await page.getByRole('button', { name: /Close the line|Save settings|Remove/ }).count()).toBe(0);
    await page.goto(`/restaurants/${demo.restaurantId}/waitlists/${demo.waitlistId}/join-link`);
    await page.getByRole('heading', { name: 'Join link and poster' }).waitFor();
    await page.getByText(/The join link is off|Guests scan the poster/).waitFor();
    expect(await page.getByRole('button', { name: /Turn the join link|Replace the link/ }).count()).toBe(0);
  });

  it('refuses a template over 3 SMS segments with the reason in words, saves a good one, closes and opens the line', async () => {
    const bs = browserStack();
    const demo = demoOf(bs);
    const waitlistPath = `/v1/restaurants/${demo.restaurantId}/waitlists/${demo.waitlistId}`;
    const before = await bs.owner.get<Json & { messageTemplates: Record<string, string> }>(waitlistPath);
    const { page } = await bs.newDevice(viewports.tablet);
    await openLine(page, bs, { email: demo.ownerEmail, password: demo.ownerPassword });
    await tabs(page).filter({ hasText: 'Settings' }).click();
    await page.getByRole('heading', { name: 'Line settings' }).waitFor();

    const tableReady = page.getByRole('group', { name: /Table ready/ });
    const long = `Hi {name}, ${'your table at {restaurant} is ready and waiting for you. '.repeat(7)}{statusUrl}`;
    await tableReady.getByLabel('Text').fill(long);
    await tableReady.getByText(/With long names: [4-9] SMS \((GSM-7|UCS-2), \d+ characters\), over the limit of 3\./).waitFor();
    await page.getByRole('button', { name: 'Save settings' }).click();
    const refusal = /^Not saved\. The table-ready message can take [4-9] SMS segments \((GSM-7|UCS-2)\) with long names.*within 3\.$/;
    await page.getByRole('alert').filter({ hasText: refusal }).waitFor();
    await expectAccessible(page, 'settings with a refused template');
    await screenshot(page, 'settings-refused-tablet');
    const unchanged = await bs.owner.get<Json & { messageTemplates: Record<string, string> }>(waitlistPath);
    expect(unchanged.body.messageTemplates).toEqual(before.body.messageTemplates);

    await tableReady.getByLabel('Text').fill('Hi {name}, your table at {restaurant} is ready. {statusUrl}');
    await tableReady.getByText('Hi Alex, your table at Demo Bistro is ready. http', { exact: false }).waitFor();
    await page.getByLabel('Grace period (minutes)').fill('15');
    await page.getByRole('button', { name: 'Save settings' }).click();
    await page.getByRole('status').filter({ hasText: 'Saved.' }).waitFor();
    const saved = await bs.owner.get<Json & { gracePeriodMinutes: number; messageTemplates: Record<string, string> }>(waitlistPath);
    expect(saved.body.gracePeriodMinutes).toBe(15);
    expect(saved.body.messageTemplates['table-ready']).toBe('Hi {name}, your table at {restaurant} is ready. {statusUrl}');

    await page.getByRole('button', { name: 'Close the line' }).click();
    await page.getByRole('button', { name: 'Open the line' }).waitFor();
    expect((await bs.owner.get<Json & { open: boolean }>(waitlistPath)).body.open).toBe(false);
    await page.getByRole('button', { name: 'Open the line' }).click();
    await page.getByRole('button', { name: 'Close the line' }).waitFor();
    expect((await bs.owner.get<Json & { open: boolean }>(waitlistPath)).body.open).toBe(true);
  });

  it('lets an owner invite staff, revoke an invitation, change a role, and create and delete a waitlist', async () => {
    const bs = browserStack();
    const demo = demoOf(bs);
    const cook = await newUser(new Api(bs.stack.apiUrl), { displayName: 'Cora Cook' });
    const { page } = await bs.newDevice(viewports.tablet);
    await openLine(page, bs, { email: demo.ownerEmail, password: demo.ownerPassword });

    await tabs(page).filter({ hasText: 'Staff' }).click();
    await page.getByRole('heading', { name: 'Staff', level: 1 }).waitFor();
    const pending = page.getByRole('list', { name: 'Pending invitations' }).getByRole('listitem');
    await page.getByLabel('Email').fill('not-yet-registered@example.test');
    await page.getByRole('button', { name: 'Send invitation' }).click();
    await page.getByRole('status').filter({ hasText: 'Invited not-yet-registered@example.test as staff.' }).waitFor();
    await pending
      .filter({ hasText: 'not-yet-registered@example.test' })
      .getByRole('button', { name: /^Revoke/ })
      .click();
    await expect.poll(() => pending.filter({ hasText: 'not-yet-registered@example.test' }).count()).toBe(0);

    await page.getByLabel('Email').fill(cook.email);
    await page.getByRole('button', { name: 'Send invitation' }).click();
    await pending.filter({ hasText: cook.email }).waitFor();
    await accept(cook);
    await page.reload();
    const members = page.getByRole('list', { name: 'Members of this restaurant' }).getByRole('listitem');
    const cora = members.filter({ hasText: 'Cora Cook' });
    await expect.poll(() => cora.innerText()).toMatch(/Staff/);
    await expectAccessible(page, 'staff');
    await cora.getByRole('button', { name: 'Make owner Cora Cook' }).click();
    await cora.getByText('They are removed and invited again as owner, and are back once they accept.', { exact: false }).waitFor();
    await cora.getByRole('button', { name: 'Yes' }).click();
    await expect.poll(() => cora.count()).toBe(0);
    await expect.poll(() => pending.filter({ hasText: cook.email }).innerText()).toMatch(/invited as Owner/);
    await accept(cook);
    const roles = await bs.owner.get<{ items: { email: string; role: string }[] }>(`/v1/restaurants/${demo.restaurantId}/staff`);
    expect(roles.body.items.find((m) => m.email === cook.email)?.role).toBe('owner');
    await screenshot(page, 'staff-tablet');

    await tabs(page).filter({ hasText: 'Waitlists' }).click();
    await page.getByRole('heading', { name: 'Waitlists', level: 1 }).waitFor();
    await page.getByLabel('Name', { exact: true }).fill('Patio');
    await page.getByRole('button', { name: 'Create waitlist' }).click();
    const lists = page.getByRole('list', { name: 'Waitlists of this restaurant' }).getByRole('listitem');
    const patio = lists.filter({ has: page.getByRole('textbox', { name: 'Name of the waitlist Patio' }) });
    await patio.waitFor();
    await expectAccessible(page, 'waitlists');
    await patio.getByRole('button', { name: 'Delete Patio' }).click();
    await patio.getByRole('button', { name: 'Yes, delete' }).click();
    await expect.poll(() => patio.count()).toBe(0);
    const remaining = await bs.owner.get<{ items: { name: string }[] }>(`/v1/restaurants/${demo.restaurantId}/waitlists`);
    expect(remaining.body.items.map((w) => w.name)).toEqual(['Dinner']);

    await tabs(page).filter({ hasText: 'Restaurant' }).click();
    await page.getByRole('heading', { name: 'Restaurant', level: 1 }).waitFor();
    await page.getByRole('button', { name: 'Save details' }).waitFor();
    await expectAccessible(page, 'restaurant');
    // How long guests' details are kept, with the sentence saying what that means. The role change
    // above changed the restaurant (its owners, so its ETag) since the shell read it: the screen reads it afresh.
    const retention = page.getByLabel('Keep guests’ details for (days)');
    await expect.poll(() => retention.getAttribute('aria-describedby')).toBeTruthy();
    await retention.fill('14');
    await page.getByRole('button', { name: 'Save details' }).click();
    await page.getByRole('status').filter({ hasText: 'Saved.' }).waitFor();
    const saved = await bs.owner.get<{ retentionDays: number }>(`/v1/restaurants/${demo.restaurantId}`);
    expect(saved.body.retentionDays).toBe(14);
    await screenshot(page, 'restaurant-tablet');
  });
});
