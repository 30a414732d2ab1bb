import { describe, expect, it } from 'vitest';
import { createApiClient, createTokenEndpoint } from '../../../web/src/api/client.js';
import { unwrap } from '../../../web/src/api/errors.js';
import {
  renewBeforeExpiryMs,
  Session,
  SignedOutError,
  type GrantResult,
  type RefreshTokenStore,
  type StoredSession,
  type TokenEndpoint,
  type TokenRequest,
} from '../../../web/src/api/session.js';
import { useLocalStack } from '../../support/stack.js';

class MemoryStore implements RefreshTokenStore {
  saved: StoredSession | null = null;
  load(): StoredSession | null {
    return this.saved;
  }
  save(session: StoredSession | null): void {
    this.saved = session;
  }
}

const grantType = (request: TokenRequest): string | undefined => ('grant_type' in request ? request.grant_type : undefined);

/** A token endpoint that rotates refresh tokens as the server does and can be told to refuse them. */
class FakeTokenEndpoint implements TokenEndpoint {
  grants: TokenRequest[] = [];
  logouts: string[] = [];
  refuseRefresh = false;
  offline = false;
  private issued = 0;
  /** Lets a test hold a refresh in flight. */
  gate: Promise<void> = Promise.resolve();

  async grant(request: TokenRequest): Promise<GrantResult> {
    this.grants.push(request);
    await this.gate;
    if (this.offline) throw new TypeError('fetch failed');
    if (grantType(request) === 'password' && 'password' in request && request.password !== 'right')
      return { refused: { error: 'invalid_grant', error_description: 'wrong', correlationId: 'c' }, status: 400 };
    if (grantType(request) === 'refresh_token' && this.refuseRefresh)
      return { refused: { error: 'invalid_grant', error_description: 'reused', correlationId: 'c' }, status: 400 };
    this.issued += 1;
    return {
      tokens: { access_token: `access-${this.issued}`, refresh_token: `refresh-${this.issued}`, token_type: 'Bearer', expires_in: 900 },
    };
  }

  logout(refreshToken: string): Promise<void> {
    this.logouts.push(refreshToken);
    return Promise.resolve();
  }

  refreshes(): number {
    return this.grants.filter((g) => grantType(g) === 'refresh_token').length;
  }
}

/** The API: 200 for the current access token, 401 for any other. */
function fakeApi(valid: () => string) {
  const seen: string[] = [];
  const send = (request: Request): Promise<Response> => {
    const token = request.headers.get('authorization')?.replace('Bearer ', '') ?? '';
    seen.push(token);
    return Promise.resolve(new Response(token === valid() ? 'ok' : 'no', { status: token === valid() ? 200 : 401 }));
  };
  return { send, seen };
}

function setup() {
  let now = 1_000_000;
  const endpoint = new FakeTokenEndpoint();
  const store = new MemoryStore();
  let valid = 'access-1';
  const api = fakeApi(() => valid);
  const session = new Session({ endpoint, store, send: api.send, now: () => now });
  return {
    endpoint,
    store,
    session,
    api,
    advance: (ms: number) => {
      now += ms;
    },
    acceptOnly: (token: string) => {
      valid = token;
    },
  };
}

const request = (): Request => new Request('http://api.test/v1/me');

