import { describe, expect, it } from 'vitest';
import { maxPendingInvitationsPerRestaurant } from '../../src/application/invitations.js';
import { maxRestaurantsPerUser } from '../../src/application/restaurants.js';
import { diffSnapshots, snapshotDatabase } from '../support/db-snapshot.js';
import { expectProblem } from '../support/problems.js';
import { Api, newUser, newVenue, useLocalStack, type ApiResponse, type Json, type TestUser, type Venue } from '../support/stack.js';

/**
 * Membership by invitation (issue 10, "Consent and enumeration"): an owner can only invite; the
 * invitee decides. Inviting tells nothing about whether an address has an account, and invitations
 * never count toward the invitee's limits.
 */
const stack = useLocalStack();
const api = () => new Api(stack().apiUrl);

const invitationsOf = (venue: Venue) => `/v1/restaurants/${venue.restaurantId}/invitations`;
const invite = (venue: Venue, email: string, role: 'owner' | 'staff' = 'staff') =>
  venue.owner.api.post(invitationsOf(venue), { email, role });
const accept = (user: Pick<TestUser, 'api'>, invitationId: unknown) => user.api.post(`/v1/me/invitations/${String(invitationId)}/accept`);
const decline = (user: Pick<TestUser, 'api'>, invitationId: unknown) => user.api.post(`/v1/me/invitations/${String(invitationId)}/decline`);
const myInvitations = async (user: Pick<TestUser, 'api'>) => (await user.api.get<{ items: Json[] }>('/v1/me/invitations')).body.items;
const pendingOf = async (venue: Venue) => (await venue.owner.api.get<{ items: Json[] }>(invitationsOf(venue))).body.items;
const statuses = (responses: readonly ApiResponse[]) => responses.map((r) => r.status).join(',');

/** The response with what differs between two invitations by nature (id, address, times) blanked. */
function shape(response: ApiResponse): Json {
  const body = { ...(response.body as Json), id: '…', email: '…', invitedAt: '…', expiresAt: '…' };
  return { status: response.status, contentType: response.headers.get('content-type'), body };
}

/** Moves an invitation's expiry into the past, as if its 7 days had gone by. */
async function expire(venue: Venue, email: string): Promise<void> {
  const { invitations } = stack().services;
  const stored = await invitations.forEmail(venue.restaurantId, email.toLowerCase());
  if (stored === null) throw new Error('no invitation to age');
  await invitations.save({ ...stored.value, expiresAt: new Date(Date.now() - 1000).toISOString() }, stored.etag);
}

