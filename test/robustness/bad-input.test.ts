import fc from 'fast-check';
import type { z } from 'zod';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  addWaiteeBody,
  createRestaurantBody,
  createWaitlistBody,
  inviteMemberBody,
  listWaiteesQuery,
  logoutBody,
  registerBody,
  tokenBody,
  updateRestaurantBody,
  updateWaiteeBody,
  updateWaitlistBody,
} from '../../src/functions/schemas.js';
import { healthQuery } from '../../src/functions/health.js';
import { confirmJoinBody, startJoinBody } from '../../src/functions/joins.js';
import { requestUploadBody } from '../../src/functions/schemas.js';
import { leaveBody } from '../../src/functions/status.js';
import { httpMethods, type HttpMethod } from '../../src/functions/catalog-types.js';
import { diffSnapshots, snapshotDatabase } from '../support/db-snapshot.js';
import { expectOAuthError } from '../support/oauth.js';
import { expectProblem } from '../support/problems.js';
import { catalogRoutes, coverageGaps, pathOf, type CatalogRoute } from '../support/routes.js';
import { addMember, Api, newUser, newVenue, useLocalStack, type ApiResponse, type TestUser, type Venue } from '../support/stack.js';

const stack = useLocalStack();
const api = () => new Api(stack().apiUrl);
const maxBodyBytes = 64 * 1024;
const runs = 50;

/** The kinds of bad request actually sent, so a generator that silently stops producing one is noticed. */
const sentKinds = new Set<string>();

type Body = Record<string, unknown>;

/** What a route takes. The schema only filters out generated inputs that happen to be valid. */
interface RouteInputs {
  readonly auth: boolean;
  readonly body?: { readonly schema: z.ZodType; readonly valid: () => Body; readonly form?: boolean };
  readonly query?: z.ZodType;
  /** The route reads If-Match (optimistic concurrency). */
  readonly ifMatch?: boolean;
  /** The route answers with OAuth 2.0 errors (RFC 6749 §5.2), not problem+json: the token endpoint. */
  readonly oauthErrors?: boolean;
}

let venue: Venue;
let staff: TestUser;
let waiteeId: string;
let statusToken: string;
let joinCode: string;

const registerValid = () => ({
  email: 'new-person@example.test',
  password: 'violet-lantern-orbit-42',
  displayName: 'New Person',
  phone: '+14155550123',
});
const waiteeValid = () => ({ name: 'Party', phone: '+14155550123', partySize: 2, notes: 'window seat' });

const unknownInvitationId = '00000000-0000-4000-8000-000000000000';
const r = 'v1/restaurants/{restaurantId}';
const wl = `${r}/waitlists/{waitlistId}`;
const wt = `${wl}/waitees/{waiteeId}`;

