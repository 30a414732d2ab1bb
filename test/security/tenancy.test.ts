import { beforeAll, describe, expect, it } from 'vitest';
import { diffSnapshots, snapshotDatabase } from '../support/db-snapshot.js';
import { expectProblem } from '../support/problems.js';
import { waitForQueueIdle } from '../support/notifications.js';
import { catalogRoutes, coverageGaps, pathOf } from '../support/routes.js';
import {
  addMember,
  Api,
  newUser,
  newVenue,
  useLocalStack,
  type ApiResponse,
  type Json,
  type TestUser,
  type Venue,
} from '../support/stack.js';

const stack = useLocalStack();
const api = () => new Api(stack().apiUrl);

/**
 * Restaurant A with an owner, a staff member, a line (a walk-in added by staff and a customer's
 * own place) and a second, empty waitlist; restaurant B with its owner and its own party; a
 * customer with no place anywhere.
 */
interface World {
  readonly a: Venue;
  readonly b: Venue;
  readonly staffA: TestUser;
  readonly customer: TestUser;
  readonly stranger: TestUser;
  readonly emptyWaitlistA: string;
  readonly walkInA: Json;
  readonly placeOfCustomer: Json;
  readonly partyB: Json;
  /** A's pending invitation of the customer to become an owner. */
  readonly invitationA: string;
}

let world: World;

beforeAll(async () => {
  const [a, b, staffA, customer, stranger] = await Promise.all([
    newVenue(api()),
    newVenue(api()),
    newUser(api()),
    newUser(api(), { displayName: 'Casey Customer' }),
    newUser(api()),
  ]);
  await addMember(a.owner, a.restaurantId, staffA);
  const invitation = await a.owner.api.post(`/v1/restaurants/${a.restaurantId}/invitations`, { email: customer.email, role: 'owner' });
  if (invitation.status !== 201) throw new Error('invite failed');
  const empty = await a.owner.api.post(`/v1/restaurants/${a.restaurantId}/waitlists`, { name: 'Terrace' });
  const walkIn = await staffA.api.post(`${a.waitlistPath}/waitees`, {
    name: 'Secret Walk-in',
    phone: '+14155550123',
    partySize: 4,
    notes: 'allergic to nuts',
  });
  const place = await customer.api.post(`${a.waitlistPath}/waitees`, { partySize: 2 });
  const partyB = await b.owner.api.post(`${b.waitlistPath}/waitees`, { name: 'B guest', partySize: 2 });
  if (walkIn.status !== 201 || place.status !== 201 || partyB.status !== 201) throw new Error('setup failed');
  world = {
    a,
    b,
    staffA,
    customer,
    stranger,
    emptyWaitlistA: String(empty.body.id),
    walkInA: walkIn.body,
    placeOfCustomer: place.body,
    partyB: partyB.body,
    invitationA: String(invitation.body.id),
  };
});

type ActorName = 'member of restaurant B' | 'stranger customer';
const actors: readonly ActorName[] = ['member of restaurant B', 'stranger customer'];
const actor = (name: ActorName): TestUser => (name === 'member of restaurant B' ? world.b.owner : world.stranger);

/** Path parameters pointing at restaurant A's resources. */
function aIds(): Record<string, string> {
  return {
    restaurantId: world.a.restaurantId,
    waitlistId: world.a.waitlistId,
    waiteeId: String(world.walkInA.id),
    userId: world.staffA.id,
    invitationId: world.invitationA,
    // No upload of A's is needed: a non-member gets 404 for the restaurant before any upload is looked up.
    uploadId: 'logo-00000000-0000-4000-8000-000000000000',
    imageId: 'logo-00000000-0000-4000-8000-000000000000',
  };
}

/**
 * A's resources, and for B's member also A's waitlist or party reached through B's own restaurant
 * or waitlist id (a member of B must not get in by mixing ids).
 */
