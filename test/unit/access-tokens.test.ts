import { exportJWK, generateKeyPair } from 'jose';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { AccessTokens } from '../../src/application/auth/tokens.js';

let tokens: AccessTokens;
const ttlSeconds = 60;

beforeAll(async () => {
  const { privateKey } = await generateKeyPair('ES256', { extractable: true });
  tokens = new AccessTokens({
    issuer: 'http://127.0.0.1:7071/api',
    audience: 'api://waitlist',
    signingKeys: [{ kid: 'key-1', privateJwk: { ...(await exportJWK(privateKey)), kid: 'key-1' } }],
    accessTokenTtlSeconds: ttlSeconds,
    refreshTokenTtlDays: 30,
  });
});

afterEach(() => {
  vi.useRealTimers();
});

/** Verification remembers a checked signature; these pin that what it remembers never outlives the token. */
describe('access token verification, with signatures remembered', () => {
  it('accepts a token again and again while it is valid, with the same claims', async () => {
    const { token } = await tokens.issue('user-1', new Date());
    const first = await tokens.verify(token);
    expect(await tokens.verify(token)).toEqual(first);
    expect(first.userId).toBe('user-1');
  });

  it('refuses a token it has verified once when it has expired since', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const issuedAt = new Date();
    vi.setSystemTime(issuedAt);
    const { token } = await tokens.issue('user-2', issuedAt);
    await expect(tokens.verify(token)).resolves.toMatchObject({ userId: 'user-2' });
    vi.setSystemTime(issuedAt.getTime() + (ttlSeconds + 10) * 1000);
    await expect(tokens.verify(token)).rejects.toMatchObject({ kind: 'unauthenticated' });
  });

  it('refuses a token one character away from one it has verified', async () => {
    const { token } = await tokens.issue('user-3', new Date());
    await tokens.verify(token);
    const last = token.at(-2) === 'A' ? 'B' : 'A';
    const altered = `${token.slice(0, -2)}${last}${token.slice(-1)}`;
    await expect(tokens.verify(altered)).rejects.toMatchObject({ kind: 'unauthenticated' });
  });
});