const inputs: Readonly<Record<string, RouteInputs>> = {
  'POST v1/auth/register': { auth: false, body: { schema: registerBody, valid: registerValid } },
  'POST v1/auth/token': {
    auth: false,
    oauthErrors: true,
    body: {
      schema: tokenBody,
      valid: () => ({ grant_type: 'password', email: venue.owner.email, password: 'guess-guess-guess' }),
      form: true,
    },
  },
  'POST v1/auth/logout': {
    auth: false,
    body: { schema: logoutBody, valid: () => ({ refresh_token: venue.owner.refreshToken }), form: true },
  },
  'GET .well-known/openid-configuration': { auth: false },
  'GET .well-known/jwks.json': { auth: false },
  'GET openapi.json': { auth: false },
  'GET health': { auth: false, query: healthQuery },
  'GET v1/status/{token}': { auth: false },
  'POST v1/status/{token}/on-my-way': { auth: false },
  'POST v1/status/{token}/leave': { auth: false, body: { schema: leaveBody, valid: () => ({ confirm: true }), form: true } },
  'GET v1/join/{joinCode}': { auth: false },
  'GET v1/join/{joinCode}/qr.svg': { auth: false },
  'POST v1/join/{joinCode}': {
    auth: false,
    body: { schema: startJoinBody, valid: () => ({ name: 'Robin', partySize: 2, phone: '+14155550177', consentToTexts: true }) },
  },
  'POST v1/join/{joinCode}/confirm': {
    auth: false,
    body: { schema: confirmJoinBody, valid: () => ({ joinId: unknownInvitationId, code: '123456' }) },
  },
  [`GET ${wl}/join-link`]: { auth: true },
  [`PUT ${wl}/join-link`]: { auth: true },
  [`DELETE ${wl}/join-link`]: { auth: true },
  'GET v1/me': { auth: true },
  'GET v1/me/waitees': { auth: true },
  'GET v1/restaurants': { auth: true },
  'POST v1/restaurants': {
    auth: true,
    body: { schema: createRestaurantBody, valid: () => ({ name: 'Another', timeZone: 'Europe/Paris', phone: null }) },
  },
  [`GET ${r}`]: { auth: true },
  [`PATCH ${r}`]: {
    auth: true,
    ifMatch: true,
    body: { schema: updateRestaurantBody, valid: () => ({ name: 'Renamed', timeZone: 'UTC', phone: '+14155550123' }) },
  },
  'GET v1/me/invitations': { auth: true },
  'POST v1/me/invitations/{invitationId}/accept': { auth: true },
  'POST v1/me/invitations/{invitationId}/decline': { auth: true },
  [`POST ${r}/invitations`]: {
    auth: true,
    body: { schema: inviteMemberBody, valid: () => ({ email: 'nobody-here@example.test', role: 'staff' }) },
  },
  [`GET ${r}/invitations`]: { auth: true },
  [`DELETE ${r}/invitations/{invitationId}`]: { auth: true },
  [`GET ${r}/staff`]: { auth: true },
  [`DELETE ${r}/staff/{userId}`]: { auth: true },
  [`POST ${r}/uploads`]: {
    auth: true,
    body: { schema: requestUploadBody, valid: () => ({ kind: 'logo', contentType: 'image/png', size: 1000 }) },
  },
  [`POST ${r}/uploads/{uploadId}/confirm`]: { auth: true },
  [`GET ${r}/images`]: { auth: true },
  [`DELETE ${r}/images/{imageId}`]: { auth: true },
  [`POST ${r}/waitlists`]: {
    auth: true,
    body: { schema: createWaitlistBody, valid: () => ({ name: 'Patio', open: true, defaultWaitMinutes: 20, gracePeriodMinutes: 5 }) },
  },
  [`GET ${r}/waitlists`]: { auth: true },
  [`GET ${wl}`]: { auth: true },
  [`PATCH ${wl}`]: {
    auth: true,
    ifMatch: true,
    body: { schema: updateWaitlistBody, valid: () => ({ name: 'Main 2', open: false, defaultWaitMinutes: 30, gracePeriodMinutes: 3 }) },
  },
  [`DELETE ${wl}`]: { auth: true, ifMatch: true },
  [`POST ${wl}/waitees`]: { auth: true, body: { schema: addWaiteeBody, valid: waiteeValid } },
  [`GET ${wl}/waitees`]: { auth: true, query: listWaiteesQuery },
  [`GET ${wt}`]: { auth: true },
  [`PATCH ${wt}`]: {
    auth: true,
    ifMatch: true,
    body: { schema: updateWaiteeBody, valid: () => ({ name: 'Renamed', phone: null, partySize: 3, notes: null }) },
  },
  [`DELETE ${wt}`]: { auth: true, ifMatch: true },
  [`POST ${wt}/notify`]: { auth: true, ifMatch: true },
  [`POST ${wt}/seat`]: { auth: true, ifMatch: true },
  [`POST ${wt}/no-show`]: { auth: true, ifMatch: true },
  [`POST ${wt}/cancel`]: { auth: true, ifMatch: true },
  [`GET ${wt}/notifications`]: { auth: true },
  [`DELETE ${wt}/personal-data`]: { auth: true },
  [`GET ${wl}/analytics`]: { auth: true },
  [`GET ${r}/analytics`]: { auth: true },
  [`GET ${r}/parties.csv`]: { auth: true },
};

beforeAll(async () => {
  venue = await newVenue(api());
  staff = await newUser(api());
  await addMember(venue.owner, venue.restaurantId, staff);
  const party = await venue.owner.api.post(`${venue.waitlistPath}/waitees`, waiteeValid());
  waiteeId = String(party.body.id);
  statusToken = String(party.body.statusUrl).split('/').pop() ?? '';
  joinCode = String((await venue.owner.api.request('PUT', `${venue.waitlistPath}/join-link`)).body.code);
});