function variants(route: string, who: ActorName): Record<string, string>[] {
  const own = [aIds()];
  if (who !== 'member of restaurant B') return own;
  const mixed: Record<string, string>[] = [];
  if (['{waitlistId}', '{userId}', '{invitationId}', '{uploadId}', '{imageId}'].some((param) => route.includes(param)))
    mixed.push({ ...aIds(), restaurantId: world.b.restaurantId });
  if (route.includes('{waiteeId}')) mixed.push({ ...aIds(), restaurantId: world.b.restaurantId, waitlistId: world.b.waitlistId });
  return [...own, ...mixed];
}

/** Strings that must not reach anyone outside restaurant A (besides the customer, their own place). */
function secretsOfA(): string[] {
  return [
    world.a.restaurantId,
    world.a.waitlistId,
    String(world.walkInA.id),
    String(world.placeOfCustomer.id),
    'Secret Walk-in',
    'allergic to nuts',
    '+14155550123',
    world.a.owner.email,
    world.staffA.email,
    world.customer.email,
  ];
}

async function expectNothingChanged(run: () => Promise<ApiResponse>, status: number, slug: string): Promise<void> {
  const before = await snapshotDatabase(stack().services);
  const response = await run();
  const problem = expectProblem(response, status, slug);
  for (const secret of [String(world.walkInA.name), String(world.walkInA.phone), String(world.walkInA.notes)])
    expect(JSON.stringify(problem)).not.toContain(secret);
  expect(diffSnapshots(before, await snapshotDatabase(stack().services))).toEqual({ added: [], removed: [], changed: [] });
}

interface Request {
  readonly method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  readonly body?: Json;
}

type Case =
  | { readonly kind: 'public'; readonly why: string }
  | { readonly kind: 'own-data'; readonly body?: Json }
  | { readonly kind: 'denied'; readonly request: Request; readonly params?: () => Record<string, string> }
  | { readonly kind: 'special'; readonly why: string };

const denied = (method: Request['method'], body?: Json, params?: () => Record<string, string>): Case => ({
  kind: 'denied',
  request: body === undefined ? { method } : { method, body },
  ...(params === undefined ? {} : { params }),
});

const r = 'v1/restaurants/{restaurantId}';
const wl = `${r}/waitlists/{waitlistId}`;
const wt = `${wl}/waitees/{waiteeId}`;

