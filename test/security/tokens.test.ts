import { randomUUID } from 'node:crypto';
import { SignJWT, UnsecuredJWT, exportJWK, exportSPKI, generateKeyPair, importJWK, type CryptoKey, type JWK, type JWTPayload } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { snapshotDatabase } from '../support/db-snapshot.js';
import { expectProblem } from '../support/problems.js';
import { Api, newUser, useLocalStack, type ApiResponse, type TestUser } from '../support/stack.js';

const stack = useLocalStack();
const api = () => new Api(stack().apiUrl);

const b64 = (value: unknown) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');

let victim: TestUser;
let attacker: TestUser;
let realKey: CryptoKey;
let realKid: string;
let publishedJwk: JWK;

beforeAll(async () => {
  [victim, attacker] = await Promise.all([newUser(api()), newUser(api())]);
  const signing = stack().services.config.jwt.signingKeys[0];
  if (signing === undefined) throw new Error('no signing key configured');
  realKid = signing.kid;
  const imported = await importJWK(signing.privateJwk as JWK, 'ES256');
  if (imported instanceof Uint8Array) throw new Error('signing key is not an EC key');
  realKey = imported;
  const jwks = await api().get<{ keys: JWK[] }>('/.well-known/jwks.json');
  const found = jwks.body.keys.find((k) => k.kid === realKid);
  if (found === undefined) throw new Error('signing key not published');
  publishedJwk = found;
});

/** The claims a genuine access token for `sub` carries; each case changes one thing. */
function claims(sub: string, overrides: JWTPayload = {}): JWTPayload {
  const now = Math.floor(Date.now() / 1000);
  const { jwt } = stack().services.config;
  return { iss: jwt.issuer, aud: jwt.audience, sub, jti: randomUUID(), iat: now, nbf: now, exp: now + 600, ...overrides };
}

const sign = (payload: JWTPayload, key: CryptoKey | Uint8Array = realKey, header: Record<string, unknown> = {}) =>
  new SignJWT(payload).setProtectedHeader({ alg: 'ES256', kid: realKid, typ: 'at+jwt', ...header }).sign(key);

function without(payload: JWTPayload, claim: keyof JWTPayload): JWTPayload {
  return Object.fromEntries(Object.entries(payload).filter(([name]) => name !== claim));
}

async function me(token: string | undefined, authorization?: string): Promise<ApiResponse> {
  const headers: Record<string, string> = authorization === undefined ? {} : { authorization };
  return api().as(token).get('/v1/me', headers);
}

function expectRejected(response: ApiResponse): void {
  const problem = expectProblem(response, 401, 'unauthenticated');
  expect(response.headers.get('www-authenticate')).toMatch(/^Bearer\b/);
  expect(JSON.stringify(problem)).not.toContain(victim.email);
}

