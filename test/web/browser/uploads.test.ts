import { describe, expect, it } from 'vitest';
import { smallPng } from '../../uploads/support.js';
import { expectAccessible, screenshot, signIn, useBrowserStack, viewports } from './support.js';

const browserStack = useBrowserStack();

describe('pictures in the host stand', () => {
  it('lets an owner upload a logo straight to Blob storage and see it there and on the join page, explains a refused file, and removes the logo', async () => {
    const bs = browserStack();
    const demo = bs.stack.demo;
    if (demo === null) throw new Error('no demo');
    const { page } = await bs.newDevice(viewports.tablet);
    await signIn(page, { email: demo.ownerEmail, password: demo.ownerPassword });
    await page.goto(`/restaurants/${demo.restaurantId}/restaurant`);
    const logo = page.getByRole('group', { name: 'Logo' });
    await logo.getByText('None yet.').waitFor();

    await logo.getByLabel('Choose a logo').setInputFiles({ name: 'logo.png', mimeType: 'image/png', buffer: await smallPng(300, 200) });
    await logo.getByRole('status').filter({ hasText: 'Uploaded.' }).waitFor();
    const preview = logo.getByRole('img', { name: 'The restaurant’s logo' });
    // The browser fetched and decoded the WebP from Azurite through its read URL (a broken image has no natural width).
    await expect.poll(() => preview.evaluate((img) => Number(Reflect.get(img, 'naturalWidth')))).toBeGreaterThan(0);
    expect(await preview.getAttribute('srcset')).toMatch(/ 96w, .* 192w$/);
    await expectAccessible(page, 'restaurant pictures');
    await screenshot(page, 'restaurant-pictures');

    // A guest opening the join link on a phone sees the same logo, fetched straight from storage.
    const link = await bs.owner.request<{ url: string }>(
      'PUT',
      `/v1/restaurants/${demo.restaurantId}/waitlists/${demo.waitlistId}/join-link`,
    );
    expect(link.status).toBe(200);
    const guest = await bs.newDevice(viewports.phone);
    await guest.page.goto(new URL(link.body.url).pathname);
    await guest.page.getByRole('heading', { name: 'Demo Bistro' }).waitFor();
    const joinLogo = guest.page.locator('img.join__logo');
    await expect.poll(() => joinLogo.evaluate((img) => Number(Reflect.get(img, 'naturalWidth')))).toBeGreaterThan(0);
    await expectAccessible(guest.page, 'join page with the logo');
    await screenshot(guest.page, 'guest-join-with-logo-phone');

    const svg = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>');
    await logo.getByLabel('Choose a logo').setInputFiles({ name: 'logo.png', mimeType: 'image/png', buffer: svg });
    await logo.getByRole('alert').filter({ hasText: 'SVG is not accepted because it can carry script' }).waitFor();
    await expect.poll(() => preview.isVisible()).toBe(true);

    await logo.getByRole('button', { name: 'Remove the logo' }).click();
    await logo.getByText('None yet.').waitFor();
    const images = await bs.owner.get(`/v1/restaurants/${demo.restaurantId}/images`);
    expect(images.body).toEqual({});
  });
});