/** One entry per (method, route) of the catalog; a new route without an entry fails the coverage test. */
const cases: Readonly<Record<string, Case>> = {
  'POST v1/auth/register': { kind: 'public', why: 'creates an account' },
  'POST v1/auth/token': { kind: 'public', why: 'signs in' },
  'POST v1/auth/logout': { kind: 'public', why: 'needs the refresh token it revokes' },
  'GET .well-known/openid-configuration': { kind: 'public', why: 'discovery document' },
  'GET .well-known/jwks.json': { kind: 'public', why: 'public keys' },
  'GET openapi.json': { kind: 'public', why: 'API description' },
  'GET v1/status/{token}': { kind: 'special', why: 'public by unguessable link; must show nothing personal (tested below)' },
  'POST v1/status/{token}/on-my-way': { kind: 'special', why: 'public by the party’s unguessable link (test/guest/status-page.test.ts)' },
  'POST v1/status/{token}/leave': { kind: 'special', why: 'public by the party’s unguessable link (test/guest/status-page.test.ts)' },
  'GET v1/join/{joinCode}': { kind: 'public', why: 'a join link is printed for anyone to scan' },
  'POST v1/join/{joinCode}': { kind: 'public', why: 'joining without an account, guarded by a one-time code (test/guest)' },
  'POST v1/join/{joinCode}/confirm': { kind: 'public', why: 'the one-time code is the proof (test/guest)' },
  'GET v1/join/{joinCode}/qr.svg': { kind: 'public', why: 'the printable poster of a public link' },
  'GET v1/me': { kind: 'own-data' },
  'GET v1/me/waitees': { kind: 'own-data' },
  'GET v1/me/invitations': { kind: 'own-data' },
  'POST v1/me/invitations/{invitationId}/accept': denied('POST'),
  'POST v1/me/invitations/{invitationId}/decline': denied('POST'),
  'GET v1/restaurants': { kind: 'own-data' },
  'POST v1/restaurants': { kind: 'own-data', body: { name: 'My Own Place' } },
  [`GET ${r}`]: denied('GET'),
  [`PATCH ${r}`]: denied('PATCH', { name: 'Taken over' }),
  [`POST ${r}/invitations`]: denied('POST', { email: 'placeholder', role: 'owner' }),
  [`GET ${r}/invitations`]: denied('GET'),
  [`DELETE ${r}/invitations/{invitationId}`]: denied('DELETE'),
  [`GET ${r}/staff`]: denied('GET'),
  [`DELETE ${r}/staff/{userId}`]: denied('DELETE'),
  [`POST ${r}/uploads`]: denied('POST', { kind: 'logo', contentType: 'image/png', size: 1000 }),
  [`POST ${r}/uploads/{uploadId}/confirm`]: denied('POST'),
  [`GET ${r}/images`]: denied('GET'),
  [`DELETE ${r}/images/{imageId}`]: denied('DELETE'),
  [`POST ${r}/waitlists`]: denied('POST', { name: 'Shadow list' }),
  [`GET ${r}/waitlists`]: denied('GET'),
  [`GET ${wl}`]: { kind: 'special', why: 'any signed-in user sees whether a line is open and how long it is (tested below)' },
  [`PATCH ${wl}`]: denied('PATCH', { open: false, defaultWaitMinutes: 1 }),
  [`DELETE ${wl}`]: denied('DELETE', undefined, () => ({ ...aIds(), waitlistId: world.emptyWaitlistA })),
  [`POST ${wl}/waitees`]: { kind: 'special', why: 'anyone signed in may join a line as a customer, never as staff (tested below)' },
  [`GET ${wl}/join-link`]: denied('GET'),
  [`PUT ${wl}/join-link`]: denied('PUT'),
  [`DELETE ${wl}/join-link`]: denied('DELETE'),
  [`GET ${wl}/waitees`]: denied('GET'),
  [`GET ${wt}`]: denied('GET'),
  [`PATCH ${wt}`]: denied('PATCH', { name: 'Renamed', partySize: 9 }),
  [`DELETE ${wt}`]: denied('DELETE'),
  [`POST ${wt}/notify`]: denied('POST'),
  [`POST ${wt}/seat`]: denied('POST'),
  [`POST ${wt}/no-show`]: denied('POST'),
  [`POST ${wt}/cancel`]: denied('POST'),
  [`GET ${wt}/notifications`]: denied('GET'),
  [`GET ${wl}/analytics`]: denied('GET'),
  [`GET ${r}/analytics`]: denied('GET'),
  [`GET ${r}/parties.csv`]: denied('GET'),
};

