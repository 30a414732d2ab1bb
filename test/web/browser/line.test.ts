import { describe, expect, it } from 'vitest';
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
    await expect.poll(() => rows.count()).toBe(2);
    await expect
      .poll(() => rows.nth(0).innerText())
      .toMatch(/1\s+Ada\s+party of 2\s+window seat[\s\S]*Waited 0 of 20 min quoted[\s\S]*Waiting/);
    expect(await rows.nth(1).innerText()).toMatch(/2\s+Grace\s+party of 4/);
    await expectAccessible(page, 'line');
    await screenshot(page, 'line-tablet');

    // The choice is remembered on this device: a reload keeps the session and the line.
    await page.reload();
    await expect.poll(() => rows.count()).toBe(2);
  });
});
