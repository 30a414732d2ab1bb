import { describe, expect, it } from 'vitest';
import { delayBeforeAnswerMs, noAttempts, recordFailure } from '../../src/domain/login-throttle.js';
import { expectOAuthError } from '../support/oauth.js';
import { Api, newUser, useLocalStack, type ApiResponse, type Json, type TestUser } from '../support/stack.js';

const stack = useLocalStack();

/** Every response body this file receives, to check that no password ever comes back. */
const seen: string[] = [];

class RecordingApi extends Api {
  override async request<T = Json>(
    method: string,
    path: string,
    options: { body?: unknown; rawBody?: string; headers?: Record<string, string> } = {},
  ): Promise<ApiResponse<T>> {
    const response = await super.request<T>(method, path, options);
    const headers: string[] = [];
    response.headers.forEach((value, name) => headers.push(`${name}: ${value}`));
    seen.push(
      `${method} ${path} → ${response.status}\n${headers.join('\n')}\n${typeof response.body === 'string' ? response.body : JSON.stringify(response.body)}`,
    );
    return response;
  }

  override as(token: string | undefined): Api {
    return new RecordingApi(this.apiUrl, token);
  }
}

const api = () => new RecordingApi(stack().apiUrl);

interface Tokens {
  access_token: string;
  token_type: string;
  expires_in: number;
  refresh_token: string;
}

const refresh = (refreshToken: string) =>
  api().post<Tokens>('/v1/auth/token', { grant_type: 'refresh_token', refresh_token: refreshToken });
const familyOf = (refreshToken: string) => refreshToken.split('.')[0] ?? '';

async function familyRevoked(refreshToken: string): Promise<boolean> {
  const family = await stack().services.refreshTokens.get(familyOf(refreshToken));
  if (family === null) throw new Error('refresh family not stored');
  return family.value.revoked;
}

function expectInvalidGrant(response: ApiResponse): void {
  expectOAuthError(response, 400, 'invalid_grant');
}

/** A blocked address: 429 with an OAuth error body (docs/api.md, Token endpoint errors). */
function expectBlocked(response: ApiResponse): void {
  expectOAuthError(response, 429, 'invalid_grant');
}

const form = (fields: Record<string, string>) => ({
  rawBody: new URLSearchParams(fields).toString(),
  headers: { 'content-type': 'application/x-www-form-urlencoded' },
});

describe('refresh tokens', () => {
  it('rotate on every use: each refresh returns a new refresh token and a working access token', async () => {
    const user = await newUser(api());
    let current = user.refreshToken;
    const issued = new Set([current]);
    for (let i = 0; i < 3; i++) {
      const response = await refresh(current);
      expect(response.status).toBe(200);
      expect(response.headers.get('cache-control')).toContain('no-store');
      expect(response.body).toMatchObject({ token_type: 'Bearer', expires_in: 900 });
      expect(familyOf(response.body.refresh_token)).toBe(familyOf(user.refreshToken));
      expect(issued.has(response.body.refresh_token)).toBe(false);
      issued.add(response.body.refresh_token);
      const me = await api().as(response.body.access_token).get('/v1/me');
      expect(me.status).toBe(200);
      expect(me.body.id).toBe(user.id);
      current = response.body.refresh_token;
    }
    expect(await familyRevoked(current)).toBe(false);
  });

  it('treat reuse of a rotated token as theft: 400 invalid_grant and the whole family is revoked', async () => {
    const user = await newUser(api());
    const otherSession = await api().post<Tokens>('/v1/auth/token', { grant_type: 'password', email: user.email, password: user.password });
    const rotated = await refresh(user.refreshToken);
    expect(rotated.status).toBe(200);

    expectInvalidGrant(await refresh(user.refreshToken));
    expect(await familyRevoked(user.refreshToken)).toBe(true);
    // The newest token of the family, held by whoever rotated it, stops working too.
    expectInvalidGrant(await refresh(rotated.body.refresh_token));
    // Another sign-in of the same account is a different family and keeps working.
    expect((await refresh(otherSession.body.refresh_token)).status).toBe(200);
  });

  it('let at most one of two concurrent refreshes with the same token succeed, and end the family revoked', async () => {
    for (let round = 0; round < 4; round++) {
      const user = await newUser(api());
      const answers = await Promise.all([refresh(user.refreshToken), refresh(user.refreshToken)]);
      const ok = answers.filter((a) => a.status === 200);
      expect(ok.length).toBeLessThanOrEqual(1);
      for (const answer of answers) if (answer.status !== 200) expectInvalidGrant(answer);
      expect(await familyRevoked(user.refreshToken)).toBe(true);
      for (const winner of ok) expectInvalidGrant(await refresh(winner.body.refresh_token));
    }
  });

  it('refuse made-up, malformed and other families’ tokens without revoking anything', async () => {
    const user = await newUser(api());
    const family = familyOf(user.refreshToken);
    for (const token of [
      'x',
      `${family}.`,
      `${family}.${'A'.repeat(43)}x`,
      family,
      'not-a-family.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
      `${crypto.randomUUID()}.${'A'.repeat(43)}`,
    ]) {
      expectInvalidGrant(await refresh(token));
    }
    expect(await familyRevoked(user.refreshToken)).toBe(false);
    expect((await refresh(user.refreshToken)).status).toBe(200);
  });
});