describe('tenancy: every protected route against restaurant A', () => {
  it('has a case for every route and method of the catalog', () => {
    expect(coverageGaps(Object.keys(cases))).toEqual({ missing: [], unknown: [] });
  });

  const deniedRoutes = catalogRoutes.flatMap((route) => {
    const c = cases[route.key];
    return c?.kind === 'denied' ? actors.map((who) => ({ key: route.key, route: route.route, who, c })) : [];
  });

  it.each(deniedRoutes)('$key by a $who → 404, nothing changed', async ({ route, who, c }) => {
    const user = actor(who);
    const base = c.params?.() ?? aIds();
    const paramSets = variants(route, who).map((v) => ({ ...v, ...(c.params === undefined ? {} : { waitlistId: base.waitlistId ?? '' }) }));
    for (const params of paramSets) {
      const body = c.request.body?.email === 'placeholder' ? { ...c.request.body, email: user.email } : c.request.body;
      await expectNothingChanged(
        () => user.api.request(c.request.method, pathOf(route, params), body === undefined ? {} : { body }),
        404,
        'not-found',
      );
    }
  });

  const ownDataRoutes = catalogRoutes.flatMap((route) => {
    const c = cases[route.key];
    return c?.kind === 'own-data' ? actors.map((who) => ({ key: route.key, route: route.route, method: route.method, who, c })) : [];
  });

  it.each(ownDataRoutes)('$key by a $who shows only their own data and changes nothing of A', async ({ route, method, who, c }) => {
    const user = actor(who);
    const before = await snapshotDatabase(stack().services);
    const response = await user.api.request(method, `/${route}`, c.body === undefined ? {} : { body: c.body });
    expect(response.status).toBeLessThan(300);
    const text = JSON.stringify(response.body);
    for (const secret of secretsOfA()) expect(text).not.toContain(secret);
    const diff = diffSnapshots(before, await snapshotDatabase(stack().services));
    // Creating a restaurant takes a place under the caller's own cap (docs/architecture.md, Caps).
    const changed = diff.changed.filter((key) => key !== `users/${user.id}/admissions:restaurants`);
    expect({ removed: diff.removed, changed }).toEqual({ removed: [], changed: [] });
    if (method === 'GET') expect(diff.added).toEqual([]);
  });

  it.each(actors)('GET a waitlist of A as a %s shows only whether it is open and how long the line is', async (who) => {
    const user = actor(who);
    const response = await user.api.get(pathOf(wl, aIds()));
    expect(response.status).toBe(200);
    expect(Object.keys(response.body).sort()).toEqual(['id', 'name', 'open', 'partiesInLine', 'restaurantId', 'restaurantName']);
    expect(response.headers.get('etag')).toBeNull();
    if (who === 'member of restaurant B') {
      await expectNothingChanged(() => user.api.get(pathOf(wl, { ...aIds(), restaurantId: world.b.restaurantId })), 404, 'not-found');
    }
  });

  it.each(actors)('POST a party to A’s line as a %s joins as a customer, never as staff, and changes nothing else', async (who) => {
    const user = actor(who);
    const before = await snapshotDatabase(stack().services);
    const joined = await user.api.post(`${world.a.waitlistPath}/waitees`, { name: 'Pretend Walk-in', partySize: 2 });
    expect(joined.status).toBe(201);
    expect(joined.body.source).toBe('customer');
    expect(JSON.stringify(joined.body)).not.toContain('Secret Walk-in');
    const diff = diffSnapshots(before, await snapshotDatabase(stack().services));
    // Joining takes a place under the line's cap (docs/architecture.md, Caps): that document, nothing else.
    const changed = diff.changed.filter((key) => key !== `waitees/${world.a.waitlistId}/admissions:line`);
    expect({ removed: diff.removed, changed }).toEqual({ removed: [], changed: [] });
    const stored = await stack().services.waitees.get(world.a.waitlistId, String(joined.body.id));
    expect(stored?.value).toMatchObject({ source: 'customer', customerId: user.id });
    // Joining gives no access to the line or to other parties.
    expectProblem(await user.api.get(`${world.a.waitlistPath}/waitees`), 404, 'not-found');
    expectProblem(await user.api.get(`${world.a.waitlistPath}/waitees/${String(world.walkInA.id)}`), 404, 'not-found');
    expectProblem(await user.api.post(`${world.a.waitlistPath}/waitees/${String(joined.body.id)}/seat`), 403, 'forbidden');
    expect((await user.api.post(`${world.a.waitlistPath}/waitees/${String(joined.body.id)}/cancel`)).body.status).toBe('cancelled');
    // Leaving tells the line behind it is getting close: let that text settle before comparing snapshots.
    await waitForQueueIdle(stack());
    if (who === 'member of restaurant B') {
      await expectNothingChanged(
        () => user.api.post(pathOf(`${wl}/waitees`, { ...aIds(), restaurantId: world.b.restaurantId }), { name: 'Mixed', partySize: 2 }),
        404,
        'not-found',
      );
    }
  });

  it('the public status link shows the line position but nothing personal', async () => {
    const status = await fetch(String(world.walkInA.statusUrl));
    const body = (await status.json()) as Json;
    expect(status.status).toBe(200);
    expect(Object.keys(body).sort()).toEqual([
      'allowedActions',
      'estimatedWaitMinutes',
      'gracePeriodMinutes',
      'holdUntil',
      'linkExpiresAt',
      'onMyWayAt',
      'partySize',
      'position',
      'restaurantName',
      'status',
      'timeZone',
      'updatedAt',
      'waitlistName',
    ]);
    for (const secret of ['Secret Walk-in', '+14155550123', 'allergic to nuts', world.a.restaurantId, String(world.walkInA.id)])
      expect(JSON.stringify(body)).not.toContain(secret);
  });
});