function validParams(): Record<string, string> {
  return {
    restaurantId: venue.restaurantId,
    waitlistId: venue.waitlistId,
    waiteeId,
    userId: staff.id,
    invitationId: unknownInvitationId,
    token: statusToken,
    joinCode,
    uploadId: unknownUploadId,
    imageId: unknownUploadId,
  };
}

/** Well formed, never handed out: a bad-input request that got past validation would answer 404. */
const unknownUploadId = 'logo-00000000-0000-4000-8000-000000000000';

interface BadRequest {
  readonly kind: string;
  readonly method: string;
  readonly path: string;
  readonly headers: Record<string, string>;
  readonly body?: string;
  /** When the kind of bad input has one right answer. */
  readonly status?: number;
  readonly slug?: string;
}

const printable = fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)), maxLength: 80 });
const anyText = fc.oneof(fc.string({ maxLength: 40 }), fc.string({ unit: 'binary', maxLength: 40 }), printable);
const notJsonObject = fc.oneof(
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.string({ maxLength: 20 }),
  fc.array(fc.jsonValue({ maxDepth: 2 }), { maxLength: 4 }),
);
const wrongValue = fc.oneof(
  notJsonObject,
  fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 3 }),
  fc.string({ minLength: 257, maxLength: 3000 }),
  fc.constantFrom('', '   ', '\u0000', 'NaN', '-1', 1e308, -1, 0.5, 51),
);
const badIds = fc.oneof(
  anyText,
  fc.uuid().map((u) => u.replaceAll('-', '')),
  fc.uuid().map((u) => `${u}x`),
  fc.uuid().map((u) => u.slice(1)),
  fc.constantFrom('0', 'null', 'undefined', "' OR 1=1 --", '<script>', '%', '%zz', '%E0%A4%A', '\u202e', 'a/b', 'x'.repeat(3000)),
);

/** Percent-encodes a path segment; a few raw malformed escapes are sent as they are. */
const segment = (value: string) => (/^%(zz|E0%A4%A)?$/.test(value) ? value : encodeURIComponent(value));

function invalidBody(schema: z.ZodType) {
  return (body: unknown) => !schema.safeParse(body).success;
}

