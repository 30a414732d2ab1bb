import { describe, expect, it } from 'vitest';
import { Api, newUser } from '../../support/stack.js';
import { expectAccessible, screenshot, signIn, useBrowserStack, viewports } from './support.js';

const browserStack = useBrowserStack();

describe('the host stand: sign-in and the line', () => {
  it('signs in with the demo account, opens its line and shows the parties in order', async () => {
    const { stack, owner, newDevice } = browserStack();
    const demo = stack.demo;
    if (demo === null) throw new Error('no demo');
    const line = `/v1/restaurants/${demo.restaurantId}/waitlists/${demo.waitlistId}/waitees`;
    for (const [name, partySize, notes] of [
      ['Ada', 2, 'window seat'],
      ['Grace', 4, null],
      ['Alan', 2, null],
    ] as const) {
      const added = await owner.post(line, { name, partySize, phone: '+14155550123', ...(notes === null ? {} : { notes }) });
      expect(added.status).toBe(201);
    }

    const { page } = await newDevice(viewports.tablet);
    await page.goto('/');
    await page.getByLabel('Email').waitFor();
    await expectAccessible(page, 'sign-in');
    await screenshot(page, 'sign-in-tablet');
    await signIn(page, { email: demo.ownerEmail, password: demo.ownerPassword });

    // One restaurant: its waitlists are offered at once.
    await page.getByRole('button', { name: /Dinner/ }).click();
    const rows = page.getByRole('list', { name: 'Parties in line' }).getByRole('listitem');
    await expect.poll(() => rows.count()).toBe(3);
    await expect
      .poll(() => rows.nth(0).innerText())
      .toMatch(/1\s+Ada\s+party of 2\s+window seat[\s\S]*Waited 0 of 20 min quoted[\s\S]*Waiting/);
    // Each row shows the point quote the party was given at join: Grace is the first of her size
    // band (the default), Alan is behind Ada in hers, so he was quoted more.
    expect(await rows.nth(1).innerText()).toMatch(/2\s+Grace\s+party of 4[\s\S]*Waited 0 of 20 min quoted/);
    expect(await rows.nth(2).innerText()).toMatch(/3\s+Alan\s+party of 2[\s\S]*Waited 0 of 34 min quoted/);
    await expectAccessible(page, 'line');
    await screenshot(page, 'line-tablet');

    // The choice is remembered on this device: a reload keeps the session and the line.
    await page.reload();
    await expect.poll(() => rows.count()).toBe(3);
  });

  it('when the refresh token is refused, asks to sign in again over the screen and keeps what was typed', async () => {
    const { stack, newDevice } = browserStack();
    const demo = stack.demo;
    if (demo === null) throw new Error('no demo');
    const { page } = await newDevice(viewports.tablet);
    const tokens = page.waitForResponse((r) => r.url().endsWith('/api/v1/auth/token') && r.status() === 200);
    await signIn(page, { email: demo.ownerEmail, password: demo.ownerPassword });
    const { refresh_token: refreshToken } = (await (await tokens).json()) as { refresh_token: string };
    await page.getByRole('button', { name: /Dinner/ }).click(); // in-app: a reload would rotate the token
    await page.getByRole('button', { name: 'Add walk-in' }).click();
    await page.getByLabel('Name').fill('Half-typed party');

    // Another client uses the tab's refresh token first: the tab's copy is now retired, and
    // presenting it ends the sign-in. Then the API refuses the access token once (as when it expires).
    const rotated = await new Api(stack.apiUrl).post('/v1/auth/token', { grant_type: 'refresh_token', refresh_token: refreshToken });
    expect(rotated.status).toBe(200);
    await page.route('**/waitees?*', (route) => route.fulfill({ status: 401, contentType: 'application/problem+json', body: '{}' }), {
      times: 1,
    });

    const dialog = page.getByRole('dialog', { name: 'Sign in again' });
    await dialog.waitFor({ timeout: 10_000 });
    expect(await dialog.getByLabel('Email').inputValue()).toBe(demo.ownerEmail);
    await expectAccessible(page, 'session expired dialog');
    await screenshot(page, 'session-expired-tablet');
    await dialog.getByLabel('Password').fill(demo.ownerPassword);
    await dialog.getByRole('button', { name: 'Sign in' }).click();
    await dialog.waitFor({ state: 'hidden' });
    expect(await page.getByLabel('Name').inputValue()).toBe('Half-typed party');
    // The line is live again on the new session.
    const polled = await page.waitForResponse((r) => r.url().includes('/waitees?'));
    expect([200, 304]).toContain(polled.status());
  });

  it('lets a new staff member join by the invitation on the picker and open the line', async () => {
    const { stack, owner, newDevice } = browserStack();
    const demo = stack.demo;
    if (demo === null) throw new Error('no demo');
    const sam = await newUser(new Api(stack.apiUrl), { displayName: 'Sam' });
    expect((await owner.post(`/v1/restaurants/${demo.restaurantId}/invitations`, { email: sam.email, role: 'staff' })).status).toBe(201);

    const { page } = await newDevice(viewports.phone);
    await signIn(page, sam);
    const join = page.getByRole('button', { name: 'Join Demo Bistro' });
    await join.waitFor();
    expect(await page.getByRole('heading', { name: 'Invitations' }).isVisible()).toBe(true);
    await expectAccessible(page, 'picker with an invitation');
    await screenshot(page, 'picker-invitation-phone');
    await join.click();
    await page.getByRole('button', { name: /Dinner/ }).click();
    await page.getByRole('heading', { name: 'Line', level: 1 }).waitFor();
    expect((await sam.api.get<{ items: unknown[] }>('/v1/me/invitations')).body.items).toEqual([]);
  });
});