describe('tenancy: staff of restaurant A', () => {
  const staffDenied: [string, () => Promise<ApiResponse>][] = [
    ['rename the restaurant', () => world.staffA.api.patch(`/v1/restaurants/${world.a.restaurantId}`, { name: 'Staff Diner' })],
    [
      'promote themselves to owner',
      () => world.staffA.api.post(`/v1/restaurants/${world.a.restaurantId}/invitations`, { email: world.staffA.email, role: 'owner' }),
    ],
    [
      'add another member',
      () => world.staffA.api.post(`/v1/restaurants/${world.a.restaurantId}/invitations`, { email: world.stranger.email, role: 'staff' }),
    ],
    ['see pending invitations', () => world.staffA.api.get(`/v1/restaurants/${world.a.restaurantId}/invitations`)],
    ['revoke an invitation', () => world.staffA.api.delete(`/v1/restaurants/${world.a.restaurantId}/invitations/${world.invitationA}`)],
    ['remove the owner', () => world.staffA.api.delete(`/v1/restaurants/${world.a.restaurantId}/staff/${world.a.owner.id}`)],
    ['create a waitlist', () => world.staffA.api.post(`/v1/restaurants/${world.a.restaurantId}/waitlists`, { name: 'Bar' })],
    ['change a waitlist', () => world.staffA.api.patch(world.a.waitlistPath, { defaultWaitMinutes: 1 })],
    [
      'delete an empty waitlist',
      () => world.staffA.api.delete(`/v1/restaurants/${world.a.restaurantId}/waitlists/${world.emptyWaitlistA}`),
    ],
  ];

  it.each(staffDenied)('cannot %s (403, nothing changed)', async (_, run) => {
    await expectNothingChanged(run, 403, 'forbidden');
  });

  it('can read the restaurant, its staff and waitlists, and run the line', async () => {
    const { staffA, a } = world;
    expect((await staffA.api.get(`/v1/restaurants/${a.restaurantId}`)).body).toMatchObject({ id: a.restaurantId, myRole: 'staff' });
    expect(
      (await staffA.api.get<{ items: Json[] }>(`/v1/restaurants/${a.restaurantId}/staff`)).body.items.map((m) => m.userId).sort(),
    ).toEqual([a.owner.id, staffA.id].sort());
    expect((await staffA.api.get<{ items: Json[] }>(`/v1/restaurants/${a.restaurantId}/waitlists`)).status).toBe(200);
    const party = await staffA.api.post(`${a.waitlistPath}/waitees`, { name: 'Walk-in two', partySize: 2 });
    expect(party.status).toBe(201);
    expect((await staffA.api.post(`${a.waitlistPath}/waitees/${String(party.body.id)}/notify`)).body.status).toBe('notified');
    expect((await staffA.api.post(`${a.waitlistPath}/waitees/${String(party.body.id)}/no-show`)).body.status).toBe('no_show');
  });

  it('cannot reach restaurant B', async () => {
    await expectNothingChanged(() => world.staffA.api.get(`${world.b.waitlistPath}/waitees`), 404, 'not-found');
    await expectNothingChanged(
      () => world.staffA.api.post(`${world.b.waitlistPath}/waitees/${String(world.partyB.id)}/seat`),
      404,
      'not-found',
    );
  });
});

