import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { DefaultAzureCredential, ManagedIdentityCredential } from '@azure/identity';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localAccessToken, localPrincipalId, localTenantId, startIdentityEndpoint } from '../../local/identity/endpoint.js';
import type { IdentityEndpoint } from '../../local/identity/endpoint.js';
import { startSmsEmulator } from '../../local/sms/emulator.js';
import type { SmsEmulator } from '../../local/sms/emulator.js';
import { createLocalTls } from '../../local/tls.js';
import type { LocalTls } from '../../local/tls.js';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const runFile = promisify(execFile);

function claimsOf(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as Record<string, unknown>;
}

/**
 * msal-node picks the managed-identity source (endpoint and header) once per process and keeps it
 * in a static, and Node reads NODE_EXTRA_CA_CERTS only at start-up: scenarios that need other
 * values than this test process has run as a child `node` with their own environment.
 */
async function runChild(script: string, env: Record<string, string>): Promise<unknown> {
  const { stdout } = await runFile(process.execPath, ['--input-type=module', '-e', script], {
    cwd: repoRoot,
    env: { PATH: process.env.PATH ?? '', ...env },
    timeout: 30_000,
  });
  return JSON.parse(stdout) as unknown;
}

const getTokenScript = `
import { ManagedIdentityCredential } from '@azure/identity';
try {
  const token = await new ManagedIdentityCredential().getToken('https://cosmos.azure.com/.default');
  console.log(JSON.stringify({ ok: true, token: token.token }));
} catch (error) {
  console.log(JSON.stringify({ ok: false, name: error.name, message: error.message }));
}`;

const sendSmsScript = `
import { SmsClient } from '@azure/communication-sms';
import { ManagedIdentityCredential } from '@azure/identity';
try {
  const client = new SmsClient(process.env.ACS_ENDPOINT, new ManagedIdentityCredential());
  const results = await client.send({ from: '+18005550100', to: ['+15551234567'], message: 'Your table is ready' });
  console.log(JSON.stringify({ ok: true, results }));
} catch (error) {
  console.log(JSON.stringify({ ok: false, name: error.name, code: error.code, message: error.message }));
}`;

describe('managed identity endpoint with the real ManagedIdentityCredential', () => {
  let identity: IdentityEndpoint;
  const variables = [
    'IDENTITY_ENDPOINT',
    'IDENTITY_HEADER',
    'AZURE_CLIENT_ID',
    'AZURE_TENANT_ID',
    'AZURE_CLIENT_SECRET',
    'AZURE_FEDERATED_TOKEN_FILE',
    'AZURE_TOKEN_CREDENTIALS',
  ] as const;
  const saved = new Map<string, string | undefined>();

  beforeAll(async () => {
    identity = await startIdentityEndpoint({ log: () => undefined });
    for (const name of variables) {
      saved.set(name, process.env[name]);
      Reflect.deleteProperty(process.env, name);
    }
    process.env.IDENTITY_ENDPOINT = identity.endpoint;
    process.env.IDENTITY_HEADER = identity.header;
  });
  afterAll(async () => {
    for (const [name, value] of saved) {
      if (value === undefined) Reflect.deleteProperty(process.env, name);
      else process.env[name] = value;
    }
    await identity.close();
  });

  it('answers the App Service request shape and refuses a wrong header with 401', async () => {
    const url = `${identity.endpoint}?api-version=2019-08-01&resource=${encodeURIComponent('https://storage.azure.com')}`;
    const good = await fetch(url, { headers: { 'X-IDENTITY-HEADER': identity.header } });
    expect(good.status).toBe(200);
    const body = (await good.json()) as Record<string, unknown>;
    expect(body).toMatchObject({ resource: 'https://storage.azure.com', token_type: 'Bearer' });
    expect(body.expires_on).toMatch(/^\d{10}$/);

    expect((await fetch(url, { headers: { 'X-IDENTITY-HEADER': 'not-the-secret' } })).status).toBe(401);
    expect((await fetch(url)).status).toBe(401);
    expect((await fetch(`${identity.endpoint}?api-version=2019-08-01`, { headers: { 'X-IDENTITY-HEADER': identity.header } })).status).toBe(
      400,
    );
    expect((await fetch(url.replace('2019-08-01', '2017-09-01'), { headers: { 'X-IDENTITY-HEADER': identity.header } })).status).toBe(400);
    expect(identity.requests().map((r) => r.status)).toEqual([200, 401, 401, 400, 400]);
  });

  it('getToken returns the endpoint token, an Entra-shaped JWT for the resource', async () => {
    const before = Math.floor(Date.now() / 1000);
    const token = await new ManagedIdentityCredential().getToken('https://cosmos.azure.com/.default');

    const served = identity.requests().filter((r) => r.resource === 'https://cosmos.azure.com');
    expect(served).toEqual([expect.objectContaining({ status: 200, accessToken: token.token })]);
    expect(served[0]).not.toHaveProperty('clientId');
    const claims = claimsOf(token.token);
    expect(claims).toMatchObject({
      aud: 'https://cosmos.azure.com',
      iss: `https://sts.windows.net/${localTenantId}/`,
      tid: localTenantId,
      oid: localPrincipalId,
    });
    expect(claims.nbf).toBeLessThanOrEqual(before);
    // MSAL turns expires_on into a lifetime and back against its own clock, in whole seconds, so the
    // timestamp it reports can land one second before the token's exp when a second ticks over.
    expect(Number(claims.exp) * 1000 - token.expiresOnTimestamp).toBeGreaterThanOrEqual(0);
    expect(Number(claims.exp) * 1000 - token.expiresOnTimestamp).toBeLessThanOrEqual(1000);
    expect(token.expiresOnTimestamp).toBeGreaterThan(Date.now() + 3_600_000);
  });

  it('serves a repeated getToken from the MSAL cache without another request', async () => {
    const count = identity.requests().length;
    const first = await new ManagedIdentityCredential().getToken('https://servicebus.azure.net/.default');
    const second = await new ManagedIdentityCredential().getToken('https://servicebus.azure.net/.default');

    expect(second.token).toBe(first.token);
    expect(identity.requests()).toHaveLength(count + 1);
  });

  it('sends a user-assigned identity as client_id', async () => {
    const clientId = '11111111-2222-4333-8444-555555555555';
    const token = await new ManagedIdentityCredential({ clientId }).getToken('https://vault.azure.net/.default');

    expect(identity.requests().at(-1)).toMatchObject({ status: 200, resource: 'https://vault.azure.net', clientId });
    expect(claimsOf(token.token)).toMatchObject({ appid: clientId });
  });

  it('is reached by DefaultAzureCredential too', async () => {
    const token = await new DefaultAzureCredential().getToken('https://monitor.azure.com/.default');

    expect(identity.requests().at(-1)).toMatchObject({ status: 200, resource: 'https://monitor.azure.com', accessToken: token.token });
  });

  it('uses tokenFor when given', async () => {
    const custom = await startIdentityEndpoint({
      header: 'h',
      tokenFor: (resource, clientId) => `opaque:${resource}:${clientId ?? '-'}`,
      log: () => undefined,
    });
    try {
      const response = await fetch(`${custom.endpoint}?api-version=2019-08-01&resource=r&client_id=c`, {
        headers: { 'X-IDENTITY-HEADER': 'h' },
      });
      const body = (await response.json()) as Record<string, unknown>;
      expect(body.access_token).toBe('opaque:r:c');
      expect(Number(body.expires_on)).toBeGreaterThan(Date.now() / 1000);
      expect(custom.requests()).toMatchObject([{ resource: 'r', clientId: 'c' }]);
    } finally {
      await custom.close();
    }
  });
});