describe('inviting answers the same for every address', () => {
  it('gives the same status and body for an address with an account and one without, and no display name', async () => {
    const venue = await newVenue(api());
    const known = await newUser(api(), { displayName: 'Known Person' });
    const unknownEmail = `nobody-${Date.now().toString(36)}@example.test`;

    const forKnown = await invite(venue, known.email);
    const forUnknown = await invite(venue, unknownEmail);
    expect(forKnown.status).toBe(201);
    expect(shape(forKnown)).toEqual(shape(forUnknown));
    expect(JSON.stringify(forKnown.body)).not.toContain('Known Person');
    expect(JSON.stringify(forKnown.body)).not.toContain(known.id);
    expect(Object.keys(forKnown.body).sort()).toEqual(Object.keys(forUnknown.body).sort());

    // Both are simply pending: nothing was granted to anyone.
    expect((await pendingOf(venue)).map((i) => i.email).sort()).toEqual([known.email, unknownEmail].sort());
    expect(await stack().services.restaurants.member(venue.restaurantId, known.id)).toBeNull();
  });

  it('stores the invitation against the lower-cased address, so an account registered later sees it and can accept', async () => {
    const venue = await newVenue(api());
    const email = `later-${Date.now().toString(36)}@example.test`;
    const invited = await invite(venue, email.toUpperCase());
    expect(invited.body).toMatchObject({ email, role: 'staff' });

    const registered = await api().post('/v1/auth/register', {
      email: `Later-${email.slice('later-'.length)}`,
      password: 'violet-lantern-orbit-42',
      displayName: 'Late Comer',
    });
    expect(registered.status).toBe(201);
    const signedIn = await api().post<{ access_token: string }>('/v1/auth/token', {
      grant_type: 'password',
      email,
      password: 'violet-lantern-orbit-42',
    });
    const late = { id: String(registered.body.id), api: api().as(signedIn.body.access_token) };
    expect(await myInvitations(late)).toMatchObject([
      { id: invited.body.id, restaurantId: venue.restaurantId, restaurantName: 'Test Diner' },
    ]);
    expect((await accept(late, invited.body.id)).status).toBe(201);
    const members = await venue.owner.api.get<{ items: Json[] }>(`/v1/restaurants/${venue.restaurantId}/staff`);
    expect(members.body.items).toContainEqual(expect.objectContaining({ userId: late.id, displayName: 'Late Comer', role: 'staff' }));
  });

  it('refreshes the pending invitation of an address invited again instead of adding another', async () => {
    const venue = await newVenue(api());
    const email = `twice-${Date.now().toString(36)}@example.test`;
    const first = await invite(venue, email, 'staff');
    const second = await invite(venue, email.toUpperCase(), 'owner');
    expect(second.status).toBe(200);
    expect(second.body).toMatchObject({ id: first.body.id, role: 'owner' });
    expect(Date.parse(String(second.body.expiresAt))).toBeGreaterThanOrEqual(Date.parse(String(first.body.expiresAt)));
    expect(await pendingOf(venue)).toMatchObject([{ id: first.body.id, role: 'owner' }]);
  });

  it('makes one invitation of 5 parallel invites of the same new address', async () => {
    const venue = await newVenue(api());
    const email = `together-${Date.now().toString(36)}@example.test`;
    const answers = await Promise.all(Array.from({ length: 5 }, () => invite(venue, email)));
    expect(answers.filter((a) => a.status === 201).length, statuses(answers)).toBe(1);
    expect(answers.filter((a) => a.status === 200).length, statuses(answers)).toBe(4);
    expect(new Set(answers.map((a) => a.body.id)).size).toBe(1);
    expect(await pendingOf(venue)).toHaveLength(1);
  });

  it('refuses to invite a member with a clear 409 that changes nothing', async () => {
    const venue = await newVenue(api());
    const before = await snapshotDatabase(stack().services);
    const again = await invite(venue, venue.owner.email.toUpperCase());
    expect(expectProblem(again, 409, 'conflict')).toMatchObject({ userId: venue.owner.id });
    expect(String(again.body.detail)).toContain('already a member');
    expect(diffSnapshots(before, await snapshotDatabase(stack().services))).toEqual({ added: [], removed: [], changed: [] });
  });
});

describe('the victim scenario', () => {
  it('50 invitations from a stranger’s 50 restaurants neither make the victim a member nor stop them creating their own', async () => {
    const stranger = await newUser(api());
    const victim = await newUser(api());
    for (let i = 0; i < maxRestaurantsPerUser; i++) {
      const restaurant = await stranger.api.post('/v1/restaurants', { name: `Spam ${i}`, timeZone: 'UTC' });
      expect(restaurant.status).toBe(201);
      const invited = await stranger.api.post(`/v1/restaurants/${String(restaurant.body.id)}/invitations`, { email: victim.email });
      expect(invited.status).toBe(201);
    }
    expect(await myInvitations(victim)).toHaveLength(maxRestaurantsPerUser);
    expect(await stack().services.users.memberships(victim.id)).toEqual([]);
    expect((await victim.api.get<{ items: Json[] }>('/v1/restaurants')).body.items).toEqual([]);

    const own = await victim.api.post('/v1/restaurants', { name: 'My Own Place', timeZone: 'UTC' });
    expect(own.status, JSON.stringify(own.body)).toBe(201);
    expect((await victim.api.get<{ items: Json[] }>('/v1/restaurants')).body.items.map((r) => r.name)).toEqual(['My Own Place']);
  });
});