describe('tenancy: customers', () => {
  const placePath = () => `${world.a.waitlistPath}/waitees/${String(world.placeOfCustomer.id)}`;

  it('can read their own place', async () => {
    const own = await world.customer.api.get(placePath());
    expect(own.status).toBe(200);
    expect(own.body).toMatchObject({ id: world.placeOfCustomer.id, name: 'Casey Customer', status: 'waiting' });
  });

  const customerDenied: [string, () => Promise<ApiResponse>][] = [
    ['change their own place', () => world.customer.api.patch(placePath(), { partySize: 12 })],
    ['delete their own place', () => world.customer.api.delete(placePath())],
    ['notify their own place', () => world.customer.api.post(`${placePath()}/notify`)],
    ['seat themselves', () => world.customer.api.post(`${placePath()}/seat`)],
    ['mark themselves a no-show', () => world.customer.api.post(`${placePath()}/no-show`)],
  ];

  it.each(customerDenied)('cannot %s: staff-only (403, nothing changed)', async (_, run) => {
    await expectNothingChanged(run, 403, 'forbidden');
  });

  it('cannot see the line, the walk-in, or act on another customer’s place (404, nothing changed)', async () => {
    const walkIn = `${world.a.waitlistPath}/waitees/${String(world.walkInA.id)}`;
    await expectNothingChanged(() => world.customer.api.get(`${world.a.waitlistPath}/waitees`), 404, 'not-found');
    await expectNothingChanged(() => world.customer.api.get(walkIn), 404, 'not-found');
    await expectNothingChanged(() => world.customer.api.post(`${walkIn}/cancel`), 404, 'not-found');
    await expectNothingChanged(() => world.stranger.api.get(placePath()), 404, 'not-found');
    await expectNothingChanged(() => world.stranger.api.post(`${placePath()}/cancel`), 404, 'not-found');
    await expectNothingChanged(() => world.b.owner.api.post(`${placePath()}/cancel`), 404, 'not-found');
  });

  it('can leave the line (cancel their own place), once', async () => {
    const left = await world.customer.api.post(`${placePath()}/cancel`);
    expect(left.status).toBe(200);
    expect(left.body.status).toBe('cancelled');
    expectProblem(await world.customer.api.post(`${placePath()}/cancel`), 409, 'invalid-transition');
  });
});

describe('tenancy: restaurant A afterwards', () => {
  it('reads back exactly as its owner set it up', async () => {
    const { a, staffA } = world;
    const owner = a.owner.api;
    expect((await owner.get(`/v1/restaurants/${a.restaurantId}`)).body).toMatchObject({ name: 'Test Diner', myRole: 'owner' });
    const members = (await owner.get<{ items: Json[] }>(`/v1/restaurants/${a.restaurantId}/staff`)).body.items;
    expect(members.map((m) => [m.userId, m.role]).sort()).toEqual(
      [
        [a.owner.id, 'owner'],
        [staffA.id, 'staff'],
      ].sort(),
    );
    expect((await owner.get<{ items: Json[] }>(`/v1/restaurants/${a.restaurantId}/waitlists`)).body.items.map((w) => w.name)).toEqual([
      'Main',
      'Terrace',
    ]);
    expect((await owner.get(a.waitlistPath)).body).toMatchObject({ open: true, defaultWaitMinutes: 15 });
    expect((await owner.get(`${a.waitlistPath}/waitees/${String(world.walkInA.id)}`)).body).toMatchObject({
      name: 'Secret Walk-in',
      partySize: 4,
      status: 'waiting',
    });
  });
});