describe('access tokens', () => {
  it('accepts a genuine token made with the configured key (control)', async () => {
    const response = await me(await sign(claims(victim.id)));
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ id: victim.id, email: victim.email });
    expect((await me(victim.token)).status).toBe(200);
  });

  const forgeries: [string, () => Promise<string>][] = [
    ['alg none (jose UnsecuredJWT)', () => Promise.resolve(new UnsecuredJWT(claims(victim.id)).encode())],
    [
      'alg none with the real kid and an empty signature',
      () => Promise.resolve(`${b64({ alg: 'none', kid: realKid, typ: 'at+jwt' })}.${b64(claims(victim.id))}.`),
    ],
    [
      'alg "None" with a copied signature',
      async () => `${b64({ alg: 'None', kid: realKid })}.${b64(claims(victim.id))}.${(await sign(claims(victim.id))).split('.')[2] ?? ''}`,
    ],
    [
      'HS256 keyed with the public key as PEM',
      async () => {
        const publicKey = await importJWK(publishedJwk, 'ES256');
        if (publicKey instanceof Uint8Array) throw new Error('unexpected');
        const pem = await exportSPKI(publicKey);
        return sign(claims(victim.id), new TextEncoder().encode(pem), { alg: 'HS256' });
      },
    ],
    [
      'HS256 keyed with the published JWK as JSON bytes',
      () => sign(claims(victim.id), new TextEncoder().encode(JSON.stringify(publishedJwk)), { alg: 'HS256' }),
    ],
    [
      'HS256 keyed with the JWK x coordinate',
      () => sign(claims(victim.id), Buffer.from(String(publishedJwk.x), 'base64url'), { alg: 'HS256' }),
    ],
    ['wrong iss', () => sign(claims(victim.id, { iss: 'https://evil.example/api' }))],
    ['iss with a trailing slash', () => sign(claims(victim.id, { iss: `${stack().services.config.jwt.issuer}/` }))],
    ['wrong aud', () => sign(claims(victim.id, { aud: 'api://something-else' }))],
    ['aud list without ours', () => sign(claims(victim.id, { aud: ['api://a', 'api://b'] }))],
    [
      'expired a minute ago',
      () =>
        sign(
          claims(victim.id, {
            iat: Math.floor(Date.now() / 1000) - 960,
            nbf: Math.floor(Date.now() / 1000) - 960,
            exp: Math.floor(Date.now() / 1000) - 60,
          }),
        ),
    ],
    ['not valid for another minute (nbf)', () => sign(claims(victim.id, { nbf: Math.floor(Date.now() / 1000) + 60 }))],
    ['missing sub', () => sign(without(claims(victim.id), 'sub'))],
    ['missing jti', () => sign(without(claims(victim.id), 'jti'))],
    ['missing exp', () => sign(without(claims(victim.id), 'exp'))],
    ['missing nbf', () => sign(without(claims(victim.id), 'nbf'))],
    [
      'unknown kid, signed with a fresh ES256 key',
      async () => {
        const { privateKey } = await generateKeyPair('ES256');
        return sign(claims(victim.id), privateKey, { kid: 'attacker-key' });
      },
    ],
    [
      'the real kid, signed with a fresh ES256 key',
      async () => {
        const { privateKey } = await generateKeyPair('ES256');
        return sign(claims(victim.id), privateKey);
      },
    ],
    [
      'a fresh ES256 key embedded in the header (jwk)',
      async () => {
        const { privateKey, publicKey } = await generateKeyPair('ES256');
        return sign(claims(victim.id), privateKey, { kid: undefined, jwk: await exportJWK(publicKey) });
      },
    ],
    [
      'RS256 with a fresh RSA key',
      async () => {
        const { privateKey } = await generateKeyPair('RS256');
        return sign(claims(victim.id), privateKey, { alg: 'RS256', kid: 'rsa-1' });
      },
    ],
    [
      'RS256 with a fresh RSA key under the real kid',
      async () => {
        const { privateKey } = await generateKeyPair('RS256');
        return sign(claims(victim.id), privateKey, { alg: 'RS256' });
      },
    ],
    [
      'payload swapped to another user, original signature kept',
      async () => {
        const [header, , signature] = (await sign(claims(attacker.id))).split('.');
        return `${header ?? ''}.${b64(claims(victim.id))}.${signature ?? ''}`;
      },
    ],
    [
      'header changed (kid removed), original signature kept',
      () => {
        const [, payload, signature] = victim.token.split('.');
        return Promise.resolve(`${b64({ alg: 'ES256' })}.${payload ?? ''}.${signature ?? ''}`);
      },
    ],
    [
      'signature truncated',
      async () => {
        const token = await sign(claims(victim.id));
        return token.slice(0, -4);
      },
    ],
    ['a valid signature for a user that does not exist', () => sign(claims(randomUUID()))],
  ];

  it.each(forgeries)('refuses %s with 401 problem+json and WWW-Authenticate', async (_, forge) => {
    expectRejected(await me(await forge()));
  });

  const malformed: [string, string | undefined][] = [
    ['no Authorization header', undefined],
    ['an empty bearer', 'Bearer '],
    ['Basic credentials', `Basic ${Buffer.from('a@b.c:password').toString('base64')}`],
    ['a token without the Bearer scheme', 'TOKEN'],
    ['one segment', 'Bearer abc'],
    ['three empty segments', 'Bearer ..'],
    ['random three segments', 'Bearer aaaa.bbbb.cccc'],
    ['a header that is not JSON', `Bearer ${b64('not json')}.${b64({ sub: 'x' })}.c2ln`],
    ['five segments (JWE shape)', 'Bearer a.b.c.d.e'],
    ['a bearer with spaces inside', 'Bearer abc def'],
    ['a very long token', `Bearer ${'a'.repeat(6000)}.${'b'.repeat(3000)}.${'c'.repeat(86)}`],
  ];

  it.each(malformed)('refuses %s with 401 problem+json and WWW-Authenticate', async (_, authorization) => {
    if (authorization === undefined) expectRejected(await me(undefined));
    else expectRejected(await me(undefined, authorization));
  });

  it('refuses a genuine token with a second token appended', async () => {
    expectRejected(await me(undefined, `Bearer ${victim.token} ${attacker.token}`));
  });

  it('does not take the token from the query string', async () => {
    expectRejected(await api().get(`/v1/me?access_token=${victim.token}`));
  });

  it('changes nothing when a forged token tries to write', async () => {
    const before = await snapshotDatabase(stack().services);
    const forged = await sign(claims(victim.id), (await generateKeyPair('ES256')).privateKey, { kid: 'attacker-key' });
    expectRejected(await api().as(forged).post('/v1/restaurants', { name: 'Forged Diner' }));
    expectRejected(
      await api()
        .as(new UnsecuredJWT(claims(victim.id)).encode())
        .post('/v1/restaurants', { name: 'Forged Diner' }),
    );
    expect(await snapshotDatabase(stack().services)).toEqual(before);
    expect((await victim.api.get<{ items: unknown[] }>('/v1/restaurants')).body.items).toEqual([]);
  });

  it('checks the token before the input, so an unauthenticated caller learns nothing about validity', async () => {
    const response = await api().post('/v1/restaurants', { name: 42 });
    expectProblem(response, 401, 'unauthenticated');
  });
});
