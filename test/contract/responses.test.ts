import { describe, expect, it } from 'vitest';
import { sweep } from '../../src/application/notifications.js';
import { documentedOperations, loadOpenApi, OpenApiContract, requiresScheme } from '../support/openapi.js';
import { eventually } from '../support/notifications.js';
import { blobRequest, smallPng, type Ticket } from '../uploads/support.js';
import { addMember, Api, newUser, newVenue, useLocalStack, type ApiResponse, type Json, type TestUser } from '../support/stack.js';

/**
 * Realistic requests through the whole local stack; every response must match openapi/openapi.json:
 * a documented status for the operation, the documented content type, required headers and a body
 * valid against the documented schema. A 2xx request body must also be valid against the documented
 * request schema, so the document is neither looser nor stricter than the code where it matters.
 */

const stack = useLocalStack();
const contract = new OpenApiContract(loadOpenApi());
const api = () => new Api(stack().apiUrl);

interface CallOptions {
  readonly body?: unknown;
  readonly rawBody?: string;
  readonly headers?: Record<string, string>;
}

async function call<T = Json>(
  client: Api,
  method: string,
  path: string,
  expected: number,
  options: CallOptions = {},
): Promise<ApiResponse<T>> {
  const response = await client.request<T>(method, path, options);
  contract.assertResponse(method, path, response);
  expect(response.status, `${method} ${path}: ${JSON.stringify(response.body).slice(0, 500)}`).toBe(expected);
  if (response.status < 300 && options.body !== undefined) {
    expect(
      contract.checkRequestBody(method, path, options.headers?.['content-type'] ?? 'application/json', options.body),
      `${method} ${path} request body`,
    ).toEqual([]);
  }
  return response;
}

const get = <T = Json>(client: Api, path: string, expected: number, headers?: Record<string, string>) =>
  call<T>(client, 'GET', path, expected, headers === undefined ? {} : { headers });
const post = <T = Json>(client: Api, path: string, expected: number, body?: unknown, headers?: Record<string, string>) =>
  call<T>(client, 'POST', path, expected, { ...(body === undefined ? {} : { body }), ...(headers === undefined ? {} : { headers }) });
const patch = <T = Json>(client: Api, path: string, expected: number, body: unknown, headers?: Record<string, string>) =>
  call<T>(client, 'PATCH', path, expected, { body, ...(headers === undefined ? {} : { headers }) });
const del = <T = Json>(client: Api, path: string, expected: number, headers?: Record<string, string>) =>
  call<T>(client, 'DELETE', path, expected, headers === undefined ? {} : { headers });

/** The documented request schema rejects what the server rejected as invalid. */
function expectDocumentRejects(method: string, path: string, body: unknown): void {
  expect(
    contract.checkRequestBody(method, path, 'application/json', body),
    `${method} ${path} ${JSON.stringify(body)} should be invalid`,
  ).not.toEqual([]);
}

const problemType = (response: ApiResponse<Json>): unknown => response.body.type;
const form = (fields: Record<string, string>) => ({
  rawBody: new URLSearchParams(fields).toString(),
  headers: { 'content-type': 'application/x-www-form-urlencoded' },
});
const unknownId = '00000000-0000-4000-8000-000000000000';

/** Invites and accepts, each response checked against the contract. */
async function join(owner: TestUser, restaurantId: string, member: TestUser, role: 'owner' | 'staff' = 'staff'): Promise<void> {
  const invited = await post(owner.api, `/v1/restaurants/${restaurantId}/invitations`, 201, { email: member.email, role });
  await post(member.api, `/v1/me/invitations/${String(invited.body.id)}/accept`, 201);
}

async function staffOf(owner: TestUser, restaurantId: string): Promise<TestUser> {
  const staff = await newUser(api());
  await join(owner, restaurantId, staff);
  return staff;
}