describe('logout', () => {
  it('revokes the sign-in: its refresh token stops working', async () => {
    const user = await newUser(api());
    const out = await api().post('/v1/auth/logout', { refresh_token: user.refreshToken });
    expect(out.status).toBe(204);
    expect(await familyRevoked(user.refreshToken)).toBe(true);
    expectInvalidGrant(await refresh(user.refreshToken));
  });

  it('accepts form encoding and answers 204 for unknown tokens (RFC 7009)', async () => {
    const user = await newUser(api());
    expect((await api().request('POST', '/v1/auth/logout', form({ refresh_token: 'never-issued' }))).status).toBe(204);
    expect(await familyRevoked(user.refreshToken)).toBe(false);
    expect((await api().request('POST', '/v1/auth/logout', form({ refresh_token: user.refreshToken }))).status).toBe(204);
    expect(await familyRevoked(user.refreshToken)).toBe(true);
  });
});

describe('token endpoint (RFC 6749)', () => {
  it('takes form-encoded password and refresh_token grants, with username as the RFC name for the email', async () => {
    const user = await newUser(api());
    const signedIn = await api().request<Tokens>(
      'POST',
      '/v1/auth/token',
      form({ grant_type: 'password', username: user.email, password: user.password }),
    );
    expect(signedIn.status).toBe(200);
    expect(signedIn.headers.get('cache-control')).toContain('no-store');
    expect(Object.keys(signedIn.body).sort()).toEqual(['access_token', 'expires_in', 'refresh_token', 'token_type']);
    expect((await api().as(signedIn.body.access_token).get('/v1/me')).body.id).toBe(user.id);

    const refreshed = await api().request<Tokens>(
      'POST',
      '/v1/auth/token',
      form({ grant_type: 'refresh_token', refresh_token: signedIn.body.refresh_token }),
    );
    expect(refreshed.status).toBe(200);
    expect(refreshed.body.refresh_token).not.toBe(signedIn.body.refresh_token);

    const wrong = await api().request(
      'POST',
      '/v1/auth/token',
      form({ grant_type: 'password', username: user.email, password: 'not-the-password-1' }),
    );
    expectInvalidGrant(wrong);
    expectOAuthError(
      await api().request('POST', '/v1/auth/token', form({ grant_type: 'client_credentials' })),
      400,
      'unsupported_grant_type',
    );
  });
});

