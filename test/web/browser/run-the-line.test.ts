import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { Json } from '../../support/stack.js';
import { expectAccessible, screenshot, signIn, useBrowserStack, viewports } from './support.js';

const browserStack = useBrowserStack({ deliveryReportDelayMs: 200 });

interface OutboxSms {
  readonly to: string;
  readonly message: string;
}

async function textsTo(baseUrl: string, phone: string): Promise<OutboxSms[]> {
  const response = await fetch(`${baseUrl}/dev/sms`);
  const body = (await response.json()) as OutboxSms[] | { messages: OutboxSms[] };
  return (Array.isArray(body) ? body : body.messages).filter((sms) => sms.to === phone);
}

/** Signs in as the demo owner and opens the Dinner line. */
async function openLine(page: Page, account: { email: string; password: string }): Promise<void> {
  await signIn(page, account);
  const dinner = page.getByRole('button', { name: /Dinner/ });
  const line = page.getByRole('heading', { name: 'Line', level: 1 });
  await dinner.or(line).waitFor();
  if (await dinner.isVisible()) await dinner.click();
  await line.waitFor();
}

const rowOf = (page: Page, name: string) =>
  page.getByRole('list', { name: 'Parties in line' }).getByRole('listitem').filter({ hasText: name });

describe('running the line from the host stand', () => {
  it('adds a walk-in with the quote shown first, notifies it (one text for a double tap), sees it delivered, seats it and finds it under today', async () => {
    const { stack, newDevice } = browserStack();
    const demo = stack.demo;
    if (demo === null) throw new Error('no demo');
    const { page } = await newDevice(viewports.tablet);
    await openLine(page, { email: demo.ownerEmail, password: demo.ownerPassword });

    await page.getByRole('button', { name: 'Add walk-in' }).click();
    await page.getByLabel('Name').fill('Linus');
    await page.getByLabel('Party size').fill('3');
    // The restaurant's phone is American: a local number is read as one, laid out as it is typed.
    await page.getByRole('textbox', { name: 'Phone' }).pressSequentially('4155550134');
    expect(await page.getByRole('textbox', { name: 'Phone' }).inputValue()).toBe('(415) 555-0134');
    await page.getByText('Will text +1 415 555 0134').waitFor();
    await page.getByText('Quote: about 20 min').waitFor();
    await expectAccessible(page, 'walk-in form');
    await page.getByRole('button', { name: 'Add to line' }).click();
    await page.getByText(/Added Linus \(party of 3\) at position 1, quoted 20 min\./).waitFor();
    const row = rowOf(page, 'Linus');
    await expect.poll(() => row.innerText()).toMatch(/Linus\s+party of 3[\s\S]*Waiting/);

    await row.getByRole('button', { name: 'Notify Linus' }).dblclick();
    await expect.poll(() => row.innerText(), { timeout: 10_000 }).toMatch(/Table ready text: Delivered/);
    expect(await row.getByRole('button', { name: 'Re-page Linus' }).count()).toBe(1);
    const texts = await textsTo(stack.baseUrl, '+14155550134');
    expect(texts).toHaveLength(1);
    expect(texts[0]?.message).toMatch(/^Hi Linus, your table at Demo Bistro is ready!/);

    await row.getByRole('button', { name: 'Texts to Linus' }).click();
    const list = page.getByRole('region', { name: 'Texts to Linus' });
    await expect.poll(() => list.innerText()).toMatch(/Table ready · queued \d{1,2}:\d\d [AP]M · Delivered \d{1,2}:\d\d [AP]M/);
    await expectAccessible(page, 'line with texts');
    await screenshot(page, 'run-line-tablet');
    await page.setViewportSize(viewports.phone);
    await screenshot(page, 'run-line-phone');
    await page.setViewportSize(viewports.tablet);

    await row.getByRole('button', { name: 'Edit Linus' }).click();
    const edit = page.getByRole('form', { name: 'Edit Linus' });
    await edit.getByLabel('Party size').fill('4');
    await expectAccessible(page, 'editing a party');
    await edit.getByRole('button', { name: 'Save' }).click();
    await page.getByText('Linus (party of 4) saved.').waitFor();
    await expect.poll(() => row.innerText()).toMatch(/Linus\s+party of 4/);

    await row.getByRole('button', { name: 'Seat Linus' }).click();
    await page.getByText('Linus (party of 4) seated.').waitFor();
    await expect.poll(() => row.count()).toBe(0);

    await page.getByRole('link', { name: 'Today' }).click();
    const seated = page.getByRole('region', { name: /^Seated \(\d+\)$/ });
    await expect.poll(() => seated.innerText()).toMatch(/Linus\s+party of 4/);
    await expectAccessible(page, 'today');
    await screenshot(page, 'today-tablet');
    // At the guest's request the owner removes Linus's details, saying yes once more; the seating still counts.
    await seated.getByRole('button', { name: 'Remove details of Linus' }).click();
    await expectAccessible(page, 'today, removing details');
    await seated.getByRole('button', { name: 'Yes, remove' }).click();
    await expect.poll(() => seated.innerText()).toMatch(/Guest\s+party of 4[\s\S]*Details removed/);
  });

  it('refreshes the row and says what happened when another device moved the party first (412), sending nothing', async () => {
    const { stack, owner, newDevice } = browserStack();
    const demo = stack.demo;
    if (demo === null) throw new Error('no demo');
    const waitees = `/v1/restaurants/${demo.restaurantId}/waitlists/${demo.waitlistId}/waitees`;
    const added = await owner.post<Json & { id: string }>(waitees, { name: 'Marie', partySize: 2, phone: '+14155550177' });
    expect(added.status).toBe(201);

    const account = { email: demo.ownerEmail, password: demo.ownerPassword };
    const door = await newDevice(viewports.tablet);
    await openLine(door.page, account);
    await rowOf(door.page, 'Marie').waitFor();
    // The door's tablet stops seeing changes (its line reads keep answering what it last saw) until it acts.
    let frozen: string | null = null;
    let last = '';
    await door.page.route(/\/waitees\?/, async (route) => {
      if (frozen !== null) return route.fulfill({ status: 200, contentType: 'application/json', body: frozen });
      // Read in full (no If-None-Match), so the page frozen later is a whole answer, not a 304.
      const headers = { ...route.request().headers() };
      delete headers['if-none-match'];
      const response = await route.fetch({ headers });
      last = await response.text();
      return route.fulfill({ response, body: last });
    });
    await expect.poll(() => last, { timeout: 10_000 }).toContain('Marie');
    frozen = last;
    await door.page.route(/\/seat$/, async (route) => {
      frozen = null;
      await route.continue();
    });

    const pocket = await newDevice(viewports.phone);
    await openLine(pocket.page, account);
    await rowOf(pocket.page, 'Marie').getByRole('button', { name: 'Notify Marie' }).click();
    await pocket.page.getByText('Marie (party of 2) told their table is ready.').waitFor();

    const stale = rowOf(door.page, 'Marie');
    expect(await stale.innerText()).toMatch(/Waiting/);
    await stale.getByRole('button', { name: 'Seat Marie' }).click();
    await door.page.getByRole('alert').filter({ hasText: 'Marie: Someone else changed this party; here is the latest.' }).waitFor();
    await expect.poll(() => stale.innerText()).toMatch(/Notified/);
    await expectAccessible(door.page, 'line after a conflict');
    await screenshot(door.page, 'conflict-tablet');
    // A cancel asks first; keeping the party changes nothing.
    await stale.getByRole('button', { name: 'Cancel Marie' }).click();
    await stale.getByText('Cancel Marie (party of 2)? They leave the line.').waitFor();
    await expectAccessible(door.page, 'confirming a cancel');
    await stale.getByRole('button', { name: 'Keep in line' }).click();
    await stale.getByRole('button', { name: 'Seat Marie' }).waitFor();

    const now = await owner.get<Json & { status: string }>(`${waitees}/${added.body.id}`);
    expect(now.body.status).toBe('notified');
    expect(await textsTo(stack.baseUrl, '+14155550177')).toHaveLength(1);
  });

  it('adds a walk-in once and texts it once when the answers are lost on the way back (Idempotency-Key, If-Match)', async () => {
    const { stack, owner, newDevice } = browserStack();
    const demo = stack.demo;
    if (demo === null) throw new Error('no demo');
    const { page } = await newDevice(viewports.phone);
    await openLine(page, { email: demo.ownerEmail, password: demo.ownerPassword });
    // The server acts on the request, then the connection drops before its answer arrives.
    const loseFirstAnswer = async (pattern: RegExp, method: string): Promise<void> => {
      let lost = false;
      await page.route(pattern, async (route) => {
        if (lost || route.request().method() !== method) return route.fallback();
        lost = true;
        await route.fetch();
        return route.abort('connectionreset');
      });
    };

    await loseFirstAnswer(/\/waitees$/, 'POST');
    await page.getByRole('button', { name: 'Add walk-in' }).click();
    await page.getByLabel('Name').fill('Hedy');
    await page.getByRole('textbox', { name: 'Phone' }).fill('415 555 0188');
    await page.getByRole('button', { name: 'Add to line' }).click();
    await page.getByText(/Added Hedy \(party of 2\) at position \d+/).waitFor();
    const line = await owner.get<{ items: { name: string }[] }>(
      `/v1/restaurants/${demo.restaurantId}/waitlists/${demo.waitlistId}/waitees`,
    );
    expect(line.body.items.filter((party) => party.name === 'Hedy')).toHaveLength(1);
    await page.getByRole('button', { name: 'Close' }).click();

    await loseFirstAnswer(/\/notify$/, 'POST');
    await rowOf(page, 'Hedy').getByRole('button', { name: 'Notify Hedy' }).click();
    await page
      .getByRole('alert')
      .filter({ hasText: 'Hedy: the connection dropped while this was sent; the line now shows where the party stands.' })
      .waitFor();
    await expect.poll(() => rowOf(page, 'Hedy').innerText()).toMatch(/Notified/);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(await textsTo(stack.baseUrl, '+14155550188')).toHaveLength(1);
  });
});