function requestsFor(route: CatalogRoute, spec: RouteInputs): fc.Arbitrary<BadRequest> {
  const token = () => venue.owner.token;
  const authHeaders = (): Record<string, string> => (spec.auth ? { authorization: `Bearer ${token()}` } : {});
  const path = () => `/api${pathOf(route.route, validParams())}`;
  const json = (): Record<string, string> => ({ ...authHeaders(), 'content-type': 'application/json' });
  const kinds: fc.Arbitrary<BadRequest>[] = [];

  if (route.params.length > 0) {
    kinds.push(
      fc
        .tuple(fc.constantFrom(...route.params), badIds)
        .filter(([, value]) => value !== '.' && value !== '..' && value !== '')
        .map(([param, value]) => ({
          kind: `bad path parameter ${param}`,
          method: route.method,
          path: `/api${pathOf(route.route, { ...validParams(), [param]: segment(value) })}`,
          headers: spec.body === undefined ? authHeaders() : json(),
          ...(spec.body === undefined ? {} : { body: JSON.stringify(spec.body.valid()) }),
        })),
    );
  }

  if (spec.query !== undefined) {
    const schema = spec.query;
    const entry = fc.oneof(
      fc.tuple(fc.constant('status'), fc.oneof(anyText, fc.constantFrom('', 'WAITING', 'waiting,', ',', 'seated,gone', 'waiting;seated'))),
      fc.tuple(fc.constant('limit'), fc.oneof(anyText, fc.constantFrom('0', '101', '-1', '1.5', 'abc', '', '1e9', 'Infinity', '0x'))),
      fc.tuple(fc.constant('continuationToken'), fc.constantFrom('', 'x'.repeat(4097))),
      fc.tuple(fc.constant('probe'), fc.oneof(anyText, fc.constantFrom('', 'LIVE', 'live,ready', 'readiness'))),
      fc.tuple(
        fc.constantFrom('from', 'to'),
        fc.oneof(anyText, fc.constantFrom('', '2026-02-30', '2026-1-1', '01/12/2026', '2026-12-01T00:00')),
      ),
      fc.tuple(fc.string({ minLength: 1, maxLength: 12 }), anyText),
    );
    kinds.push(
      fc
        // The filter keeps queries the route's schema refuses: each schema's keys must be among the entries, or it never ends.
        .array(entry, { minLength: 1, maxLength: 3 })
        .filter((entries) => !schema.safeParse(Object.fromEntries(entries)).success)
        .map((entries) => ({
          kind: 'bad query',
          method: route.method,
          path: `${path()}?${new URLSearchParams(entries).toString()}`,
          headers: authHeaders(),
        })),
    );
  }

  if (spec.body !== undefined) {
    const { schema, valid, form } = spec.body;
    const invalid = invalidBody(schema);
    const bodyRequest = (
      kind: string,
      body: string,
      headers: Record<string, string> = json(),
      expected: Partial<BadRequest> = {},
    ): BadRequest => ({
      kind,
      method: route.method,
      path: path(),
      headers,
      body,
      ...expected,
    });
    const fields = Object.keys(valid());
    // RFC 6749 has the token endpoint ignore unknown parameters; every other body refuses them.
    if (invalid({ ...valid(), unexpected: true })) {
      kinds.push(
        fc
          .tuple(
            fc.string({ minLength: 1, maxLength: 12 }).filter((key) => !fields.includes(key)),
            fc.jsonValue({ maxDepth: 2 }),
          )
          .map(([key, value]) => bodyRequest('extra property', JSON.stringify({ ...valid(), [key]: value }))),
      );
    }
    kinds.push(
      fc
        .tuple(fc.constantFrom(...fields), wrongValue)
        .map(([field, value]) => ({ ...valid(), [field]: value }))
        .filter(invalid)
        .map((body) => bodyRequest('wrong field value', JSON.stringify(body))),
      fc
        .jsonValue({ maxDepth: 3 })
        .filter(invalid)
        .map((body) => bodyRequest('random JSON', JSON.stringify(body))),
      fc
        .tuple(fc.constantFrom(...fields), fc.integer({ min: 1_000, max: 60_000 }))
        .map(([field, length]) => ({ ...valid(), [field]: 'x'.repeat(length) }))
        .filter(invalid)
        .map((body) => bodyRequest('huge string', JSON.stringify(body))),
      fc
        .constantFrom(
          'text/plain',
          'application/xml',
          'multipart/form-data; boundary=x',
          'application/octet-stream',
          'text/json',
          'application/jsonx',
          ...(form === true ? [] : ['application/x-www-form-urlencoded']),
        )
        .map((type) =>
          bodyRequest(
            `content type ${type}`,
            JSON.stringify(valid()),
            { ...authHeaders(), 'content-type': type },
            form === true && type === 'application/x-www-form-urlencoded' ? {} : { status: 415, slug: 'unsupported-media-type' },
          ),
        ),
      fc
        .tuple(fc.nat(), fc.constantFrom('', '}', ',', 'x', '\u0000'))
        .map(([cut, tail]) => {
          const text = JSON.stringify(valid());
          return `${text.slice(0, 1 + (cut % (text.length - 1)))}${tail}`;
        })
        .filter((text) => {
          try {
            JSON.parse(text);
            return false;
          } catch {
            return true;
          }
        })
        .map((text) => bodyRequest('malformed JSON', text, json(), { status: 400, slug: 'malformed-body' })),
      fc
        .constantFrom("{'name': 'x'}", '{name: 1}', '{"a":1,}', 'NaN', '[', '{"a":"\\x"}')
        .map((text) => bodyRequest('malformed JSON', text, json(), { status: 400, slug: 'malformed-body' })),
      fc.constantFrom('', ' ', '\n\t ').map((text) => bodyRequest('empty body', text, json(), { status: 400, slug: 'validation-failed' })),
      fc.integer({ min: maxBodyBytes + 1, max: maxBodyBytes * 4 }).map((size) =>
        bodyRequest('oversized body', JSON.stringify({ ...valid(), notes: 'x'.repeat(size) }), json(), {
          status: 413,
          slug: 'payload-too-large',
        }),
      ),
    );
  }

  if (route.method !== 'GET') {
    kinds.push(
      printable
        .filter((key) => !/^[A-Za-z0-9._:-]{8,128}$/.test(key.trim()))
        .map((key) => ({
          kind: 'bad Idempotency-Key',
          method: route.method,
          path: path(),
          headers: { ...(spec.body === undefined ? authHeaders() : json()), 'idempotency-key': key },
          ...(spec.body === undefined ? {} : { body: JSON.stringify(spec.body.valid()) }),
          status: 400,
          slug: 'validation-failed',
        })),
    );
  }

  if (spec.ifMatch === true) {
    kinds.push(
      fc
        .oneof(
          printable,
          fc.uuid().map((u) => `"${u}"`),
          fc.constantFrom('W/"1"', '""', '"00000000-0000-0000-0000-000000000000"'),
        )
        .filter((value) => value.trim() !== '' && value.trim() !== '*')
        .map((etag) => ({
          kind: 'stale If-Match',
          method: route.method,
          path: path(),
          headers: { ...(spec.body === undefined ? authHeaders() : json()), 'if-match': etag },
          ...(spec.body === undefined ? {} : { body: JSON.stringify(spec.body.valid()) }),
        })),
    );
  }

  if (spec.auth) {
    kinds.push(
      fc
        .oneof(printable, fc.constantFrom(`${venue.owner.token}x`, venue.owner.token.split('.').slice(0, 2).join('.'), 'null'))
        .map((bearer) => ({
          kind: 'bad bearer token',
          method: route.method,
          path: path(),
          headers: { authorization: `Bearer ${bearer}`, ...(spec.body === undefined ? {} : { 'content-type': 'application/json' }) },
          ...(spec.body === undefined ? {} : { body: JSON.stringify(spec.body.valid()) }),
          status: 401,
          slug: 'unauthenticated',
        })),
    );
  }

  const otherMethods = httpMethods.filter((m) => !catalogRoutes.some((c) => c.route === route.route && c.method === m));
  if (otherMethods.length > 0) {
    kinds.push(
      fc.constantFrom(...otherMethods).map((method: HttpMethod) => ({
        kind: `method ${method}`,
        method,
        path: path(),
        headers: { ...authHeaders(), 'content-type': 'application/json' },
        ...(method === 'GET' ? {} : { body: '{}' }),
        status: 405,
        slug: 'method-not-allowed',
      })),
    );
  }
  return fc.oneof(...kinds);
}