describe('sign-in throttling', () => {
  const wrongPassword = 'definitely-wrong-password-7';

  interface Attempt {
    readonly response: ApiResponse<Json>;
    readonly ms: number;
  }

  async function attempt(email: string, password: string): Promise<Attempt> {
    const started = performance.now();
    const response = await api().post('/v1/auth/token', { grant_type: 'password', email, password });
    return { response, ms: performance.now() - started };
  }

  /** Ten wrong passwords in a row (with varying letter case in the address), answered one after another. */
  async function failTenTimes(email: string): Promise<Attempt[]> {
    const attempts: Attempt[] = [];
    for (let i = 0; i < 10; i++) attempts.push(await attempt(i % 2 === 0 ? email : email.toUpperCase(), wrongPassword));
    return attempts;
  }

  it('slows then blocks wrong passwords with 429 + Retry-After, identically for existing and unknown addresses', async () => {
    const user = await newUser(api());
    const unknown = `nobody-${Date.now().toString(36)}@example.test`;
    const [existing, missing] = await Promise.all([failTenTimes(user.email), failTenTimes(unknown)]);

    let expected = noAttempts(new Date());
    for (let i = 0; i < 10; i++) {
      const delay = delayBeforeAnswerMs(expected);
      for (const run of [existing, missing]) {
        const { response, ms } = run[i] ?? { response: undefined, ms: 0 };
        if (response === undefined) throw new Error('missing attempt');
        expectInvalidGrant(response);
        expect(ms, `attempt ${i + 1} answered too fast`).toBeGreaterThanOrEqual(delay - 20);
      }
      expect(existing[i]?.response.body).toEqual({ ...missing[i]?.response.body, correlationId: existing[i]?.response.body.correlationId });
      expected = recordFailure(expected, new Date());
    }
    // The delays really grew: the last attempts waited the 2 s cap.
    expect(existing[9]?.ms).toBeGreaterThanOrEqual(1980);

    const blockedExisting = await attempt(user.email, user.password);
    const blockedUnknown = await attempt(unknown, user.password);
    const blockedWrong = await attempt(user.email.toUpperCase(), wrongPassword);
    for (const { response } of [blockedExisting, blockedUnknown, blockedWrong]) {
      expectBlocked(response);
      const retryAfter = Number(response.headers.get('retry-after'));
      expect(retryAfter).toBeGreaterThan(14 * 60);
      expect(retryAfter).toBeLessThanOrEqual(15 * 60);
      expect(response.body.retryAfterSeconds).toBe(retryAfter);
      expect(response.body).not.toHaveProperty('access_token');
    }
    const strip = (r: ApiResponse<Json>) => ({ status: r.status, error: r.body.error, description: r.body.error_description });
    expect(strip(blockedExisting.response)).toEqual(strip(blockedUnknown.response));
    // The account itself is untouched: a session that already exists keeps working.
    expect((await user.api.get('/v1/me')).status).toBe(200);
  }, 40_000);

  it('counts guesses sent in parallel: of 30 at once at most 10 get a password check, the rest and the next get 429', async () => {
    const user = await newUser(api());
    const answers = await Promise.all(
      Array.from({ length: 30 }, (_, i) => attempt(i % 2 === 0 ? user.email : user.email.toUpperCase(), `${wrongPassword}-${i}`)),
    );
    const checked = answers.filter((a) => a.response.status === 400);
    expect(checked.length, answers.map((a) => a.response.status).join(',')).toBeGreaterThan(0);
    expect(checked.length, answers.map((a) => a.response.status).join(',')).toBeLessThanOrEqual(10);
    for (const { response } of checked) expectInvalidGrant(response);
    for (const { response } of answers.filter((a) => a.response.status !== 400)) {
      expectBlocked(response);
      expect(Number(response.headers.get('retry-after'))).toBeGreaterThan(0);
    }
    const next = await attempt(user.email, user.password);
    expectBlocked(next.response);
    expect((await stack().services.users.loginAttempts(user.email.toLowerCase()))?.value.failures).toBeGreaterThanOrEqual(10);
  }, 30_000);

  it('forgets earlier failures after a successful sign-in', async () => {
    const user = await newUser(api());
    for (let i = 0; i < 3; i++) expectInvalidGrant((await attempt(user.email, wrongPassword)).response);
    expect((await stack().services.users.loginAttempts(user.email.toLowerCase()))?.value.failures).toBe(3);
    expect((await attempt(user.email, user.password)).response.status).toBe(200);
    expect((await stack().services.users.loginAttempts(user.email.toLowerCase()))?.value.failures).toBe(0);
  });
});

describe('passwords', () => {
  it('are never returned: not by register, sign-in, /me, validation or conflict answers', async () => {
    const user: TestUser = await newUser(api());
    await api().post('/v1/auth/register', { email: user.email, password: user.password, displayName: 'Again' });
    await api().post('/v1/auth/register', { email: 'short@example.test', password: 'Short-pw-1', displayName: 'Shorty' });
    await api().post('/v1/auth/register', { email: 'common@example.test', password: 'Password12345!', displayName: 'Common' });
    await api().post('/v1/auth/register', { email: 'long@example.test', password: `zq-${'x'.repeat(300)}`, displayName: 'Long' });
    await api().post('/v1/auth/register', { email: 'not-an-email', password: 'violet-lantern-orbit-99', displayName: 'Bad email' });
    await api().post('/v1/auth/token', { grant_type: 'password', email: user.email, password: 'violet-lantern-orbit-43' });
    await user.api.get('/v1/me');
    expect(seen.length).toBeGreaterThan(10);
    const everything = seen.join('\n');
    for (const secret of [
      user.password,
      'violet-lantern-orbit-43',
      'violet-lantern-orbit-99',
      'Short-pw-1',
      'Password12345!',
      'x'.repeat(300),
      'definitely-wrong-password-7',
    ]) {
      expect(everything).not.toContain(secret);
    }
    expect(everything).not.toMatch(/passwordHash|scrypt\$/);
  });
});
