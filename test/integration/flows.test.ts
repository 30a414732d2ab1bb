import { describe, expect, it } from 'vitest';
import { addMember, Api, newUser, newVenue, useLocalStack, type Json } from '../support/stack.js';

const stack = useLocalStack();
const api = () => new Api(stack().apiUrl);

describe('owner flow', () => {
  it('signs in as the seeded demo owner and sees the demo restaurant', async () => {
    const demo = stack().demo;
    expect(demo).not.toBeNull();
    const token = await api().post<{ access_token: string; token_type: string; expires_in: number }>('/v1/auth/token', {
      grant_type: 'password',
      email: demo?.ownerEmail,
      password: demo?.ownerPassword,
    });
    expect(token.status).toBe(200);
    expect(token.body.token_type).toBe('Bearer');
    expect(token.body.expires_in).toBe(900);
    const mine = await api().as(token.body.access_token).get<{ items: Json[] }>('/v1/restaurants');
    expect(mine.body.items.map((r) => r.id)).toEqual([demo?.restaurantId]);
  });

  it('creates a restaurant and waitlist, invites staff who add walk-ins, and runs the line', async () => {
    const venue = await newVenue(api(), { defaultWaitMinutes: 25 });
    const staff = await newUser(api());
    const invited = await venue.owner.api.post(`/v1/restaurants/${venue.restaurantId}/invitations`, {
      email: staff.email.toUpperCase(),
      role: 'staff',
    });
    expect(invited.status).toBe(201);
    expect(invited.body).toMatchObject({ email: staff.email.toLowerCase(), role: 'staff' });
    const mine = await staff.api.get<{ items: Json[] }>('/v1/me/invitations');
    expect(mine.body.items).toMatchObject([{ id: invited.body.id, restaurantId: venue.restaurantId, restaurantName: 'Test Diner' }]);
    const accepted = await staff.api.post(`/v1/me/invitations/${String(invited.body.id)}/accept`);
    expect(accepted.body).toMatchObject({ id: venue.restaurantId, myRole: 'staff' });

    const first = await staff.api.post(`${venue.waitlistPath}/waitees`, { name: 'Ada', phone: '+14155550123', partySize: 2 });
    const second = await staff.api.post(`${venue.waitlistPath}/waitees`, { name: 'Grace', partySize: 4, notes: 'high chair' });
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ status: 'waiting', position: 1, estimatedWaitMinutes: 25, source: 'staff' });
    expect(second.body).toMatchObject({ position: 2, notes: 'high chair', phone: null });
    expect(first.headers.get('etag')).toBe(first.body.etag);

    const line = await staff.api.get<{ items: Json[] }>(`${venue.waitlistPath}/waitees?status=waiting`);
    expect(line.body.items.map((w) => w.name)).toEqual(['Ada', 'Grace']);

    const notified = await staff.api.post(`${venue.waitlistPath}/waitees/${String(first.body.id)}/notify`);
    expect(notified.body).toMatchObject({ status: 'notified', position: 1, allowedActions: ['notify', 'seat', 'no-show', 'cancel'] });
    const seated = await staff.api.post(`${venue.waitlistPath}/waitees/${String(first.body.id)}/seat`);
    expect(seated.body).toMatchObject({ status: 'seated', position: null, estimatedWaitMinutes: null, allowedActions: [] });
    const again = await staff.api.post(`${venue.waitlistPath}/waitees/${String(first.body.id)}/seat`);
    expect(again.status).toBe(409);
    expect(again.headers.get('content-type')).toBe('application/problem+json');
    expect(again.body).toMatchObject({ type: 'urn:waitlist:problem:invalid-transition', allowedActions: [] });

    const after = await staff.api.get(`${venue.waitlistPath}/waitees/${String(second.body.id)}`);
    expect(after.body.position).toBe(1);
  });

  it('keeps staff out of owner settings and strangers out entirely', async () => {
    const venue = await newVenue(api());
    const staff = await newUser(api());
    await addMember(venue.owner, venue.restaurantId, staff);
    const rename = await staff.api.patch(`/v1/restaurants/${venue.restaurantId}`, { name: 'Mine now' });
    expect(rename.status).toBe(403);
    const stranger = await newUser(api());
    const peek = await stranger.api.get(`/v1/restaurants/${venue.restaurantId}`);
    expect(peek.status).toBe(404);
  });
});