describe('managed identity in a fresh process (production-shaped configuration)', () => {
  let identity: IdentityEndpoint;
  let tls: LocalTls;
  let sms: SmsEmulator;
  const acceptedTokens: string[] = [];

  beforeAll(async () => {
    identity = await startIdentityEndpoint({ log: () => undefined });
    tls = await createLocalTls();
    sms = await startSmsEmulator({
      https: { key: tls.key, cert: tls.cert },
      // Accept exactly the tokens this identity endpoint issued for ACS.
      acceptBearer: (token) => {
        const issued = identity
          .requests()
          .some((r) => r.accessToken === token && r.resource?.startsWith('https://communication.azure.com'));
        if (issued) acceptedTokens.push(token);
        return issued;
      },
      log: () => undefined,
    });
  });
  afterAll(async () => {
    await sms.close();
    await identity.close();
    await tls.dispose();
  });

  it('surfaces a wrong IDENTITY_HEADER as CredentialUnavailableError after a 401', async () => {
    const result = await runChild(getTokenScript, { IDENTITY_ENDPOINT: identity.endpoint, IDENTITY_HEADER: 'wrong' });

    expect(result).toMatchObject({ ok: false, name: 'CredentialUnavailableError' });
    expect(result).toHaveProperty('message', expect.stringContaining('X-IDENTITY-HEADER is missing or does not match'));
    expect(identity.requests().map((r) => r.status)).toEqual([401]);
  });

  it('SmsClient + ManagedIdentityCredential reach the SMS emulator over https with NODE_EXTRA_CA_CERTS', async () => {
    const result = await runChild(sendSmsScript, {
      ACS_ENDPOINT: sms.endpoint,
      IDENTITY_ENDPOINT: identity.endpoint,
      IDENTITY_HEADER: identity.header,
      NODE_EXTRA_CA_CERTS: tls.caCertPath,
    });

    expect(result).toMatchObject({ ok: true, results: [{ to: '+15551234567', successful: true, httpStatusCode: 202 }] });
    expect(identity.requests().at(-1)).toMatchObject({ status: 200, resource: 'https://communication.azure.com/' });
    expect(acceptedTokens).toHaveLength(1);
    expect(claimsOf(acceptedTokens[0] ?? '')).toMatchObject({
      aud: 'https://communication.azure.com/',
      iss: `https://sts.windows.net/${localTenantId}/`,
    });
    expect(sms.outbox()).toMatchObject([{ to: '+15551234567', message: 'Your table is ready', auth: 'bearer' }]);
  });

  it('without the local CA the SDK rejects the emulator certificate', async () => {
    const result = await runChild(sendSmsScript, {
      ACS_ENDPOINT: sms.endpoint,
      IDENTITY_ENDPOINT: identity.endpoint,
      IDENTITY_HEADER: identity.header,
    });

    expect(result).toMatchObject({ ok: false, name: 'RestError', code: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE' });
    expect(sms.outbox()).toHaveLength(1);
  });

  it('localAccessToken gives well-formed, distinct tokens', () => {
    const now = 1_800_000_000;
    const [a, b] = [
      localAccessToken('https://storage.azure.com', undefined, now),
      localAccessToken('https://storage.azure.com', undefined, now),
    ];
    expect(a).not.toBe(b);
    expect(a.split('.')).toHaveLength(3);
    expect(claimsOf(a)).toMatchObject({ aud: 'https://storage.azure.com', nbf: now - 300, exp: now + 86_400, ver: '1.0' });
  });
});
