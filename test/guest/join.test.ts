import { describe, expect, it } from 'vitest';
import { expectProblem } from '../support/problems.js';
import { phoneNumber } from '../support/notifications.js';
import { Api, newUser, newVenue, useLocalStack } from '../support/stack.js';
import { codeTextedTo, guest, joinLinkOf, otherThan, startJoin } from './support.js';

// Every join in this file comes from 127.0.0.1; the per-address limit has its own file (join-limits.test.ts).
const stack = useLocalStack({ settings: { JOIN_CODES_PER_ADDRESS_PER_HOUR: '1000' } });
const api = () => new Api(stack().apiUrl);

describe('join links', () => {
  it('resolves a waitlist join link to the restaurant, the waitlist and the public summary, without an account', async () => {
    const venue = await newVenue(api());
    const code = await joinLinkOf(venue);
    expect(code).toMatch(/^[23456789abcdefghjkmnpqrstuvwxyz]{10}$/);
    const summary = await api().get(`/v1/join/${code}`);
    expect(summary.status).toBe(200);
    expect(summary.body).toMatchObject({
      restaurantId: venue.restaurantId,
      waitlistId: venue.waitlistId,
      restaurantName: 'Test Diner',
      waitlistName: 'Main',
      open: true,
      partiesAhead: 0,
      // An empty line: a party of two would be quoted the waitlist's default wait (15), shown as a range.
      estimatedWaitMinutes: 15,
      estimatedWaitRange: { low: 5, high: 35 },
    });
    expect(String(summary.body.consentText)).toContain('Reply STOP to opt out');
    const shown = await venue.owner.api.get(`${venue.waitlistPath}/join-link`);
    // The printable link opens the web app's join page; its QR code comes from the API.
    expect(shown.body).toEqual({
      enabled: true,
      code,
      url: `${stack().baseUrl}/j/${code}`,
      qrCodeUrl: `${stack().apiUrl}/v1/join/${code}/qr.svg`,
    });
  });

  it('serves the link as a printable QR code (SVG)', async () => {
    const venue = await newVenue(api());
    const code = await joinLinkOf(venue);
    const qr = await api().get<string>(`/v1/join/${code}/qr.svg`);
    expect(qr.status).toBe(200);
    expect(qr.headers.get('content-type')).toBe('image/svg+xml');
    expect(qr.body).toMatch(/^<svg [^>]*viewBox/);
  });

  it('refuses a rotated or turned-off link, and lets only owners change it', async () => {
    const venue = await newVenue(api());
    const first = await joinLinkOf(venue);
    const second = await joinLinkOf(venue);
    expect(second).not.toBe(first);
    expectProblem(await api().get(`/v1/join/${first}`), 404, 'not-found');
    expectProblem(await api().post(`/v1/join/${first}`, guest(phoneNumber(9001))), 404, 'not-found');
    expectProblem(await api().get(`/v1/join/${first}/qr.svg`), 404, 'not-found');
    expect((await api().get(`/v1/join/${second}`)).status).toBe(200);
    expect((await venue.owner.api.delete(`${venue.waitlistPath}/join-link`)).status).toBe(204);
    expectProblem(await api().get(`/v1/join/${second}`), 404, 'not-found');
    expect((await venue.owner.api.get(`${venue.waitlistPath}/join-link`)).body).toMatchObject({ enabled: false, code: null });
    const stranger = await newUser(api());
    expectProblem(await stranger.api.request('PUT', `${venue.waitlistPath}/join-link`), 404, 'not-found');
  });

  it('keeps listing everyone else’s restaurants closed to customers', async () => {
    await newVenue(api());
    const customer = await newUser(api());
    expect((await customer.api.get('/v1/restaurants')).body).toMatchObject({ items: [] });
  });
});

