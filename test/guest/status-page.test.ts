import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { expectProblem } from '../support/problems.js';
import { phoneNumber } from '../support/notifications.js';
import { Api, newVenue, useLocalStack } from '../support/stack.js';
import { joinByCode, joinLinkOf } from './support.js';

// Every join in this file comes from 127.0.0.1; the per-address limit has its own file (join-limits.test.ts).
const stack = useLocalStack({ settings: { JOIN_CODES_PER_ADDRESS_PER_HOUR: '1000' } });
const api = () => new Api(stack().apiUrl);
const html = { accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8' };
/** The page a phone's browser gets. */
const pageAt = async (path: string) => (await api().get<string>(path, html)).body;
const pathOf = (statusUrl: string) => new URL(statusUrl).pathname.replace(/^\/api/, '');

async function guestInLine(phone: number) {
  const venue = await newVenue(api());
  const code = await joinLinkOf(venue);
  const joined = await joinByCode(stack(), api(), code, phoneNumber(phone));
  return { venue, status: pathOf(joined.statusUrl), waiteeId: joined.waiteeId };
}

describe('the status link', () => {
  it('answers a browser with a page and a client app with JSON', async () => {
    const { status } = await guestInLine(9201);
    const page = await api().get<string>(status, html);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(page.headers.get('vary')).toBe('Accept');
    expect(page.headers.get('content-security-policy')).toMatch(
      /^default-src 'none'; style-src 'sha256-[A-Za-z0-9+/=]+'; script-src 'sha256-[A-Za-z0-9+/=]+'; connect-src 'self'; form-action 'self'/,
    );
    const text = page.body;
    expect(text).toContain('<html lang="en">');
    expect(text).toContain('Test Diner');
    expect(text).toMatch(/You are number<\/p><p class="big">1</);
    // Updated in place by the one script the policy names, never by a timed reload (WCAG 2.2.1).
    expect(text).toContain('<main data-live>');
    expect(text).not.toContain('http-equiv="refresh"');
    const scripts = [...text.matchAll(/<script>([\s\S]*?)<\/script>/g)].map((m) => m[1] ?? '');
    expect(scripts).toHaveLength(1);
    expect(page.headers.get('content-security-policy')).toContain(
      `'sha256-${createHash('sha256')
        .update(scripts[0] ?? '')
        .digest('base64')}'`,
    );
    expect(text).not.toContain('Robin');
    const json = await api().get(status);
    expect(json.headers.get('content-type')).toBe('application/json');
    expect(json.body).toMatchObject({ status: 'waiting', position: 1, allowedActions: ['on-my-way', 'leave'], linkExpiresAt: null });
    // The guest is shown the range of the wait, the one the JSON carries, not a single number.
    const range = (json.body as { estimatedWaitRange: { low: number; high: number } }).estimatedWaitRange;
    expect(range.low).toBeLessThan(range.high);
    expect(text).toContain(`in line for a party of 2. Expected wait: ${range.low}–${range.high} min.`);
    expect(JSON.stringify(json.body)).not.toContain('Robin');
    expect((await api().get(status, { accept: 'application/json' })).headers.get('content-type')).toBe('application/json');
  });

  it('says how long the table is held once it is ready', async () => {
    const { venue, status, waiteeId } = await guestInLine(9202);
    expect((await venue.owner.api.post(`${venue.waitlistPath}/waitees/${waiteeId}/notify`)).status).toBe(200);
    const text = await pageAt(status);
    expect(text).toContain('Your table is ready');
    const json = await api().get<{ holdUntil: string }>(status);
    expect(json.body).toMatchObject({ status: 'notified', gracePeriodMinutes: 10, timeZone: 'Europe/Paris' });
    // On the restaurant's clock (Test Diner is in Paris), not UTC's.
    const paris = new Intl.DateTimeFormat('en-GB', { hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZone: 'Europe/Paris' });
    expect(text).toContain(`We hold it for 10 minutes, until ${paris.format(new Date(json.body.holdUntil))}.`);
    expect(text).not.toContain('UTC');
  });

  it('lets the guest say "on my way", which staff see on the party', async () => {
    const { venue, status, waiteeId } = await guestInLine(9203);
    const said = await api().post(`${status}/on-my-way`);
    expect(said.status).toBe(200);
    expect(said.body.onMyWayAt).toEqual(expect.any(String));
    const seenByStaff = await venue.owner.api.get(`${venue.waitlistPath}/waitees/${waiteeId}`);
    expect(seenByStaff.body.onMyWayAt).toBe(said.body.onMyWayAt);
    const line = await venue.owner.api.get<{ items: { id: string; onMyWayAt: string | null }[] }>(`${venue.waitlistPath}/waitees`);
    expect(line.body.items.find((p) => p.id === waiteeId)?.onMyWayAt).toBe(said.body.onMyWayAt);
  });

  it('leaves the line only with a confirmation, from the page’s form, and the party is gone from the host stand', async () => {
    const { venue, status, waiteeId } = await guestInLine(9204);
    const asking = await pageAt(`${status}?leave=confirm`);
    expect(asking).toContain('Yes, leave the line');
    expect(asking).not.toContain('data-live');
    expectProblem(await api().post(`${status}/leave`, {}), 400, 'validation-failed');
    expect(await stack().services.waitees.line(venue.waitlistId)).toHaveLength(1);
    // As the browser posts the page's form; the 303 is read, not followed.
    const left = await fetch(`${stack().apiUrl}${status}/leave`, {
      method: 'POST',
      body: 'confirm=true',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...html },
      redirect: 'manual',
    });
    expect(left.status).toBe(303);
    expect(left.headers.get('location')).toBe(`${stack().apiUrl}${status}`);
    expect(await stack().services.waitees.line(venue.waitlistId)).toEqual([]);
    expect((await venue.owner.api.get(`${venue.waitlistPath}/waitees/${waiteeId}`)).body.status).toBe('cancelled');
    const after = await pageAt(status);
    expect(after).toContain('You have left the line');
    expect(after).not.toContain('data-live');
    expect(after).not.toContain('<form');
    expectProblem(await api().post(`${status}/on-my-way`), 409, 'conflict');
  });

  it('answers a browser’s form post that fails with a page saying why and the way back, and a client app with problem+json', async () => {
    const { venue, status, waiteeId } = await guestInLine(9206);
    const form = { 'content-type': 'application/x-www-form-urlencoded', ...html };
    const unconfirmed = await fetch(`${stack().apiUrl}${status}/leave`, { method: 'POST', body: 'confirm=maybe', headers: form });
    expect(unconfirmed.status).toBe(400);
    expect(unconfirmed.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(unconfirmed.headers.get('content-security-policy')).toMatch(/^default-src 'none'/);
    const refusedPage = await unconfirmed.text();
    expect(refusedPage).toContain('<h1>That did not go through</h1>');
    const token = status.split('/').at(-1) ?? '';
    expect(refusedPage).toContain(`<a href="../${token}">Back to your place in line</a>`);
    // The link, resolved against the form's action, is the status page.
    expect(new URL(`../${token}`, `${stack().apiUrl}${status}/leave`).href).toBe(`${stack().apiUrl}${status}`);
    expect(await stack().services.waitees.line(venue.waitlistId)).toHaveLength(1);

    expect((await venue.owner.api.post(`${venue.waitlistPath}/waitees/${waiteeId}/seat`)).status).toBe(200);
    const late = await fetch(`${stack().apiUrl}${status}/on-my-way`, { method: 'POST', headers: html });
    expect(late.status).toBe(409);
    expect(late.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(await late.text()).toContain('That did not go through');
    expectProblem(await api().post(`${status}/on-my-way`), 409, 'conflict');
    expectProblem(await api().post(`${status}/leave`, { confirm: 'maybe' }), 400, 'validation-failed');
  });

  it('stops working 12 hours after the visit ended, with a clear page and a 404 problem', async () => {
    const { venue, status, waiteeId } = await guestInLine(9205);
    expect((await venue.owner.api.post(`${venue.waitlistPath}/waitees/${waiteeId}/seat`)).status).toBe(200);
    const seated = await api().get(status);
    expect(seated.body).toMatchObject({ status: 'seated', allowedActions: [] });
    const expiresAt = Date.parse(String(seated.body.linkExpiresAt));
    expect(expiresAt - Date.now()).toBeGreaterThan(11.9 * 3_600_000);
    const party = await stack().services.waitees.get(venue.waitlistId, waiteeId);
    if (party === null) throw new Error('party not stored');
    const thirteenHoursAgo = new Date(Date.now() - 13 * 3_600_000).toISOString();
    await stack().services.waitees.replace({ ...party.value, endedAt: thirteenHoursAgo }, party.etag);
    expect(expectProblem(await api().get(status), 404, 'not-found')).toMatchObject({ expired: true });
    const page = await api().get<string>(status, html);
    expect(page.status).toBe(404);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(page.body).toContain('This link no longer works');
  });
});