describe('answering an invitation', () => {
  it('accepting makes the invitee a member in the invited role, once', async () => {
    const venue = await newVenue(api());
    const cook = await newUser(api(), { displayName: 'Cook' });
    const invited = await invite(venue, cook.email, 'owner');
    const [listed] = await myInvitations(cook);
    const inviter = (await venue.owner.api.get('/v1/me')).body;
    expect(listed).toEqual({
      id: invited.body.id,
      restaurantId: venue.restaurantId,
      restaurantName: 'Test Diner',
      role: 'owner',
      invitedByName: inviter.displayName,
      invitedAt: invited.body.invitedAt,
      expiresAt: invited.body.expiresAt,
    });
    expect(Date.parse(String(listed?.expiresAt)) - Date.parse(String(listed?.invitedAt))).toBe(7 * 24 * 3_600_000);

    const accepted = await accept(cook, invited.body.id);
    expect(accepted.status).toBe(201);
    expect(accepted.body).toMatchObject({ id: venue.restaurantId, myRole: 'owner' });
    expect(await myInvitations(cook)).toEqual([]);
    expect(await pendingOf(venue)).toEqual([]);
    expectProblem(await accept(cook, invited.body.id), 404, 'not-found');
    // An owner by invitation counts as an owner: the first one may now leave.
    expect((await cook.api.delete(`/v1/restaurants/${venue.restaurantId}/staff/${venue.owner.id}`)).status).toBe(204);
  });

  it('declining removes the invitation and grants nothing', async () => {
    const venue = await newVenue(api());
    const guest = await newUser(api());
    const invited = await invite(venue, guest.email);
    expect((await decline(guest, invited.body.id)).status).toBe(204);
    expect(await myInvitations(guest)).toEqual([]);
    expect(await pendingOf(venue)).toEqual([]);
    expectProblem(await accept(guest, invited.body.id), 404, 'not-found');
    expectProblem(await guest.api.get(`/v1/restaurants/${venue.restaurantId}`), 404, 'not-found');
  });

  it('an expired invitation is no longer listed, nor can it be accepted or declined; inviting again renews it', async () => {
    const venue = await newVenue(api());
    const slow = await newUser(api());
    const invited = await invite(venue, slow.email);
    await expire(venue, slow.email);
    expect(await myInvitations(slow)).toEqual([]);
    expect(await pendingOf(venue)).toEqual([]);
    expectProblem(await accept(slow, invited.body.id), 404, 'not-found');
    expectProblem(await decline(slow, invited.body.id), 404, 'not-found');
    expect(await stack().services.restaurants.member(venue.restaurantId, slow.id)).toBeNull();

    const renewed = await invite(venue, slow.email);
    expect(renewed.status).toBe(201);
    expect((await accept(slow, renewed.body.id)).status).toBe(201);
  });

  it('a revoked invitation disappears for the invitee and cannot be accepted', async () => {
    const venue = await newVenue(api());
    const guest = await newUser(api());
    const invited = await invite(venue, guest.email);
    expect((await venue.owner.api.delete(`${invitationsOf(venue)}/${String(invited.body.id)}`)).status).toBe(204);
    expect(await myInvitations(guest)).toEqual([]);
    expectProblem(await accept(guest, invited.body.id), 404, 'not-found');
    expectProblem(await venue.owner.api.delete(`${invitationsOf(venue)}/${String(invited.body.id)}`), 404, 'not-found');
  });

  it('someone else’s invitation is 404 to accept or decline, exactly like an unknown id, and nothing changes', async () => {
    const venue = await newVenue(api());
    const [invitee, other] = await Promise.all([newUser(api()), newUser(api())]);
    const invited = await invite(venue, invitee.email);
    const before = await snapshotDatabase(stack().services);
    const unknown = '00000000-0000-4000-8000-000000000000';
    const answers = [await accept(other, invited.body.id), await decline(other, invited.body.id), await accept(other, unknown)];
    for (const answer of answers) expectProblem(answer, 404, 'not-found');
    expect(answers[0]?.body.detail).toBe(answers[2]?.body.detail);
    expect(await myInvitations(other)).toEqual([]);
    expect(diffSnapshots(before, await snapshotDatabase(stack().services))).toEqual({ added: [], removed: [], changed: [] });
    expect((await accept(invitee, invited.body.id)).status).toBe(201);
  });
});

