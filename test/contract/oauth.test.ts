import { HttpRequest, HttpResponse, InvocationContext } from '@azure/functions';
import * as client from 'openid-client';
import { describe, expect, it } from 'vitest';
import { authFunctions } from '../../src/functions/auth.js';
import { dispatch } from '../../src/functions/http/dispatch.js';
import { expectOAuthError } from '../support/oauth.js';
import { Api, newUser, useLocalStack, type Json } from '../support/stack.js';

/**
 * The token endpoint and the discovery document as a standard OAuth 2.0 client sees them: the real
 * openid-client (v6) against the local stack. Errors must be RFC 6749 §5.2 bodies, or a client
 * cannot tell a wrong password from a reused refresh token or a server fault.
 */

const stack = useLocalStack();
const api = () => new Api(stack().apiUrl);
const clientId = 'waitlist-test-app';

async function discover(): Promise<client.Configuration> {
  // The local stack is plain http on 127.0.0.1; production is https behind API Management.
  // eslint-disable-next-line @typescript-eslint/no-deprecated -- deprecated only to flag non-TLS use, which this local test is
  return client.discovery(new URL(stack().apiUrl), clientId, undefined, client.None(), { execute: [client.allowInsecureRequests] });
}

/** The error openid-client raised, as the fields an application switches on. */
async function oauthErrorOf(attempt: Promise<unknown>): Promise<{ error: string; status: number; description: string | undefined }> {
  try {
    await attempt;
  } catch (error) {
    if (error instanceof client.ResponseBodyError)
      return { error: error.error, status: error.status, description: error.error_description };
    throw error;
  }
  throw new Error('the request succeeded');
}

describe('discovery (RFC 8414 metadata at /.well-known/openid-configuration)', () => {
  it('is read by openid-client and publishes only what the server does', async () => {
    const config = await discover();
    const metadata = config.serverMetadata();
    expect(metadata.issuer).toBe(stack().apiUrl);
    expect(metadata.token_endpoint).toBe(`${stack().apiUrl}/v1/auth/token`);
    expect(metadata.jwks_uri).toBe(`${stack().apiUrl}/.well-known/jwks.json`);
    expect(metadata.grant_types_supported).toEqual(['password', 'refresh_token']);
    expect(metadata.token_endpoint_auth_methods_supported).toEqual(['none']);
    // No authorization endpoint and no id tokens: nothing that says otherwise.
    expect(metadata.response_types_supported).toEqual([]);
    expect(metadata).not.toHaveProperty('authorization_endpoint');
    expect(metadata).not.toHaveProperty('id_token_signing_alg_values_supported');
    expect(metadata).not.toHaveProperty('subject_types_supported');
    // The logout route takes `refresh_token` and answers 204, not RFC 7009's `token` and 200.
    expect(metadata).not.toHaveProperty('revocation_endpoint');
    expect(metadata.waitlist_access_token_audience).toBe(stack().services.config.jwt.audience);
    expect(metadata.waitlist_access_token_signing_alg_values_supported).toEqual(['ES256']);
  });
});

describe('token endpoint through openid-client', () => {
  it('signs in with the password grant, refreshes, and reports reuse of a rotated refresh token as invalid_grant', async () => {
    const config = await discover();
    const user = await newUser(api());
    const signedIn = await client.genericGrantRequest(config, 'password', { username: user.email, password: user.password });
    expect(signedIn.token_type).toBe('bearer');
    expect(signedIn.expires_in).toBeGreaterThan(0);
    const first = signedIn.refresh_token;
    if (first === undefined) throw new Error('no refresh token');
    expect((await api().as(signedIn.access_token).get('/v1/me')).body.id).toBe(user.id);

    const refreshed = await client.refreshTokenGrant(config, first);
    expect(refreshed.refresh_token).toBeDefined();
    expect(refreshed.refresh_token).not.toBe(first);

    const reused = await oauthErrorOf(client.refreshTokenGrant(config, first));
    expect(reused).toMatchObject({ error: 'invalid_grant', status: 400 });
    expect(reused.description).toMatch(/already used/);
  });

  it('answers a wrong password with invalid_grant and an unknown grant type with unsupported_grant_type', async () => {
    const config = await discover();
    const user = await newUser(api());
    const wrong = await oauthErrorOf(
      client.genericGrantRequest(config, 'password', { username: user.email, password: 'not-the-password-1' }),
    );
    expect(wrong).toMatchObject({ error: 'invalid_grant', status: 400 });
    const unknown = await oauthErrorOf(client.genericGrantRequest(config, 'client_credentials', {}));
    expect(unknown).toMatchObject({ error: 'unsupported_grant_type', status: 400 });
    const missing = await oauthErrorOf(client.genericGrantRequest(config, 'password', { username: user.email }));
    expect(missing).toMatchObject({ error: 'invalid_request', status: 400 });
  });

  it('says a blocked address is rate-limited: 429 with an OAuth error and Retry-After', async () => {
    const config = await discover();
    const email = `blocked-oauth-${Date.now().toString(36)}@example.test`;
    const now = Date.now();
    await stack().services.users.saveLoginAttempts(
      email,
      { failures: 10, windowStartedAt: new Date(now).toISOString(), blockedUntil: new Date(now + 15 * 60_000).toISOString() },
      null,
    );
    try {
      await client.genericGrantRequest(config, 'password', { username: email, password: 'whatever-it-is-1' });
      throw new Error('the request succeeded');
    } catch (error) {
      if (!(error instanceof client.ResponseBodyError)) throw error;
      expect(error).toMatchObject({ error: 'invalid_grant', status: 429 });
      expect(error.error_description).toMatch(/Too many failed sign-ins/);
      expect(Number(error.response.headers.get('retry-after'))).toBeGreaterThan(14 * 60);
      expect(error.cause).toMatchObject({ retryAfterSeconds: Number(error.response.headers.get('retry-after')) });
    }
  });
});