async function send(request: BadRequest): Promise<ApiResponse> {
  const response = await fetch(`${stack().baseUrl}${request.path}`, {
    method: request.method,
    headers: request.headers,
    ...(request.body === undefined ? {} : { body: request.body }),
  });
  const text = await response.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON: expectProblem reports it
  }
  return { status: response.status, headers: response.headers, body };
}

/**
 * The token endpoint's answer: 400 invalid_request for whatever it cannot read, so the kinds with
 * one right problem have one right OAuth error; an unknown grant_type is unsupported_grant_type.
 */
function expectOAuthRefused(request: BadRequest, response: ApiResponse, where: string): void {
  const body = expectOAuthError(response, 400);
  if (request.slug !== undefined) expect(body.error, where).toBe('invalid_request');
  else expect(['invalid_request', 'unsupported_grant_type'], where).toContain(body.error);
}

function expectRefused(request: BadRequest, response: ApiResponse, oauthErrors = false): void {
  const where = `${request.kind}: ${request.method} ${request.path.slice(0, 200)} ${JSON.stringify(request.headers).slice(0, 200)} ${request.body?.slice(0, 200) ?? ''}`;
  expect(response.status, where).toBeGreaterThanOrEqual(400);
  expect(response.status, where).toBeLessThan(500);
  // The local host refuses a method (405) or a body it stops reading (413) before any function runs
  // (local/host/http-host.ts); what reaches the token endpoint gets an OAuth error.
  const answeredByHost = request.status === 405 || (request.status === 413 && response.status === 413);
  if (oauthErrors && !answeredByHost) {
    expectOAuthRefused(request, response, where);
    return;
  }
  const problem = expectProblem(response, request.status, request.slug);
  if (problem.type === 'urn:waitlist:problem:validation-failed') {
    expect(Array.isArray(problem.errors) && problem.errors.length > 0, `${where}: validation problems list their errors`).toBe(true);
  }
  if (request.status === 405) expect(response.headers.get('allow'), where).toMatch(/^[A-Z, ]+$/);
}

