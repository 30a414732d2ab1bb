import { afterAll, beforeAll } from 'vitest';
import { startLocalStack, type LocalStack, type LocalStackOptions } from '../../local/stack.js';
import { randomBytes, randomUUID } from 'node:crypto';
import type { Waitee } from '../../src/domain/model.js';
import { joinLine } from '../../src/domain/waitee.js';

/**
 * Starts the whole local stack (embedded Cosmos + local host on a free port) once per test file.
 * Vitest runs each file in its own process, so files never share data or settings.
 */
export function useLocalStack(options: Pick<LocalStackOptions, 'settings'> = {}): () => LocalStack {
  let stack: LocalStack | undefined;
  beforeAll(async () => {
    stack = await startLocalStack({ port: 0, passwordHashCost: 10, ...options });
  });
  afterAll(async () => {
    await stack?.close();
  });
  return () => {
    if (stack === undefined) throw new Error('local stack not started');
    return stack;
  };
}

export interface ApiResponse<T = unknown> {
  readonly status: number;
  readonly headers: Headers;
  readonly body: T;
}

export interface Json {
  [key: string]: unknown;
}

/** A small HTTP client for the API under test: JSON in, parsed body out, never throws on 4xx/5xx. */
export class Api {
  constructor(
    readonly apiUrl: string,
    private readonly token?: string,
  ) {}

  as(token: string | undefined): Api {
    return new Api(this.apiUrl, token);
  }

  async request<T = Json>(
    method: string,
    path: string,
    options: { body?: unknown; rawBody?: string; headers?: Record<string, string> } = {},
  ): Promise<ApiResponse<T>> {
    const headers: Record<string, string> = { ...options.headers };
    if (this.token !== undefined) headers.authorization = `Bearer ${this.token}`;
    let body: string | undefined = options.rawBody;
    if (options.body !== undefined) {
      body = JSON.stringify(options.body);
      headers['content-type'] ??= 'application/json';
    }
    const response = await fetch(`${this.apiUrl}${path}`, { method, headers, ...(body === undefined ? {} : { body }) });
    const text = await response.text();
    const contentType = response.headers.get('content-type') ?? '';
    return {
      status: response.status,
      headers: response.headers,
      body: (text !== '' && contentType.includes('json') ? JSON.parse(text) : text) as T,
    };
  }

  get<T = Json>(path: string, headers?: Record<string, string>) {
    return this.request<T>('GET', path, headers === undefined ? {} : { headers });
  }

  post<T = Json>(path: string, body?: unknown, headers?: Record<string, string>) {
    return this.request<T>('POST', path, { ...(body === undefined ? {} : { body }), ...(headers === undefined ? {} : { headers }) });
  }

  patch<T = Json>(path: string, body: unknown, headers?: Record<string, string>) {
    return this.request<T>('PATCH', path, { body, ...(headers === undefined ? {} : { headers }) });
  }

  delete<T = Json>(path: string, headers?: Record<string, string>) {
    return this.request<T>('DELETE', path, headers === undefined ? {} : { headers });
  }
}

let counter = 0;

export interface TestUser {
  readonly id: string;
  readonly email: string;
  readonly password: string;
  readonly token: string;
  readonly refreshToken: string;
  readonly api: Api;
}

/** Registers a fresh account and signs it in. */
export async function newUser(api: Api, options: { displayName?: string; phone?: string } = {}): Promise<TestUser> {
  counter += 1;
  const email = `user${counter}-${Date.now().toString(36)}@example.test`;
  const password = 'violet-lantern-orbit-42';
  const registered = await api.post<{ id: string }>('/v1/auth/register', {
    email,
    password,
    displayName: options.displayName ?? `User ${counter}`,
    ...(options.phone === undefined ? {} : { phone: options.phone }),
  });
  if (registered.status !== 201) throw new Error(`register failed: ${registered.status} ${JSON.stringify(registered.body)}`);
  const signedIn = await api.post<{ access_token: string; refresh_token: string }>('/v1/auth/token', {
    grant_type: 'password',
    email,
    password,
  });
  if (signedIn.status !== 200) throw new Error(`sign-in failed: ${signedIn.status} ${JSON.stringify(signedIn.body)}`);
  return {
    id: registered.body.id,
    email,
    password,
    token: signedIn.body.access_token,
    refreshToken: signedIn.body.refresh_token,
    api: api.as(signedIn.body.access_token),
  };
}

export interface Venue {
  readonly owner: TestUser;
  readonly restaurantId: string;
  readonly waitlistId: string;
  readonly waitlistPath: string;
}

/** An owner with a restaurant and an open waitlist. */
export async function newVenue(api: Api, waitlist: Record<string, unknown> = {}, timeZone = 'Europe/Paris'): Promise<Venue> {
  const owner = await newUser(api);
  const restaurant = await owner.api.post<{ id: string }>('/v1/restaurants', { name: 'Test Diner', timeZone });
  if (restaurant.status !== 201) throw new Error(`create restaurant failed: ${JSON.stringify(restaurant.body)}`);
  const created = await owner.api.post<{ id: string }>(`/v1/restaurants/${restaurant.body.id}/waitlists`, { name: 'Main', ...waitlist });
  if (created.status !== 201) throw new Error(`create waitlist failed: ${JSON.stringify(created.body)}`);
  return {
    owner,
    restaurantId: restaurant.body.id,
    waitlistId: created.body.id,
    waitlistPath: `/v1/restaurants/${restaurant.body.id}/waitlists/${created.body.id}`,
  };
}

/**
 * A waitee as staff would add it, ready to write straight through the store: for tests that need
 * many waitees in a line, where the HTTP add (covered elsewhere) would cost 20× more.
 */
export function walkIn(venue: Pick<Venue, 'waitlistId' | 'restaurantId'>, fields: { name: string; phone: string | null }): Waitee {
  return joinLine({
    id: randomUUID(),
    waitlistId: venue.waitlistId,
    restaurantId: venue.restaurantId,
    ...fields,
    partySize: 2,
    notes: null,
    source: 'staff',
    customerId: null,
    statusToken: randomBytes(12).toString('base64url'),
    joinedAt: new Date().toISOString(),
  });
}

/** Makes `member` a member of the restaurant the way people do it: the owner invites, the member accepts. */
export async function addMember(
  owner: Pick<TestUser, 'api'>,
  restaurantId: string,
  member: Pick<TestUser, 'api' | 'email'>,
  role: 'owner' | 'staff' = 'staff',
): Promise<void> {
  const invited = await owner.api.post<{ id: string }>(`/v1/restaurants/${restaurantId}/invitations`, { email: member.email, role });
  if (invited.status !== 201) throw new Error(`invite failed: ${invited.status} ${JSON.stringify(invited.body)}`);
  const accepted = await member.api.post(`/v1/me/invitations/${invited.body.id}/accept`);
  if (accepted.status !== 201) throw new Error(`accept failed: ${accepted.status} ${JSON.stringify(accepted.body)}`);
}