describe('token endpoint error bodies (RFC 6749 §5.2)', () => {
  const token = (options: { body?: unknown; rawBody?: string; headers?: Record<string, string> }) =>
    api().request('POST', '/v1/auth/token', options);

  it('are application/json with error and error_description, never problem+json', async () => {
    const user = await newUser(api());
    expectOAuthError(
      await token({ body: { grant_type: 'password', email: user.email, password: 'not-the-password-1' } }),
      400,
      'invalid_grant',
    );
    expectOAuthError(await token({ body: { grant_type: 'refresh_token', refresh_token: 'not-a-token' } }), 400, 'invalid_grant');
    expectOAuthError(await token({ body: { grant_type: 'client_credentials' } }), 400, 'unsupported_grant_type');
    const noGrant = expectOAuthError(await token({ body: { email: user.email, password: user.password } }), 400, 'invalid_request');
    expect(noGrant.errors).toEqual([expect.objectContaining({ pointer: '/grant_type', where: 'body' })]);
    const noEmail = expectOAuthError(await token({ body: { grant_type: 'password', password: 'x' } }), 400, 'invalid_request');
    expect(noEmail.errors).toEqual([expect.objectContaining({ pointer: '/email', where: 'body' })]);
    expectOAuthError(await token({ body: { grant_type: 'password', email: 'not-an-email', password: 'x' } }), 400, 'invalid_request');
    expectOAuthError(await token({}), 400, 'invalid_request');
    expectOAuthError(await token({ rawBody: '{"grant_type":', headers: { 'content-type': 'application/json' } }), 400, 'invalid_request');
    expectOAuthError(await token({ rawBody: 'grant_type=password', headers: { 'content-type': 'text/plain' } }), 400, 'invalid_request');
  });

  it('answer a body over 64 KiB with invalid_request when it reaches the endpoint, as in Azure', async () => {
    // The local host refuses such bodies before any function runs (local/host/http-host.ts), so the
    // function's own pipeline, which is what answers behind the Azure Functions host, is called directly.
    const fn = authFunctions.find((f) => f.name === 'auth-token');
    if (fn === undefined) throw new Error('no auth-token function');
    const handler = dispatch(fn, () => Promise.resolve(stack().services));
    const request = new HttpRequest({
      method: 'POST',
      url: `${stack().apiUrl}/v1/auth/token`,
      headers: { 'content-type': 'application/json' },
      body: { string: JSON.stringify({ grant_type: 'password', username: 'a@example.test', password: 'x'.repeat(70_000) }) },
    });
    const answer = new HttpResponse(await handler(request, new InvocationContext({ functionName: 'auth-token' })));
    const body = (await answer.json()) as Json;
    expectOAuthError({ status: answer.status, headers: answer.headers, body }, 400, 'invalid_request');
    expect(body.limit).toBe(65_536);
  });

  it('carry the correlation id, and a server fault is server_error without details', async () => {
    const wrong = await token({
      body: { grant_type: 'refresh_token', refresh_token: 'not-a-token' },
      headers: { 'x-correlation-id': 'oauth-test.1' },
    });
    expect(expectOAuthError(wrong, 400, 'invalid_grant').correlationId).toBe('oauth-test.1');

    const user = await newUser(api());
    const refreshTokens = stack().services.refreshTokens;
    const get = refreshTokens.get.bind(refreshTokens);
    refreshTokens.get = () => Promise.reject(new Error('store unavailable: secret detail'));
    try {
      const fault = await token({ body: { grant_type: 'refresh_token', refresh_token: user.refreshToken } });
      const body = expectOAuthError(fault, 500, 'server_error');
      expect(JSON.stringify(body)).not.toContain('secret detail');
    } finally {
      refreshTokens.get = get;
    }
  });
});