describe('bad input on every route', () => {
  it('has input descriptions for every route and method of the catalog', () => {
    expect(coverageGaps(Object.keys(inputs))).toEqual({ missing: [], unknown: [] });
  });

  it.each(catalogRoutes.map((route) => ({ key: route.key, route })))(
    '$key: only 4xx problem+json (OAuth errors on the token endpoint), nothing stored changes',
    async ({ route }) => {
      const spec = inputs[route.key];
      if (spec === undefined) throw new Error(`no input description for ${route.key}`);
      const before = await snapshotDatabase(stack().services);
      await fc.assert(
        fc.asyncProperty(requestsFor(route, spec), async (request) => {
          sentKinds.add(request.kind.split(' ')[0] === 'method' ? 'method' : request.kind.replace(/ (type|parameter) .*$/, ' $1'));
          expectRefused(request, await send(request), spec.oauthErrors);
        }),
        { numRuns: runs },
      );
      expect(diffSnapshots(before, await snapshotDatabase(stack().services))).toEqual({ added: [], removed: [], changed: [] });
    },
  );
});

describe('bad input, specific answers', () => {
  it('sent every kind of bad request', () => {
    expect([...sentKinds].sort()).toEqual(
      [
        'bad Idempotency-Key',
        'bad bearer token',
        'bad path parameter',
        'bad query',
        'content type',
        'empty body',
        'extra property',
        'huge string',
        'malformed JSON',
        'method',
        'oversized body',
        'random JSON',
        'stale If-Match',
        'wrong field value',
      ].sort(),
    );
  });

  it('answers an unknown route under /api with 404 problem+json', async () => {
    expectProblem(await api().get('/v2/restaurants'), 404, 'not-found');
  });

  it('refuses a body over 64 KiB with 413 even when the JSON would be valid', async () => {
    const before = await snapshotDatabase(stack().services);
    const response = await venue.owner.api.post(`${venue.waitlistPath}/waitees`, { ...waiteeValid(), notes: 'x'.repeat(maxBodyBytes) });
    expectProblem(response, 413, 'payload-too-large');
    expect(diffSnapshots(before, await snapshotDatabase(stack().services))).toEqual({ added: [], removed: [], changed: [] });
  });

  it('refuses a body over 64 KiB on routes that take no body, before acting', async () => {
    const before = await snapshotDatabase(stack().services);
    const path = `${venue.waitlistPath}/waitees/${waiteeId}/notify`;
    const response = await venue.owner.api.request('POST', path, {
      rawBody: JSON.stringify({ pad: 'x'.repeat(maxBodyBytes) }),
      headers: { 'content-type': 'application/json' },
    });
    expectProblem(response, 413, 'payload-too-large');
    expect(diffSnapshots(before, await snapshotDatabase(stack().services))).toEqual({ added: [], removed: [], changed: [] });
  });

  it('names the bad field in a validation problem', async () => {
    const response = await venue.owner.api.post(`${venue.waitlistPath}/waitees`, { name: 'Ada', partySize: 'two' });
    const problem = expectProblem(response, 400, 'validation-failed');
    expect(problem.errors).toEqual([expect.objectContaining({ pointer: '/partySize', where: 'body' })]);
  });

  it("refuses more statuses than there are (the contract's maxItems) with 400", async () => {
    const query = Array.from({ length: 6 }, () => 'status=waiting').join('&');
    const problem = expectProblem(await venue.owner.api.get(`${venue.waitlistPath}/waitees?${query}`), 400, 'validation-failed');
    expect(problem.errors).toEqual([
      expect.objectContaining({ pointer: '/status', where: 'query', message: 'must list at most 5 statuses' }),
    ]);
  });

  it('refuses a continuation token that cannot travel in an HTTP header (NUL, control or non-Latin-1 characters) with 400', async () => {
    for (const token of ['\u0000', 'abc\u0007def', 'tok\u00e9n\u4e2d', 'line\nbreak']) {
      const problem = expectProblem(
        await venue.owner.api.get(`${venue.waitlistPath}/waitees?continuationToken=${encodeURIComponent(token)}`),
        400,
        'validation-failed',
      );
      expect(problem.errors).toEqual([expect.objectContaining({ pointer: '/continuationToken', where: 'query' })]);
    }
  });

  it('refuses a continuation token the database cannot read with 400', async () => {
    for (const token of ['{"a":1}', '-1', '[{"token":"x","range":{"min":"","max":"FF"}}]']) {
      expectProblem(
        await venue.owner.api.get(`${venue.waitlistPath}/waitees?continuationToken=${encodeURIComponent(token)}`),
        400,
        'validation-failed',
      );
    }
  });
});