describe('invitation limits under 20 parallel requests', () => {
  it(`lets exactly 5 of 20 parallel invitations into a restaurant 5 short of ${maxPendingInvitationsPerRestaurant} pending`, async () => {
    const venue = await newVenue(api());
    const stamp = Date.now().toString(36);
    for (let i = 0; i < maxPendingInvitationsPerRestaurant - 5; i++)
      expect((await invite(venue, `early-${i}-${stamp}@example.test`)).status).toBe(201);

    const answers = await Promise.all(Array.from({ length: 20 }, (_, i) => invite(venue, `rush-${i}-${stamp}@example.test`)));
    expect(answers.filter((a) => a.status === 201).length, statuses(answers)).toBe(5);
    for (const refused of answers.filter((a) => a.status !== 201)) {
      expect(expectProblem(refused, 409, 'limit-reached')).toMatchObject({ limit: maxPendingInvitationsPerRestaurant });
    }
    expect(await pendingOf(venue)).toHaveLength(maxPendingInvitationsPerRestaurant);

    // Re-inviting a pending address takes no new place; answering or revoking one frees a place at once.
    expect((await invite(venue, `early-0-${stamp}@example.test`)).status).toBe(200);
    expectProblem(await invite(venue, `one-more-${stamp}@example.test`), 409, 'limit-reached');
    const [oldest] = await pendingOf(venue);
    expect((await venue.owner.api.delete(`${invitationsOf(venue)}/${String(oldest?.id)}`)).status).toBe(204);
    const quick = await invite(venue, `quick-${stamp}@example.test`);
    expect(quick.status).toBe(201);
    expect((await venue.owner.api.delete(`${invitationsOf(venue)}/${String(quick.body.id)}`)).status).toBe(204);
    expect((await invite(venue, `one-more-${stamp}@example.test`)).status).toBe(201);
  });

  it('lets exactly 2 of 5 parallel accepts through for a user 2 short of the restaurant limit, and keeps the others pending', async () => {
    const user = await newUser(api());
    for (let i = 0; i < maxRestaurantsPerUser - 2; i++) {
      expect((await user.api.post('/v1/restaurants', { name: `Mine ${i}`, timeZone: 'UTC' })).status).toBe(201);
    }
    const venues = await Promise.all(Array.from({ length: 5 }, () => newVenue(api())));
    const invitations = await Promise.all(venues.map((venue) => invite(venue, user.email)));
    const answers = await Promise.all(invitations.map((invited) => accept(user, invited.body.id)));

    expect(answers.filter((a) => a.status === 201).length, statuses(answers)).toBe(2);
    for (const refused of answers.filter((a) => a.status !== 201)) {
      const problem = expectProblem(refused, 409, 'limit-reached');
      expect(problem).toMatchObject({ limit: maxRestaurantsPerUser });
      expect(String(problem.detail)).toContain(`You belong to ${maxRestaurantsPerUser} restaurants already`);
      expect(String(problem.detail)).toContain('accepting another invitation');
    }
    expect(await stack().services.users.memberships(user.id)).toHaveLength(maxRestaurantsPerUser);
    expect(await myInvitations(user)).toHaveLength(3);
    expectProblem(await user.api.post('/v1/restaurants', { name: 'One too many', timeZone: 'UTC' }), 409, 'limit-reached');
  });
});