describe('customer flow', () => {
  it('joins a line, sees position and estimate, follows the public status link, and leaves', async () => {
    const venue = await newVenue(api());
    await venue.owner.api.post(`${venue.waitlistPath}/waitees`, { name: 'Walk-in', partySize: 2 });
    const customer = await newUser(api(), { displayName: 'Casey', phone: '+447911123456' });

    const joined = await customer.api.post(`${venue.waitlistPath}/waitees`, { partySize: 3 });
    expect(joined.status).toBe(201);
    expect(joined.body).toMatchObject({ name: 'Casey', phone: '+447911123456', position: 2, source: 'customer', status: 'waiting' });
    const twice = await customer.api.post(`${venue.waitlistPath}/waitees`, { partySize: 3 });
    expect(twice.status).toBe(409);

    const mine = await customer.api.get<{ items: Json[] }>('/v1/me/waitees');
    expect(mine.body.items.map((w) => w.id)).toEqual([joined.body.id]);

    const statusUrl = String(joined.body.statusUrl);
    const publicView = await fetch(statusUrl);
    const status = (await publicView.json()) as Json;
    expect(publicView.status).toBe(200);
    expect(status).toEqual({
      restaurantName: 'Test Diner',
      timeZone: 'Europe/Paris',
      waitlistName: 'Main',
      status: 'waiting',
      partySize: 3,
      position: 2,
      estimatedWaitMinutes: 15,
      estimatedWaitRange: { low: 5, high: 35 },
      gracePeriodMinutes: 10,
      holdUntil: null,
      onMyWayAt: null,
      allowedActions: ['on-my-way', 'leave'],
      linkExpiresAt: null,
      updatedAt: joined.body.updatedAt,
    });

    const notify = await customer.api.post(`${venue.waitlistPath}/waitees/${String(joined.body.id)}/notify`);
    expect(notify.status).toBe(403);
    const left = await customer.api.post(`${venue.waitlistPath}/waitees/${String(joined.body.id)}/cancel`);
    expect(left.body.status).toBe('cancelled');
    expect((await customer.api.get<{ items: Json[] }>('/v1/me/waitees')).body.items).toEqual([]);
  });

  it('cannot see or leave someone else’s place', async () => {
    const venue = await newVenue(api());
    const alice = await newUser(api());
    const bob = await newUser(api());
    const joined = await alice.api.post(`${venue.waitlistPath}/waitees`, { partySize: 2 });
    expect((await bob.api.get(`${venue.waitlistPath}/waitees/${String(joined.body.id)}`)).status).toBe(404);
    expect((await bob.api.post(`${venue.waitlistPath}/waitees/${String(joined.body.id)}/cancel`)).status).toBe(404);
    expect((await alice.api.get(`${venue.waitlistPath}/waitees/${String(joined.body.id)}`)).body.status).toBe('waiting');
  });

  it('joins a line once even when the app sends the join several times at once, and can rejoin after leaving', async () => {
    const venue = await newVenue(api());
    const customer = await newUser(api());
    const attempts = await Promise.all(
      Array.from({ length: 8 }, () => customer.api.post(`${venue.waitlistPath}/waitees`, { partySize: 2 })),
    );
    expect(attempts.filter((r) => r.status === 201)).toHaveLength(1);
    expect(attempts.filter((r) => r.status === 409)).toHaveLength(7);
    const line = await venue.owner.api.get<{ items: Json[] }>(`${venue.waitlistPath}/waitees`);
    expect(line.body.items).toHaveLength(1);

    const joined = attempts.find((r) => r.status === 201);
    await customer.api.post(`${venue.waitlistPath}/waitees/${String(joined?.body.id)}/cancel`);
    const again = await customer.api.post(`${venue.waitlistPath}/waitees`, { partySize: 2 });
    expect(again.status).toBe(201);
    expect((await customer.api.get<{ items: Json[] }>('/v1/me/waitees')).body.items.map((w) => w.id)).toEqual([again.body.id]);
  });

  it('cannot join a closed waitlist', async () => {
    const venue = await newVenue(api(), { open: false });
    const customer = await newUser(api());
    const joined = await customer.api.post(`${venue.waitlistPath}/waitees`, { partySize: 2 });
    expect(joined.status).toBe(409);
  });
});