describe('auth', () => {
  it('registers, signs in with JSON and form bodies, refreshes and signs out', async () => {
    const email = `contract-${Date.now().toString(36)}@example.test`;
    const password = 'amber-quasar-tundra-88';
    const registered = await post(api(), '/v1/auth/register', 201, {
      email,
      password,
      displayName: 'Contract Tester',
      phone: '+14155550123',
    });
    expect(registered.headers.get('location')).toBe('/api/v1/me');
    expect(registered.body).toMatchObject({ email, phone: '+14155550123', memberships: [] });
    await post(api(), '/v1/auth/register', 409, { email: email.toUpperCase(), password, displayName: 'Again' });

    const signedIn = await post<{ access_token: string; refresh_token: string }>(api(), '/v1/auth/token', 200, {
      grant_type: 'password',
      email,
      password,
    });
    expect(signedIn.headers.get('cache-control')).toBe('no-store');
    await call(api(), 'POST', '/v1/auth/token', 200, form({ grant_type: 'password', username: email, password }));
    await post(api(), '/v1/auth/token', 200, { grant_type: 'password', username: email, password });

    const refreshed = await post<{ refresh_token: string }>(api(), '/v1/auth/token', 200, {
      grant_type: 'refresh_token',
      refresh_token: signedIn.body.refresh_token,
    });
    const reused = await post(api(), '/v1/auth/token', 400, { grant_type: 'refresh_token', refresh_token: signedIn.body.refresh_token });
    expect(reused.body).toMatchObject({ error: 'invalid_grant' });
    expect(reused.body.error_description).toMatch(/already used/);
    // Reuse revoked the family: the rotated token is dead too.
    await post(api(), '/v1/auth/token', 400, { grant_type: 'refresh_token', refresh_token: refreshed.body.refresh_token });

    const again = await post<{ refresh_token: string }>(api(), '/v1/auth/token', 200, { grant_type: 'password', email, password });
    await call(api(), 'POST', '/v1/auth/logout', 204, form({ refresh_token: again.body.refresh_token }));
    await post(api(), '/v1/auth/logout', 204, { refresh_token: 'not-a-token-we-issued' });
    await post(api(), '/v1/auth/token', 400, { grant_type: 'refresh_token', refresh_token: again.body.refresh_token });
  });

  it('answers bad input with the documented problems', async () => {
    const weak = await post(api(), '/v1/auth/register', 400, { email: 'weak@example.test', password: 'password1234', displayName: 'Weak' });
    expect(weak.body).toMatchObject({ field: 'password', errors: [{ pointer: '/password', where: 'body' }] });

    const invalid = { email: 'not-an-email', password: 'x', displayName: '', extra: true };
    const rejected = await post<{ errors: { pointer: string }[] }>(api(), '/v1/auth/register', 400, invalid);
    expect(rejected.body.errors.map((e) => e.pointer).sort()).toEqual(['/', '/displayName', '/email'].sort());
    expectDocumentRejects('POST', '/v1/auth/register', invalid);
    const badPhone = { email: 'phone@example.test', password: 'amber-quasar-tundra-88', displayName: 'P', phone: '0123' };
    await post(api(), '/v1/auth/register', 400, badPhone);
    expectDocumentRejects('POST', '/v1/auth/register', badPhone);

    const empty = await call(api(), 'POST', '/v1/auth/register', 400);
    expect(empty.body).toMatchObject({ type: 'urn:waitlist:problem:validation-failed', errors: [{ pointer: '/', where: 'body' }] });
    const malformed = await call(api(), 'POST', '/v1/auth/register', 400, {
      rawBody: '{"email":',
      headers: { 'content-type': 'application/json' },
    });
    expect(problemType(malformed)).toBe('urn:waitlist:problem:malformed-body');
    await call(api(), 'POST', '/v1/auth/register', 415, {
      rawBody: 'email=a@b.c',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    const tooLarge = await call(api(), 'POST', '/v1/auth/register', 413, {
      rawBody: JSON.stringify({ displayName: 'x'.repeat(70_000) }),
      headers: { 'content-type': 'application/json' },
    });
    expect(tooLarge.body).toMatchObject({ limit: 65_536 });

    const unsupported = await post(api(), '/v1/auth/token', 400, { grant_type: 'client_credentials' });
    expect(unsupported.body).toMatchObject({ error: 'unsupported_grant_type' });
    const noEmail = await post(api(), '/v1/auth/token', 400, { grant_type: 'password', password: 'x' });
    expect(noEmail.body).toMatchObject({ error: 'invalid_request', errors: [{ pointer: '/email', where: 'body' }] });
    expectDocumentRejects('POST', '/v1/auth/token', { grant_type: 'password', password: 'x' });
    const wrong = await post(api(), '/v1/auth/token', 400, {
      grant_type: 'password',
      email: 'nobody@example.test',
      password: 'wrong-password-123',
    });
    expect(wrong.body).toMatchObject({ error: 'invalid_grant' });
    // RFC 6749 §5.2: the token endpoint answers a request it cannot read with 400 invalid_request, not 413/415.
    const textPlain = await call(api(), 'POST', '/v1/auth/token', 400, {
      rawBody: 'grant_type=password',
      headers: { 'content-type': 'text/plain' },
    });
    expect(textPlain.body).toMatchObject({ error: 'invalid_request' });
    // A body over 64 KiB: test/contract/oauth.test.ts (the local host refuses it before the endpoint).
    await call(api(), 'POST', '/v1/auth/logout', 400, { rawBody: '[', headers: { 'content-type': 'application/json' } });
    await call(api(), 'POST', '/v1/auth/logout', 415, { rawBody: 'x', headers: { 'content-type': 'text/plain' } });
    await call(api(), 'POST', '/v1/auth/logout', 413, { rawBody: 'x'.repeat(70_000), headers: { 'content-type': 'application/json' } });
  });

  it('blocks an address after repeated failures with 429 and Retry-After', async () => {
    // The throttle's arithmetic is unit-tested (test/domain); here the stored state of ten failures
    // stands in for ten slowed-down requests, so only the HTTP contract is exercised.
    const email = 'blocked@example.test';
    const now = Date.now();
    await stack().services.users.saveLoginAttempts(
      email,
      { failures: 10, windowStartedAt: new Date(now).toISOString(), blockedUntil: new Date(now + 15 * 60_000).toISOString() },
      null,
    );
    const blocked = await post(api(), '/v1/auth/token', 429, {
      grant_type: 'password',
      email: email.toUpperCase(),
      password: 'whatever-it-is-1',
    });
    const retryAfter = Number(blocked.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(14 * 60);
    expect(blocked.body).toMatchObject({ error: 'invalid_grant', retryAfterSeconds: retryAfter });
  });
});

describe('discovery', () => {
  it('publishes the OpenID configuration, the signing keys and this document', async () => {
    const configuration = await get(api(), '/.well-known/openid-configuration', 200);
    expect(configuration.body.jwks_uri).toBe(`${stack().apiUrl}/.well-known/jwks.json`);
    await get(api(), '/.well-known/jwks.json', 200);
    const served = await get(api(), '/openapi.json', 200);
    expect(served.body).toEqual(contract.doc);
  });

  it('answers the health probes (their 503 is checked against the contract in test/integration/health.test.ts)', async () => {
    await get(api(), '/health', 200);
    await get(api(), '/health?probe=live', 200);
    await get(api(), '/health?probe=often', 400);
  });
});

describe('me', () => {
  it('returns the account and places, and 401 without a valid token', async () => {
    const user = await newUser(api(), { phone: '+447911123456' });
    const me = await get(user.api, '/v1/me', 200);
    expect(me.body).toMatchObject({ id: user.id, phone: '+447911123456', memberships: [] });
    await get(user.api, '/v1/me/waitees', 200);

    const missing = await get(api(), '/v1/me', 401);
    expect(missing.headers.get('www-authenticate')).toBe('Bearer');
    const invalid = await get(api().as('not.a.jwt'), '/v1/me', 401);
    expect(invalid.headers.get('www-authenticate')).toBe('Bearer error="invalid_token"');
    await get(api().as(user.refreshToken), '/v1/me/waitees', 401);
  });

  it('echoes a valid x-correlation-id and replaces an invalid one', async () => {
    const echoed = await get(api(), '/v1/me', 401, { 'x-correlation-id': 'client-req.42' });
    expect(echoed.headers.get('x-correlation-id')).toBe('client-req.42');
    expect(echoed.body.correlationId).toBe('client-req.42');
    const replaced = await get(api(), '/v1/me', 401, { 'x-correlation-id': 'has spaces' });
    expect(replaced.headers.get('x-correlation-id')).not.toBe('has spaces');
  });

  it('answers 401 on every operation that needs a bearer token, without one', async () => {
    for (const { path, method, operation } of documentedOperations(contract.doc)) {
      // The auth routes need only API Management's subscription key, which the app does not read.
      if (!requiresScheme(contract.doc, operation, 'bearerAuth')) continue;
      const concrete = path.replace(/\{\w+\}/g, unknownId);
      await call(api(), method.toUpperCase(), concrete, 401, operation.requestBody === undefined ? {} : { body: {} });
    }
  });
});

describe('restaurants and staff', () => {
  it('creates, reads, lists and changes a restaurant with ETags', async () => {
    const owner = await newUser(api());
    const created = await post(owner.api, '/v1/restaurants', 201, {
      name: '  Chez Contract  ',
      timeZone: 'Europe/Paris',
      phone: '+33142685300',
    });
    const id = String(created.body.id);
    expect(created.body).toMatchObject({ name: 'Chez Contract', myRole: 'owner' });
    expect(created.headers.get('location')).toBe(`/api/v1/restaurants/${id}`);
    expect(created.headers.get('etag')).toBe(created.body.etag);
    await post(owner.api, '/v1/restaurants', 201, { name: 'Defaults' });

    const list = await get<{ items: Json[] }>(owner.api, '/v1/restaurants', 200);
    expect(list.body.items).toHaveLength(2);
    const read = await get(owner.api, `/v1/restaurants/${id}`, 200);
    const etag = String(read.headers.get('etag'));

    const renamed = await patch(owner.api, `/v1/restaurants/${id}`, 200, { name: 'Renamed', phone: null }, { 'if-match': etag });
    expect(renamed.body).toMatchObject({ name: 'Renamed', phone: null });
    expect(renamed.body.etag).not.toBe(etag);
    const stale = await patch(owner.api, `/v1/restaurants/${id}`, 412, { name: 'Stale' }, { 'if-match': etag });
    expect(problemType(stale)).toBe('urn:waitlist:problem:precondition-failed');
    await patch(
      owner.api,
      `/v1/restaurants/${id}`,
      200,
      { timeZone: 'America/New_York' },
      { 'content-type': 'application/merge-patch+json' },
    );

    expect(read.body.retentionDays).toBe(30);
    const kept = await patch(owner.api, `/v1/restaurants/${id}`, 200, { retentionDays: 7 });
    expect(kept.body.retentionDays).toBe(7);
    for (const retentionDays of [0, 366, 1.5]) {
      await patch(owner.api, `/v1/restaurants/${id}`, 400, { retentionDays });
      expectDocumentRejects('PATCH', `/v1/restaurants/${id}`, { retentionDays });
    }
    await patch(owner.api, `/v1/restaurants/${id}`, 400, {});
    expectDocumentRejects('PATCH', `/v1/restaurants/${id}`, {});
    await patch(owner.api, `/v1/restaurants/${id}`, 400, { timeZone: 'Mars/Olympus' });
    await patch(owner.api, `/v1/restaurants/${id}`, 400, { name: 'x', ownerId: unknownId });
    expectDocumentRejects('PATCH', `/v1/restaurants/${id}`, { name: 'x', ownerId: unknownId });
    await call(owner.api, 'PATCH', `/v1/restaurants/${id}`, 415, { rawBody: 'name=x', headers: { 'content-type': 'text/plain' } });
    await call(owner.api, 'PATCH', `/v1/restaurants/${id}`, 413, {
      rawBody: 'x'.repeat(70_000),
      headers: { 'content-type': 'application/json' },
    });
    await call(owner.api, 'POST', '/v1/restaurants', 415, { rawBody: 'name=x', headers: { 'content-type': 'text/plain' } });
    await call(owner.api, 'POST', '/v1/restaurants', 413, { rawBody: 'x'.repeat(70_000), headers: { 'content-type': 'application/json' } });
    await post(owner.api, '/v1/restaurants', 400, { name: '   ' });

    const invalidId = await get(owner.api, '/v1/restaurants/not-a-uuid', 400);
    expect(invalidId.body).toMatchObject({ errors: [{ pointer: '/restaurantId', where: 'path' }] });
    await get(owner.api, `/v1/restaurants/${unknownId}`, 404);
    const wrongMethod = await call(owner.api, 'PUT', `/v1/restaurants/${id}`, 405, { body: { name: 'x' } });
    expect(wrongMethod.headers.get('allow')).toBe('GET, PATCH');
  });

  it('gives non-members 404 and staff 403 for owner actions', async () => {
    const venue = await newVenue(api());
    const base = `/v1/restaurants/${venue.restaurantId}`;
    const staff = await staffOf(venue.owner, venue.restaurantId);
    const stranger = await newUser(api());

    await get(staff.api, base, 200);
    await patch(staff.api, base, 403, { name: 'Mine' });
    await get(stranger.api, base, 404);
    await patch(stranger.api, base, 404, { name: 'Mine' });
    await get(stranger.api, `${base}/staff`, 404);
    await post(stranger.api, `${base}/invitations`, 404, { email: stranger.email });
    await get(stranger.api, `${base}/invitations`, 404);
    await del(stranger.api, `${base}/invitations/${unknownId}`, 404);
    await del(stranger.api, `${base}/staff/${venue.owner.id}`, 404);
    await get(stranger.api, `${base}/waitlists`, 404);
    await post(stranger.api, `${base}/waitlists`, 404, { name: 'Mine' });
    await patch(stranger.api, venue.waitlistPath, 404, { open: false });
    await del(stranger.api, venue.waitlistPath, 404);
    await get(stranger.api, `${venue.waitlistPath}/waitees`, 404);

    const forbidden = await post(staff.api, `${base}/invitations`, 403, { email: stranger.email });
    expect(forbidden.body).toMatchObject({ role: 'staff', permission: 'manage-staff' });
    await get(staff.api, `${base}/invitations`, 403);
    await del(staff.api, `${base}/invitations/${unknownId}`, 403);
    await del(staff.api, `${base}/staff/${venue.owner.id}`, 403);
    await post(staff.api, `${base}/waitlists`, 403, { name: 'Patio' });
    await patch(staff.api, venue.waitlistPath, 403, { open: false });
    await del(staff.api, venue.waitlistPath, 403);
  });

  it('invites, accepts, declines, revokes, lists and removes members', async () => {
    const venue = await newVenue(api());
    const base = `/v1/restaurants/${venue.restaurantId}`;
    const cook = await newUser(api());
    const invited = await post(venue.owner.api, `${base}/invitations`, 201, { email: cook.email.toUpperCase() });
    expect(invited.body).toMatchObject({ email: cook.email.toLowerCase(), role: 'staff', invitedBy: venue.owner.id });
    expect(invited.headers.get('location')).toBe(`/api${base}/invitations/${String(invited.body.id)}`);
    const again = await post(venue.owner.api, `${base}/invitations`, 200, { email: cook.email });
    expect(again.body.id).toBe(invited.body.id);
    const pending = await get<{ items: Json[] }>(venue.owner.api, `${base}/invitations`, 200);
    expect(pending.body.items.map((i) => i.id)).toEqual([invited.body.id]);
    const mine = await get<{ items: Json[] }>(cook.api, '/v1/me/invitations', 200);
    expect(mine.body.items).toMatchObject([{ id: invited.body.id, restaurantName: 'Test Diner', role: 'staff' }]);
    const accepted = await post(cook.api, `/v1/me/invitations/${String(invited.body.id)}/accept`, 201);
    expect(accepted.body).toMatchObject({ id: venue.restaurantId, myRole: 'staff' });
    expect(accepted.headers.get('location')).toBe(`/api${base}`);
    await post(cook.api, `/v1/me/invitations/${String(invited.body.id)}/accept`, 404);
    const twice = await post(venue.owner.api, `${base}/invitations`, 409, { email: cook.email });
    expect(twice.body).toMatchObject({ type: 'urn:waitlist:problem:conflict', userId: cook.id });
    await post(venue.owner.api, `${base}/invitations`, 400, { email: cook.email, role: 'manager' });
    expectDocumentRejects('POST', `${base}/invitations`, { email: cook.email, role: 'manager' });
    await post(cook.api, '/v1/me/invitations/not-a-uuid/accept', 400);

    const nobody = await post(venue.owner.api, `${base}/invitations`, 201, { email: 'nobody-here@example.test' });
    await del(venue.owner.api, `${base}/invitations/${String(nobody.body.id)}`, 204);
    await del(venue.owner.api, `${base}/invitations/${String(nobody.body.id)}`, 404);
    const waiter = await newUser(api());
    const declined = await post(venue.owner.api, `${base}/invitations`, 201, { email: waiter.email });
    await post(waiter.api, `/v1/me/invitations/${String(declined.body.id)}/decline`, 204);
    await post(waiter.api, `/v1/me/invitations/${String(declined.body.id)}/decline`, 404);
    expect((await get<{ items: Json[] }>(venue.owner.api, `${base}/invitations`, 200)).body.items).toEqual([]);

    const coOwner = await newUser(api());
    await join(venue.owner, venue.restaurantId, coOwner, 'owner');
    const members = await get<{ items: Json[] }>(cook.api, `${base}/staff`, 200);
    expect(members.body.items.map((m) => m.role)).toEqual(['owner', 'staff', 'owner']);

    await del(venue.owner.api, `${base}/staff/${cook.id}`, 204);
    await del(venue.owner.api, `${base}/staff/${cook.id}`, 404);
    await del(venue.owner.api, `${base}/staff/not-a-uuid`, 400);
    await del(coOwner.api, `${base}/staff/${venue.owner.id}`, 204);
    const lastOwner = await del(coOwner.api, `${base}/staff/${coOwner.id}`, 409);
    expect(problemType(lastOwner)).toBe('urn:waitlist:problem:conflict');
  });
});

describe('waitlists', () => {
  it('creates, reads, changes and deletes waitlists', async () => {
    const venue = await newVenue(api());
    const base = `/v1/restaurants/${venue.restaurantId}/waitlists`;
    const created = await post(venue.owner.api, base, 201, {
      name: 'Patio',
      open: false,
      defaultWaitMinutes: 30,
      gracePeriodMinutes: 5,
      messageTemplates: { 'table-ready': 'Hi {name}, your patio table at {restaurant} is ready. {statusUrl}' },
    });
    expect(created.body.messageTemplates).toMatchObject({
      'table-ready': 'Hi {name}, your patio table at {restaurant} is ready. {statusUrl}',
    });
    const patioPath = `${base}/${String(created.body.id)}`;
    expect(created.headers.get('location')).toBe(`/api${patioPath}`);
    expect(created.headers.get('etag')).toBe(created.body.etag);
    await post(venue.owner.api, base, 400, { name: 'Bad', defaultWaitMinutes: 1.5 });
    expectDocumentRejects('POST', base, { name: 'Bad', defaultWaitMinutes: 1.5 });
    await post(venue.owner.api, base, 400, { name: 'Bad', gracePeriodMinutes: 121 });
    const unknownVariable = await post(venue.owner.api, base, 400, { name: 'Bad', messageTemplates: { 'table-ready': 'Hi {firstName}' } });
    expect(unknownVariable.body).toMatchObject({
      field: 'messageTemplates/table-ready',
      errors: [{ pointer: '/messageTemplates/table-ready', where: 'body' }],
    });
    await post(venue.owner.api, base, 400, { name: 'Bad', messageTemplates: { farewell: 'Bye {name}' } });
    expectDocumentRejects('POST', base, { name: 'Bad', messageTemplates: { farewell: 'Bye {name}' } });
    await call(venue.owner.api, 'POST', base, 415, { rawBody: 'x', headers: { 'content-type': 'text/plain' } });
    await call(venue.owner.api, 'POST', base, 413, { rawBody: 'x'.repeat(70_000), headers: { 'content-type': 'application/json' } });

    const list = await get<{ items: Json[] }>(venue.owner.api, base, 200);
    expect(list.body.items.map((w) => w.name)).toEqual(['Main', 'Patio']);
    await get(venue.owner.api, `/v1/restaurants/not-a-uuid/waitlists`, 400);

    const member = await get(venue.owner.api, patioPath, 200);
    expect(member.body).toMatchObject({ name: 'Patio', open: false, partiesInLine: 0 });
    expect(member.headers.get('etag')).toBe(member.body.etag);
    const customer = await newUser(api());
    const summary = await get(customer.api, patioPath, 200);
    expect(summary.body).toEqual({
      id: created.body.id,
      restaurantId: venue.restaurantId,
      restaurantName: 'Test Diner',
      name: 'Patio',
      open: false,
      partiesInLine: 0,
    });
    expect(summary.headers.get('etag')).toBeNull();
    await get(customer.api, `${base}/${unknownId}`, 404);
    await get(customer.api, `/v1/restaurants/${unknownId}/waitlists/${String(created.body.id)}`, 404);
    await get(customer.api, `${base}/not-a-uuid`, 400);

    const opened = await patch(
      venue.owner.api,
      patioPath,
      200,
      { open: true, messageTemplates: { 're-page': '{name}: still holding your table. {statusUrl}' } },
      { 'if-match': String(member.body.etag) },
    );
    expect(opened.body).toMatchObject({
      open: true,
      messageTemplates: {
        're-page': '{name}: still holding your table. {statusUrl}',
        'table-ready': 'Hi {name}, your patio table at {restaurant} is ready. {statusUrl}',
      },
    });
    await patch(venue.owner.api, patioPath, 412, { open: false }, { 'if-match': String(member.body.etag) });
    await patch(venue.owner.api, patioPath, 400, { open: 'yes' });
    await call(venue.owner.api, 'PATCH', patioPath, 415, { rawBody: 'x', headers: { 'content-type': 'text/plain' } });
    await call(venue.owner.api, 'PATCH', patioPath, 413, { rawBody: 'x'.repeat(70_000), headers: { 'content-type': 'application/json' } });

    await post(venue.owner.api, `${patioPath}/waitees`, 201, { name: 'Blocking party', partySize: 2 });
    const busy = await del(venue.owner.api, patioPath, 409);
    expect(busy.body).toMatchObject({ partiesInLine: 1 });
    const empty = await post(venue.owner.api, base, 201, { name: 'Empty' });
    const emptyPath = `${base}/${String(empty.body.id)}`;
    await del(venue.owner.api, emptyPath, 412, { 'if-match': 'stale' });
    await del(venue.owner.api, emptyPath, 204, { 'if-match': String(empty.body.etag) });
    await get(venue.owner.api, emptyPath, 404);
    await del(venue.owner.api, emptyPath, 404);
    await del(venue.owner.api, `${base}/not-a-uuid`, 400);
  });

  it('refuses a 21st waitlist with limit-reached', async () => {
    const venue = await newVenue(api());
    const base = `/v1/restaurants/${venue.restaurantId}/waitlists`;
    for (let i = 2; i <= 20; i++) await post(venue.owner.api, base, 201, { name: `Line ${i}` });
    const limited = await post(venue.owner.api, base, 409, { name: 'One too many' });
    expect(limited.body).toMatchObject({ type: 'urn:waitlist:problem:limit-reached', limit: 20 });
  });
});

describe('waitees', () => {
  it('lets staff add, page through, change and move parties', async () => {
    const venue = await newVenue(api());
    const staff = await staffOf(venue.owner, venue.restaurantId);
    const waitees = `${venue.waitlistPath}/waitees`;

    const ada = await post(staff.api, waitees, 201, { name: 'Ada', phone: '+14155550123', partySize: 2, notes: 'window' });
    expect(ada.headers.get('location')).toBe(`/api${waitees}/${String(ada.body.id)}`);
    expect(ada.headers.get('etag')).toBe(ada.body.etag);
    const key = { 'idempotency-key': 'walk-in:grace:0001' };
    const grace = await post(staff.api, waitees, 201, { name: 'Grace', partySize: 4 }, key);
    const replay = await post(staff.api, waitees, 200, { name: 'Grace', partySize: 4 }, key);
    expect(replay.body.id).toBe(grace.body.id);
    const badKey = await post(staff.api, waitees, 400, { name: 'Key', partySize: 1 }, { 'idempotency-key': 'short' });
    expect(badKey.body).toMatchObject({ errors: [{ pointer: '/idempotency-key', where: 'header' }] });
    const noName = await post(staff.api, waitees, 400, { partySize: 2 });
    expect(noName.body).toMatchObject({ field: 'name', errors: [{ pointer: '/name', where: 'body' }] });
    await post(staff.api, waitees, 400, { name: 'Big', partySize: 51 });
    expectDocumentRejects('POST', waitees, { name: 'Big', partySize: 51 });
    await post(staff.api, waitees, 400, { name: 'Odd', partySize: 2, table: 4 });
    expectDocumentRejects('POST', waitees, { name: 'Odd', partySize: 2, table: 4 });
    await call(staff.api, 'POST', waitees, 415, { rawBody: 'x', headers: { 'content-type': 'text/plain' } });
    await call(staff.api, 'POST', waitees, 413, { rawBody: 'x'.repeat(70_000), headers: { 'content-type': 'application/json' } });
    await post(staff.api, `/v1/restaurants/${venue.restaurantId}/waitlists/${unknownId}/waitees`, 404, { name: 'Lost', partySize: 1 });
    await post(staff.api, `/v1/restaurants/${venue.restaurantId}/waitlists/nope/waitees`, 400, { name: 'Lost', partySize: 1 });
    await post(staff.api, waitees, 201, { name: 'Linus', partySize: 1, phone: null, notes: null });

    const first = await get<{ items: Json[]; continuationToken: string | null }>(staff.api, `${waitees}?limit=2`, 200);
    expect(first.body.items.map((w) => w.name)).toEqual(['Ada', 'Grace']);
    expect(first.body.continuationToken).not.toBeNull();
    const second = await get<{ items: Json[]; continuationToken: string | null }>(
      staff.api,
      `${waitees}?limit=2&continuationToken=${encodeURIComponent(first.body.continuationToken ?? '')}`,
      200,
    );
    expect(second.body.items.map((w) => w.name)).toEqual(['Linus']);
    const badToken = await get(staff.api, `${waitees}?continuationToken=${encodeURIComponent('{"not":"ours"}')}`, 400);
    expect(badToken.body).toMatchObject({ errors: [{ pointer: '/continuationToken', where: 'query' }] });
    const badQuery = await get(staff.api, `${waitees}?status=waiting,gone&limit=0&sort=name`, 400);
    expect(badQuery.body.errors).toEqual(expect.arrayContaining([expect.objectContaining({ where: 'query' })]));

    const adaPath = `${waitees}/${String(ada.body.id)}`;
    const read = await get(staff.api, adaPath, 200);
    expect(read.body).toMatchObject({ position: 1, allowedActions: ['notify', 'seat', 'cancel'] });
    await get(staff.api, `${waitees}/${unknownId}`, 404);
    await get(staff.api, `${waitees}/nope`, 400);
    const changed = await patch(staff.api, adaPath, 200, { partySize: 3, notes: null }, { 'if-match': String(read.body.etag) });
    expect(changed.body).toMatchObject({ partySize: 3, notes: null });
    await patch(staff.api, adaPath, 412, { partySize: 4 }, { 'if-match': String(read.body.etag) });
    await patch(staff.api, adaPath, 400, { status: 'seated' });
    expectDocumentRejects('PATCH', adaPath, { status: 'seated' });
    await call(staff.api, 'PATCH', adaPath, 415, { rawBody: 'x', headers: { 'content-type': 'text/plain' } });
    await call(staff.api, 'PATCH', adaPath, 413, { rawBody: 'x'.repeat(70_000), headers: { 'content-type': 'application/json' } });

    const notified = await post(staff.api, `${adaPath}/notify`, 200);
    expect(notified.body).toMatchObject({ status: 'notified', allowedActions: ['notify', 'seat', 'no-show', 'cancel'] });
    // A re-page within the grace period is refused (docs/api.md, Text limits), with the seconds to wait.
    const tooSoon = await post(staff.api, `${adaPath}/notify`, 429);
    expect(tooSoon.body).toMatchObject({ type: 'urn:waitlist:problem:text-limit-reached', limitScope: 'party-spacing' });
    expect(Number(tooSoon.headers.get('retry-after'))).toBeGreaterThan(0);
    const texts = await get<{ items: Json[] }>(staff.api, `${adaPath}/notifications`, 200);
    expect(texts.body.items.map((n) => n.kind)).toEqual(['table-ready']);
    expect(texts.body.items.every((n) => n.to === '+14155550123')).toBe(true);
    await get(staff.api, `${waitees}/${unknownId}/notifications`, 404);
    await get(staff.api, `${waitees}/nope/notifications`, 400);
    await post(staff.api, `${adaPath}/seat`, 412, undefined, { 'if-match': String(read.body.etag) });
    await post(staff.api, `${adaPath}/no-show`, 200);
    const invalid = await post(staff.api, `${adaPath}/seat`, 409);
    expect(invalid.body).toMatchObject({
      type: 'urn:waitlist:problem:invalid-transition',
      status: 409,
      currentStatus: 'no_show',
      action: 'seat',
      allowedActions: [],
    });
    await post(staff.api, `${adaPath}/cancel`, 409);
    // At the guest's request an owner removes a finished party's personal data, once or again.
    await del(staff.api, `${adaPath}/personal-data`, 403);
    await del(venue.owner.api, `${adaPath}/personal-data`, 204);
    await del(venue.owner.api, `${adaPath}/personal-data`, 204);
    const forgotten = await get(staff.api, adaPath, 200);
    expect(forgotten.body).toMatchObject({ name: 'Guest', phone: null, notes: null, status: 'no_show', partySize: 3 });
    expect(forgotten.body.personalDataRemovedAt).not.toBeNull();
    const blanked = await get<{ items: Json[] }>(staff.api, `${adaPath}/notifications`, 200);
    expect(blanked.body.items.map((n) => [n.to, n.message])).toEqual([[null, null]]);
    await del(venue.owner.api, `${waitees}/${unknownId}/personal-data`, 404);
    await del(venue.owner.api, `${waitees}/nope/personal-data`, 400);

    const gracePath = `${waitees}/${String(grace.body.id)}`;
    const seated = await post(staff.api, `${gracePath}/seat`, 200);
    expect(seated.body).toMatchObject({ status: 'seated', position: null, estimatedWaitMinutes: null });
    await post(staff.api, `${gracePath}/no-show`, 409);
    await post(staff.api, `${waitees}/${unknownId}/notify`, 404);
    await post(staff.api, `${waitees}/nope/seat`, 400);

    const current = await get<{ items: Json[] }>(staff.api, `${waitees}?status=waiting,notified`, 200);
    expect(current.body.items.map((w) => w.name)).toEqual(['Linus']);
    const linusPath = `${waitees}/${String(current.body.items[0]?.id)}`;
    const inLine = await del(venue.owner.api, `${linusPath}/personal-data`, 409);
    expect(problemType(inLine)).toBe('urn:waitlist:problem:conflict');
    await post(staff.api, `${linusPath}/cancel`, 200);
    await del(staff.api, linusPath, 412, { 'if-match': 'stale' });
    await del(staff.api, linusPath, 204);
    await del(staff.api, linusPath, 404);
    await del(staff.api, `${waitees}/nope`, 400);
  });

  it('lets a customer join once, follow their place and leave, and nothing more', async () => {
    const venue = await newVenue(api());
    const waitees = `${venue.waitlistPath}/waitees`;
    await post(venue.owner.api, waitees, 201, { name: 'Walk-in', partySize: 2 });
    const customer = await newUser(api(), { displayName: 'Casey', phone: '+447911123456' });
    const other = await newUser(api());

    const joined = await post(customer.api, waitees, 201, { partySize: 3 }, { 'idempotency-key': 'join-0000001' });
    expect(joined.body).toMatchObject({ name: 'Casey', phone: '+447911123456', source: 'customer', position: 2 });
    await post(customer.api, waitees, 200, { partySize: 3 }, { 'idempotency-key': 'join-0000001' });
    const twice = await post(customer.api, waitees, 409, { partySize: 3 });
    expect(twice.body).toMatchObject({ type: 'urn:waitlist:problem:conflict', waiteeId: joined.body.id });
    const mine = await get<{ items: Json[] }>(customer.api, '/v1/me/waitees', 200);
    expect(mine.body.items.map((w) => w.id)).toEqual([joined.body.id]);

    const placePath = `${waitees}/${String(joined.body.id)}`;
    await get(customer.api, placePath, 200);
    await get(other.api, placePath, 404);
    await get(customer.api, `${placePath}/notifications`, 404);
    await get(venue.owner.api, `${placePath}/notifications`, 200);
    await get(customer.api, waitees, 404);
    await patch(customer.api, placePath, 403, { partySize: 4 });
    await patch(other.api, placePath, 404, { partySize: 4 });
    await del(customer.api, placePath, 403);
    await del(other.api, placePath, 404);
    for (const action of ['notify', 'seat', 'no-show']) {
      await post(customer.api, `${placePath}/${action}`, 403);
      await post(other.api, `${placePath}/${action}`, 404);
    }
    await post(other.api, `${placePath}/cancel`, 404);

    const statusUrl = new URL(String(joined.body.statusUrl));
    const statusPath = statusUrl.pathname.replace(/^\/api/, '');
    const status = await get(api(), statusPath, 200);
    expect(status.body).toMatchObject({ restaurantName: 'Test Diner', waitlistName: 'Main', status: 'waiting', partySize: 3, position: 2 });
    expect(status.headers.get('cache-control')).toBe('no-store');
    await get(api(), '/v1/status/not-a-token', 400);
    await get(api(), '/v1/status/AAAAAAAAAAAAAAAA', 404);

    const left = await post(customer.api, `${placePath}/cancel`, 200);
    expect(left.body).toMatchObject({ status: 'cancelled', allowedActions: [] });
    expect((await get<{ items: Json[] }>(customer.api, '/v1/me/waitees', 200)).body.items).toEqual([]);
    expect((await get(api(), statusPath, 200)).body).toMatchObject({ status: 'cancelled', position: null });

    await patch(venue.owner.api, venue.waitlistPath, 200, { open: false });
    const closed = await post(other.api, waitees, 409, { partySize: 2 });
    expect(closed.body.type).toBe('urn:waitlist:problem:conflict');
  });
});

describe('join links and the guest on the status link', () => {
  it('manages a join link, joins by one-time code and acts from the status link', async () => {
    const venue = await newVenue(api());
    const staff = await newUser(api());
    await addMember(venue.owner, venue.restaurantId, staff);
    const link = `${venue.waitlistPath}/join-link`;
    expect((await get(venue.owner.api, link, 200)).body).toMatchObject({ enabled: false });
    await call(staff.api, 'PUT', link, 403);
    const renewed = await call<{ code: string }>(venue.owner.api, 'PUT', link, 200);
    await get(staff.api, link, 200);
    const code = renewed.body.code;
    await get(api(), `/v1/join/${code}`, 200);
    await get(api(), `/v1/join/${code}/qr.svg`, 200);
    await get(api(), '/v1/join/not-a-code', 400);
    await get(api(), '/v1/join/2222222222', 404);
    await post(api(), `/v1/join/${code}`, 400, { name: 'Robin', partySize: 2, phone: '+14155559901', consentToTexts: false });
    const phone = '+14155559902';
    const started = await post<{ joinId: string }>(api(), `/v1/join/${code}`, 202, {
      name: 'Robin',
      partySize: 2,
      phone,
      consentToTexts: true,
    });
    const texts = await eventually(
      () =>
        stack()
          .sms.outbox()
          .filter((m) => m.to === phone),
      (found) => found.length > 0,
    );
    const texted = /^(\d{6})/.exec(texts[0]?.message ?? '')?.[1] ?? '';
    await post(api(), `/v1/join/${code}/confirm`, 400, { joinId: started.body.joinId, code: texted === '000000' ? '000001' : '000000' });
    const confirmed = await post<{ statusUrl: string }>(api(), `/v1/join/${code}/confirm`, 201, {
      joinId: started.body.joinId,
      code: texted,
    });
    await post(api(), `/v1/join/${code}/confirm`, 200, { joinId: started.body.joinId, code: texted });
    const statusPath = new URL(confirmed.body.statusUrl).pathname.replace(/^\/api/, '');
    await get(api(), statusPath, 200, { accept: 'text/html' });
    await post(api(), `${statusPath}/on-my-way`, 200);
    await post(api(), `${statusPath}/leave`, 400, {});
    await post(api(), `${statusPath}/leave`, 200, { confirm: true });
    await post(api(), `${statusPath}/on-my-way`, 409);
    await del(venue.owner.api, link, 204);
    await get(api(), `/v1/join/${code}`, 404);
  });
});

describe('uploads', () => {
  it('hands out an upload URL, confirms what arrived, lists and removes the pictures', async () => {
    const venue = await newVenue(api());
    const staff = await newUser(api());
    await addMember(venue.owner, venue.restaurantId, staff);
    const uploads = `/v1/restaurants/${venue.restaurantId}/uploads`;
    const png = await smallPng();
    await post(staff.api, uploads, 403, { kind: 'logo', contentType: 'image/png', size: png.length });
    await post(venue.owner.api, uploads, 400, { kind: 'logo', contentType: 'image/svg+xml', size: png.length });
    const ticket = await post<Ticket>(venue.owner.api, uploads, 201, { kind: 'logo', contentType: 'image/png', size: png.length });
    expect((await blobRequest('PUT', ticket.body.uploadUrl, png, ticket.body.requestHeaders)).status).toBe(201);
    await post(staff.api, `${uploads}/${ticket.body.id}/confirm`, 403);
    await post(venue.owner.api, `${uploads}/logo-00000000-0000-4000-8000-000000000000/confirm`, 404);
    await post(venue.owner.api, `${uploads}/${ticket.body.id}/confirm`, 200);
    await get(staff.api, `/v1/restaurants/${venue.restaurantId}/images`, 200);
    await del(staff.api, `/v1/restaurants/${venue.restaurantId}/images/${ticket.body.id}`, 403);
    await del(venue.owner.api, `/v1/restaurants/${venue.restaurantId}/images/${ticket.body.id}`, 200);
    await del(venue.owner.api, `/v1/restaurants/${venue.restaurantId}/images/${ticket.body.id}`, 404);
  });
});

describe('analytics', () => {
  it('gives members the figures, owners the CSV export, and refuses bad ranges', async () => {
    const venue = await newVenue(api());
    const staff = await staffOf(venue.owner, venue.restaurantId);
    const party = await post<Json & { id: string }>(venue.owner.api, `${venue.waitlistPath}/waitees`, 201, { name: 'Ada', partySize: 2 });
    await post(venue.owner.api, `${venue.waitlistPath}/waitees/${party.body.id}/seat`, 200);
    // The seat's count is the producer's next sweep's.
    await sweep(stack().services, () => undefined);
    const figures = await get(staff.api, `${venue.waitlistPath}/analytics`, 200);
    expect(figures.body).toMatchObject({ parties: 1, seated: 1 });
    await get(staff.api, `/v1/restaurants/${venue.restaurantId}/analytics?from=2026-01-01&to=2026-01-31`, 200);
    await get(venue.owner.api, `${venue.waitlistPath}/analytics?from=2026-02-01&to=2026-01-31`, 400);
    await get(venue.owner.api, `/v1/restaurants/${venue.restaurantId}/analytics?to=2026-13-01`, 400);
    await get((await newUser(api())).api, `/v1/restaurants/${venue.restaurantId}/analytics`, 404);
    const csv = await get<string>(venue.owner.api, `/v1/restaurants/${venue.restaurantId}/parties.csv`, 200);
    expect(csv.body).toContain(',seated,2,');
    await get(staff.api, `/v1/restaurants/${venue.restaurantId}/parties.csv`, 403);
    await get(venue.owner.api, `/v1/restaurants/${venue.restaurantId}/parties.csv?from=2024-01-01&to=2026-01-01`, 400);
  });
});

describe('coverage', () => {
  it('exercised every documented operation with a success and every main error status', () => {
    const operations = documentedOperations(contract.doc).map((o) => `${o.method.toUpperCase()} ${o.path}`);
    const withoutSuccess = operations.filter((key) => ![...(contract.seen.get(key) ?? [])].some((status) => status < 300));
    expect(withoutSuccess).toEqual([]);
    const statuses = new Set([...contract.seen.values()].flatMap((s) => [...s]));
    expect([...statuses].filter((s) => s >= 400).sort()).toEqual([400, 401, 403, 404, 405, 409, 412, 413, 415, 429]);
  });
});