describe('the web session (token refresh)', () => {
  it('keeps the access token in memory and only the refresh token (with the email) in the store', async () => {
    const { session, store } = setup();
    expect(await session.signIn('host@example.test', 'right')).toEqual({ ok: true });
    expect(store.saved).toEqual({ refreshToken: 'refresh-1', email: 'host@example.test' });
    expect(JSON.stringify(store.saved)).not.toContain('access-');
    expect(session.getSnapshot()).toEqual({ status: 'signed-in', email: 'host@example.test' });
  });

  it('returns a refused sign-in for the host to read and changes nothing', async () => {
    const { session, store } = setup();
    const result = await session.signIn('host@example.test', 'wrong');
    expect(result).toMatchObject({ ok: false, status: 400, error: { error: 'invalid_grant' } });
    expect(store.saved).toBeNull();
    expect(session.getSnapshot().status).toBe('signed-out');
  });

  it('refreshes an access token about to expire once, however many requests find it so', async () => {
    const { session, endpoint, store, advance, acceptOnly, api } = setup();
    await session.signIn('host@example.test', 'right');
    advance(900_000 - renewBeforeExpiryMs + 1);
    acceptOnly('access-2');
    let open: () => void = () => undefined;
    endpoint.gate = new Promise((resolve) => {
      open = resolve;
    });
    const answers = Promise.all([session.fetch(request()), session.fetch(request()), session.fetch(request())]);
    open();
    expect((await answers).map((r) => r.status)).toEqual([200, 200, 200]);
    expect(endpoint.refreshes()).toBe(1);
    expect(api.seen).toEqual(['access-2', 'access-2', 'access-2']);
    expect(store.saved?.refreshToken).toBe('refresh-2');
  });

  it('on a 401 refreshes once and sends the request again, also for requests that raced it', async () => {
    const { session, endpoint, acceptOnly, api } = setup();
    await session.signIn('host@example.test', 'right');
    acceptOnly('access-2'); // the server no longer takes access-1 (e.g. the signing key rotated)
    const answers = await Promise.all([session.fetch(request()), session.fetch(request())]);
    expect(answers.map((r) => r.status)).toEqual([200, 200]);
    expect(endpoint.refreshes()).toBe(1);
    expect(api.seen.filter((t) => t === 'access-1')).toHaveLength(2);
    expect(api.seen.filter((t) => t === 'access-2')).toHaveLength(2);
  });

  it('when the refresh token is refused, holds requests until the host signs in again, then sends them', async () => {
    const { session, endpoint, acceptOnly, advance, store } = setup();
    await session.signIn('host@example.test', 'right');
    endpoint.refuseRefresh = true;
    advance(900_000);
    acceptOnly('access-2');
    const pending = session.fetch(new Request('http://api.test/v1/waitees', { method: 'POST', body: '{"name":"Ada"}' }));
    await expect.poll(() => session.getSnapshot()).toEqual({ status: 'expired', email: 'host@example.test' });
    expect(store.saved).toBeNull();
    expect(await session.signIn('host@example.test', 'right')).toEqual({ ok: true });
    const answer = await pending;
    expect(answer.status).toBe(200);
    expect(endpoint.refreshes()).toBe(1);
  });

  it('a sign-out instead of signing in again fails the held requests and revokes the refresh token', async () => {
    const { session, endpoint, advance } = setup();
    await session.signIn('host@example.test', 'right');
    endpoint.refuseRefresh = true;
    advance(900_000);
    const pending = session.fetch(request());
    await expect.poll(() => session.getSnapshot().status).toBe('expired');
    await session.signOut();
    await expect(pending).rejects.toBeInstanceOf(SignedOutError);
    expect(session.getSnapshot()).toEqual({ status: 'signed-out', email: null });

    const again = setup();
    await again.session.signIn('host@example.test', 'right');
    await again.session.signOut();
    expect(again.endpoint.logouts).toEqual(['refresh-1']);
    expect(again.store.saved).toBeNull();
  });

  it('after a reload resumes from the stored refresh token; a refused one signs out, an offline reload stays signed in', async () => {
    const first = setup();
    await first.session.signIn('host@example.test', 'right');
    const reloaded = new Session({ endpoint: first.endpoint, store: first.store, send: first.api.send });
    expect(await reloaded.resume()).toBe('signed-in');
    expect(first.store.saved?.refreshToken).toBe('refresh-2');

    first.endpoint.offline = true;
    const offline = new Session({ endpoint: first.endpoint, store: first.store, send: first.api.send });
    expect(await offline.resume()).toBe('signed-in');
    expect(first.store.saved?.refreshToken).toBe('refresh-2');

    first.endpoint.offline = false;
    first.endpoint.refuseRefresh = true;
    const refused = new Session({ endpoint: first.endpoint, store: first.store, send: first.api.send });
    expect(await refused.resume()).toBe('signed-out');
    expect(first.store.saved).toBeNull();
  });
});

describe('the web session against the real token endpoint', () => {
  const stack = useLocalStack();

  it('signs in, rotates the refresh token when the access token expires, and asks to sign in again when a retired one is reused', async () => {
    const { apiUrl, demo } = stack();
    if (demo === null) throw new Error('no demo');
    const config = { apiBaseUrl: apiUrl };
    const send = (r: Request): Promise<Response> => fetch(r);
    const endpoint = createTokenEndpoint(config, send);
    let now = Date.now();
    const store = new MemoryStore();
    const session = new Session({ endpoint, store, send, now: () => now });
    const api = createApiClient(config, session.fetch);

    expect(await session.signIn(demo.ownerEmail, 'not-the-password')).toMatchObject({ ok: false, error: { error: 'invalid_grant' } });
    expect(await session.signIn(demo.ownerEmail, demo.ownerPassword)).toEqual({ ok: true });
    expect(unwrap(await api.GET('/v1/me')).email).toBe(demo.ownerEmail);
    const firstRefresh = store.saved?.refreshToken;

    now += 15 * 60_000; // the access token's lifetime (ACCESS_TOKEN_TTL_SECONDS default 900)
    expect(unwrap(await api.GET('/v1/me')).email).toBe(demo.ownerEmail);
    expect(store.saved?.refreshToken).not.toBe(firstRefresh);

    // Another tab presenting the retired token makes the server end the whole sign-in.
    const reused = await endpoint.grant({ grant_type: 'refresh_token', refresh_token: firstRefresh ?? '' });
    expect(reused).toMatchObject({ status: 400, refused: { error: 'invalid_grant' } });
    now += 15 * 60_000;
    const held = api.GET('/v1/me');
    await expect.poll(() => session.getSnapshot().status).toBe('expired');
    expect(await session.signIn(demo.ownerEmail, demo.ownerPassword)).toEqual({ ok: true });
    expect(unwrap(await held).email).toBe(demo.ownerEmail);
  });
});