describe('joining without an account', () => {
  it('texts a 6-digit code through the outbox, and the code puts the party in line with a verified phone and a status link', async () => {
    const venue = await newVenue(api());
    const code = await joinLinkOf(venue);
    const phone = phoneNumber(9101);
    const joinId = await startJoin(api(), code, phone);
    const texted = await codeTextedTo(stack(), phone);
    expect(texted).toMatch(/^\d{6}$/);
    const sms = stack()
      .sms.outbox()
      .find((m) => m.to === phone);
    expect(sms?.message).toContain('Reply STOP to opt out');
    // The stored record (the outbox) never holds the code.
    const join = await stack().services.joinRequests.get(venue.waitlistId, joinId);
    const records = await stack().services.notifications.forWaitee(venue.waitlistId, join?.value.waiteeId ?? '');
    expect(records.map((r) => [r.kind, r.status])).toEqual([['join-code', 'sent']]);
    expect(JSON.stringify(records)).not.toContain(texted);
    expect(JSON.stringify(join)).not.toContain(texted);

    const confirmed = await api().post(`/v1/join/${code}/confirm`, { joinId, code: texted });
    expect(confirmed.status, JSON.stringify(confirmed.body)).toBe(201);
    expect(String(confirmed.body.statusUrl)).toMatch(/\/api\/v1\/status\/[A-Za-z0-9_-]{16}$/);
    const party = await stack().services.waitees.get(venue.waitlistId, String(confirmed.body.waiteeId));
    expect(party?.value).toMatchObject({
      name: 'Robin',
      phone,
      phoneVerified: true,
      status: 'waiting',
      source: 'customer',
      customerId: null,
    });
    const status = await api().get(new URL(String(confirmed.body.statusUrl)).pathname.replace('/api', ''));
    expect(status.body).toMatchObject({ restaurantName: 'Test Diner', position: 1, status: 'waiting' });
    // Confirming again is the same party, not a second one.
    const again = await api().post(`/v1/join/${code}/confirm`, { joinId, code: texted });
    expect(again.status).toBe(200);
    expect(again.body.waiteeId).toBe(confirmed.body.waiteeId);
    expect(await stack().services.waitees.line(venue.waitlistId)).toHaveLength(1);
  });

  it('reads a national number in the restaurant’s country', async () => {
    const owner = await newUser(api());
    const restaurant = await owner.api.post<{ id: string }>('/v1/restaurants', {
      name: 'Chez Nous',
      timeZone: 'Europe/Paris',
      phone: '+33142685300',
    });
    const waitlist = await owner.api.post<{ id: string }>(`/v1/restaurants/${restaurant.body.id}/waitlists`, { name: 'Soir' });
    const link = await owner.api.request<{ code: string }>(
      'PUT',
      `/v1/restaurants/${restaurant.body.id}/waitlists/${waitlist.body.id}/join-link`,
    );
    expect((await api().get(`/v1/join/${link.body.code}`)).body).toMatchObject({ defaultPhoneCountry: 'FR' });
    expect((await api().post(`/v1/join/${link.body.code}`, guest('06 12 34 56 78'))).status).toBe(202);
    expect(await codeTextedTo(stack(), '+33612345678')).toMatch(/^\d{6}$/);
  });

  it('reads a national number in the country of the restaurant’s time zone when it has no phone', async () => {
    const owner = await newUser(api());
    const restaurant = await owner.api.post<{ id: string }>('/v1/restaurants', { name: 'Bei Uns', timeZone: 'Europe/Berlin' });
    const waitlist = await owner.api.post<{ id: string }>(`/v1/restaurants/${restaurant.body.id}/waitlists`, { name: 'Abend' });
    const link = await owner.api.request<{ code: string }>(
      'PUT',
      `/v1/restaurants/${restaurant.body.id}/waitlists/${waitlist.body.id}/join-link`,
    );
    expect((await api().get(`/v1/join/${link.body.code}`)).body).toMatchObject({ defaultPhoneCountry: 'DE' });
    expect((await api().post(`/v1/join/${link.body.code}`, guest('0151 23456789'))).status).toBe(202);
    expect(await codeTextedTo(stack(), '+4915123456789')).toMatch(/^\d{6}$/);
  });

  it('refuses a join without consent to texts, and changes nothing', async () => {
    const venue = await newVenue(api());
    const code = await joinLinkOf(venue);
    const refused = await api().post(`/v1/join/${code}`, { ...guest(phoneNumber(9102)), consentToTexts: false });
    expect(expectProblem(refused, 400, 'validation-failed').errors).toEqual([expect.objectContaining({ pointer: '/consentToTexts' })]);
    expect(
      stack()
        .sms.outbox()
        .filter((m) => m.to === phoneNumber(9102)),
    ).toEqual([]);
  });

  it('refuses a name carrying a link, as every guest-set name is, and texts nobody', async () => {
    const venue = await newVenue(api());
    const code = await joinLinkOf(venue);
    const relay = 'URGENT: pay deposit at http://evil.example/p or lose table';
    const refused = await api().post(`/v1/join/${code}`, guest(phoneNumber(9103), relay));
    expect(expectProblem(refused, 400, 'validation-failed').errors).toEqual([expect.objectContaining({ pointer: '/name' })]);
    expect(
      stack()
        .sms.outbox()
        .filter((m) => m.to === phoneNumber(9103)),
    ).toEqual([]);
  });

  it('needs a new code after 5 wrong tries, even with the right one', async () => {
    const venue = await newVenue(api());
    const code = await joinLinkOf(venue);
    const phone = phoneNumber(9103);
    const joinId = await startJoin(api(), code, phone);
    const right = await codeTextedTo(stack(), phone);
    for (const left of [4, 3, 2, 1]) {
      const wrong = await api().post(`/v1/join/${code}/confirm`, { joinId, code: otherThan(right) });
      expect(expectProblem(wrong, 400, 'validation-failed')).toMatchObject({ triesLeft: left });
    }
    expect(expectProblem(await api().post(`/v1/join/${code}/confirm`, { joinId, code: otherThan(right) }), 409, 'conflict')).toMatchObject({
      newCodeNeeded: true,
    });
    expect(expectProblem(await api().post(`/v1/join/${code}/confirm`, { joinId, code: right }), 409, 'conflict')).toMatchObject({
      newCodeNeeded: true,
    });
    expect(await stack().services.waitees.line(venue.waitlistId)).toEqual([]);
  });

  it('counts each of 20 parallel wrong tries: exactly 5 are used (4 say how many are left), the rest need a new code', async () => {
    const venue = await newVenue(api());
    const code = await joinLinkOf(venue);
    const phone = phoneNumber(9104);
    const joinId = await startJoin(api(), code, phone);
    const right = await codeTextedTo(stack(), phone);
    const answers = await Promise.all(
      Array.from({ length: 20 }, () => api().post(`/v1/join/${code}/confirm`, { joinId, code: otherThan(right) })),
    );
    expect(answers.filter((a) => a.status === 400)).toHaveLength(4);
    expect(answers.filter((a) => a.status === 409)).toHaveLength(16);
    expect((await stack().services.joinRequests.get(venue.waitlistId, joinId))?.value.triesLeft).toBe(0);
  });

  it('refuses a code after its 10 minutes', async () => {
    const venue = await newVenue(api());
    const code = await joinLinkOf(venue);
    const phone = phoneNumber(9105);
    const joinId = await startJoin(api(), code, phone);
    const right = await codeTextedTo(stack(), phone);
    const join = await stack().services.joinRequests.get(venue.waitlistId, joinId);
    if (join === null) throw new Error('join not stored');
    const sent = Date.parse(join.value.createdAt);
    expect(Date.parse(join.value.expiresAt) - sent).toBe(10 * 60_000);
    await stack().services.joinRequests.replace({ ...join.value, expiresAt: new Date(Date.now() - 1000).toISOString() }, join.etag);
    const late = await api().post(`/v1/join/${code}/confirm`, { joinId, code: right });
    expect(expectProblem(late, 409, 'conflict')).toMatchObject({ newCodeNeeded: true, expired: true });
    expect(String(late.body.detail)).toContain('expired');
    expect(await stack().services.waitees.line(venue.waitlistId)).toEqual([]);
  });

  it('lets a signed-in customer verify their phone once, then join without a code', async () => {
    const venue = await newVenue(api());
    const code = await joinLinkOf(venue);
    const phone = phoneNumber(9107);
    const customer = await newUser(api(), { phone });
    const started = await customer.api.post<{ joinId: string }>(`/v1/join/${code}`, guest(phone));
    expect(started.status).toBe(202);
    const confirmed = await api().post(`/v1/join/${code}/confirm`, {
      joinId: started.body.joinId,
      code: await codeTextedTo(stack(), phone),
    });
    expect(confirmed.status).toBe(201);
    expect((await stack().services.users.get(customer.id))?.value.phoneVerifiedAt).toEqual(expect.any(String));
    const mine = await customer.api.get<{ items: { id: string }[] }>('/v1/me/waitees');
    expect(mine.body.items.map((p) => p.id)).toEqual([confirmed.body.waiteeId]);
    const statusPath = new URL(String(confirmed.body.statusUrl)).pathname.replace(/^\/api/, '');
    expect((await api().post(`${statusPath}/leave`, { confirm: true })).status).toBe(200);

    const textsBefore = stack()
      .sms.outbox()
      .filter((m) => m.to === phone).length;
    const again = await customer.api.post(`/v1/join/${code}`, guest(phone));
    expect(again.status, JSON.stringify(again.body)).toBe(201);
    expect(again.headers.get('location')).toBe(again.body.statusUrl);
    const party = await stack().services.waitees.get(venue.waitlistId, String(again.body.waiteeId));
    expect(party?.value).toMatchObject({ customerId: customer.id, phone, phoneVerified: true, status: 'waiting' });
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(
      stack()
        .sms.outbox()
        .filter((m) => m.to === phone),
    ).toHaveLength(textsBefore);
    // Another number than the verified one still needs a code.
    expect((await customer.api.post(`/v1/join/${code}`, guest(phoneNumber(9108)))).status).toBe(202);
  });

  it('refuses to start or confirm on a closed line', async () => {
    const venue = await newVenue(api(), { open: false });
    const code = await joinLinkOf(venue);
    expectProblem(await api().post(`/v1/join/${code}`, guest(phoneNumber(9106))), 409, 'conflict');
  });
});
