import { exportJWK, generateKeyPair } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, settingsReference } from '../../src/config.js';

type Env = Record<string, string | undefined>;

let signingKey: Record<string, unknown>;
let base: Env;

beforeAll(async () => {
  const { privateKey } = await generateKeyPair('ES256', { extractable: true });
  signingKey = { ...(await exportJWK(privateKey)), kid: 'key-1' };
  base = {
    COSMOS_ENDPOINT: 'https://127.0.0.1:8081',
    COSMOS_KEY: 'local-emulator-key',
    JWT_ISSUER: 'http://127.0.0.1:7071/api/',
    JWT_AUDIENCE: 'api://waitlist',
    JWT_SIGNING_KEYS: JSON.stringify([signingKey]),
    STATUS_PAGE_BASE_URL: 'http://127.0.0.1:7071/api/v1/status/',
    ServiceBusConnection:
      'Endpoint=sb://127.0.0.1:5672;SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey=SAS_KEY_VALUE;UseDevelopmentEmulator=true',
    ACS_CONNECTION_STRING: 'endpoint=http://127.0.0.1:7072/;accesskey=a2V5',
    SMS_FROM_NUMBER: '+18005550100',
    UPLOADS_BLOB_ENDPOINT: 'https://127.0.0.1:10000/devstoreaccount1',
  };
});

/** The problems a ConfigError lists, or a failure when the configuration was accepted. */
function problemsOf(env: Env): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) {
      for (const problem of error.problems) expect(error.message).toContain(problem);
      return [...error.problems];
    }
    throw error;
  }
  throw new Error(`configuration was accepted: ${JSON.stringify(env)}`);
}

describe('config', () => {
  it('reads a complete local configuration with defaults for the optional settings', () => {
    const config = loadConfig(base);
    expect(config).toEqual({
      cosmos: { endpoint: 'https://127.0.0.1:8081', database: 'waitlist', key: 'local-emulator-key', managedIdentityClientId: undefined },
      jwt: {
        issuer: 'http://127.0.0.1:7071/api',
        audience: 'api://waitlist',
        signingKeys: [{ kid: 'key-1', privateJwk: signingKey }],
        accessTokenTtlSeconds: 900,
        refreshTokenTtlDays: 30,
      },
      passwordHashCost: 16,
      statusPageBaseUrl: 'http://127.0.0.1:7071/api/v1/status/',
      statusLinkLifetimeHours: 12,
      joins: {
        linkBaseUrl: 'http://127.0.0.1:7071/j/',
        apiBaseUrl: 'http://127.0.0.1:7071/api/v1/join/',
        codesPerNumberPerHour: 3,
        codesPerAddressPerHour: 10,
      },
      serviceBus: { queue: 'notifications', fullyQualifiedNamespace: undefined, emulatorConnectionString: base.ServiceBusConnection },
      sms: {
        endpoint: undefined,
        emulatorConnectionString: base.ACS_CONNECTION_STRING,
        from: '+18005550100',
        limits: { perPartyPerDay: 3, perNumberPerDay: 10, perRestaurantPerDay: 1000 },
      },
      uploads: { blobEndpoint: 'https://127.0.0.1:10000/devstoreaccount1', container: 'uploads' },
      cors: { allowedOrigins: [] },
    });
  });

  it('reads CORS_ALLOWED_ORIGINS as a comma-separated list of origins and refuses anything else', () => {
    expect(loadConfig({ ...base, CORS_ALLOWED_ORIGINS: 'http://localhost:5173, https://staff.example.com' }).cors.allowedOrigins).toEqual([
      'http://localhost:5173',
      'https://staff.example.com',
    ]);
    for (const value of ['*', 'localhost:5173', 'http://localhost:5173/app', 'ftp://files.example.com']) {
      expect(problemsOf({ ...base, CORS_ALLOWED_ORIGINS: value }), value).toEqual([
        'CORS_ALLOWED_ORIGINS must be comma-separated origins such as http://localhost:5173 (scheme, host and port; no path, no *)',
      ]);
    }
  });

  it('needs exactly one way to reach Service Bus and ACS, and keeps emulator secrets away from Azure', () => {
    expect(problemsOf({ ...base, ServiceBusConnection: undefined })).toEqual([
      'ServiceBusConnection__fullyQualifiedNamespace is not set or ServiceBusConnection (local emulator only): set exactly one',
    ]);
    expect(problemsOf({ ...base, ACS_ENDPOINT: 'https://acs.example.communication.azure.com' })).toEqual([
      'ACS_ENDPOINT or ACS_CONNECTION_STRING (local emulator only): set exactly one',
    ]);
    expect(
      problemsOf({ ...base, ServiceBusConnection: 'Endpoint=sb://prod.servicebus.windows.net;SharedAccessKeyName=x;SharedAccessKey=y' })[0],
    ).toContain('ServiceBusConnection is accepted only for the local emulator');
    expect(problemsOf({ ...base, ACS_CONNECTION_STRING: 'endpoint=https://prod.communication.azure.com/;accesskey=a2V5' })[0]).toContain(
      'ACS_CONNECTION_STRING is accepted only for a loopback SMS emulator',
    );
    const azure = loadConfig({
      ...base,
      COSMOS_KEY: undefined,
      ServiceBusConnection: undefined,
      ServiceBusConnection__fullyQualifiedNamespace: 'sb-waitlist.servicebus.windows.net',
      ACS_CONNECTION_STRING: undefined,
      ACS_ENDPOINT: 'https://acs-waitlist.communication.azure.com',
    });
    expect(azure.serviceBus.fullyQualifiedNamespace).toBe('sb-waitlist.servicebus.windows.net');
    expect(azure.sms.endpoint).toBe('https://acs-waitlist.communication.azure.com');
  });

  it('reads the optional settings when they are given', () => {
    const config = loadConfig({
      ...base,
      COSMOS_DATABASE: 'other_db-1',
      ACCESS_TOKEN_TTL_SECONDS: '60',
      REFRESH_TOKEN_TTL_DAYS: '365',
      PASSWORD_HASH_COST: '20',
      AZURE_CLIENT_ID: '6f1e2b3c-4d5e-4f60-8a7b-9c0d1e2f3a4b',
      SMS_LIMIT_PER_PARTY_PER_DAY: '20',
      SMS_LIMIT_PER_NUMBER_PER_DAY: '1',
      SMS_LIMIT_PER_RESTAURANT_PER_DAY: '10000',
    });
    expect(config.sms.limits).toEqual({ perPartyPerDay: 20, perNumberPerDay: 1, perRestaurantPerDay: 10_000 });
    expect(config.cosmos.database).toBe('other_db-1');
    expect(config.cosmos.managedIdentityClientId).toBe('6f1e2b3c-4d5e-4f60-8a7b-9c0d1e2f3a4b');
    expect(config.jwt.accessTokenTtlSeconds).toBe(60);
    expect(config.jwt.refreshTokenTtlDays).toBe(365);
    expect(config.passwordHashCost).toBe(20);
  });

  it.each(settingsReference.filter((s) => s.required).map((s) => s.name))('names %s when it is missing or empty', (name) => {
    expect(problemsOf({ ...base, [name]: undefined })).toEqual([`${name} is required but not set`]);
    expect(problemsOf({ ...base, [name]: '' })).toEqual([`${name} is required but not set`]);
  });

  it('lists every missing setting at once', () => {
    const problems = problemsOf({});
    expect(problems).toEqual(
      expect.arrayContaining(settingsReference.filter((s) => s.required).map((s) => `${s.name} is required but not set`)),
    );
  });

  it('ignores settings it does not know', () => {
    expect(() => loadConfig({ ...base, SOMETHING_ELSE: '1' })).not.toThrow();
  });

  it.each([
    ['COSMOS_ENDPOINT', 'not a url'],
    ['COSMOS_ENDPOINT', 'ftp://127.0.0.1:8081'],
    ['JWT_ISSUER', 'waitlist'],
    ['STATUS_PAGE_BASE_URL', 'javascript:alert(1)'],
    ['COSMOS_DATABASE', 'has spaces'],
    ['AZURE_CLIENT_ID', 'my-identity'],
    ['ACCESS_TOKEN_TTL_SECONDS', 'abc'],
    ['ACCESS_TOKEN_TTL_SECONDS', '1.5'],
    ['ACCESS_TOKEN_TTL_SECONDS', '-900'],
    ['ACCESS_TOKEN_TTL_SECONDS', '59'],
    ['ACCESS_TOKEN_TTL_SECONDS', '3601'],
    ['REFRESH_TOKEN_TTL_DAYS', '0'],
    ['REFRESH_TOKEN_TTL_DAYS', '366'],
    ['PASSWORD_HASH_COST', '9'],
    ['PASSWORD_HASH_COST', '21'],
    ['PASSWORD_HASH_COST', '16 '],
    ['SMS_LIMIT_PER_PARTY_PER_DAY', '0'],
    ['SMS_LIMIT_PER_PARTY_PER_DAY', '21'],
    ['SMS_LIMIT_PER_NUMBER_PER_DAY', '1001'],
    ['SMS_LIMIT_PER_RESTAURANT_PER_DAY', 'many'],
  ])('refuses %s=%j and names it', (name, value) => {
    const problems = problemsOf({ ...base, [name]: value });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(new RegExp(`^${name} `));
    expect(problems[0]).not.toMatch(/required but not set/);
  });

  it.each([
    'https://waitlist.documents.azure.com:443/',
    'https://10.0.0.4:8081',
    'https://127.0.0.1.nip.io:8081',
    'https://localhost.example.com',
  ])('refuses COSMOS_KEY when COSMOS_ENDPOINT is %s (not loopback)', (endpoint) => {
    const problems = problemsOf({ ...base, COSMOS_ENDPOINT: endpoint });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^COSMOS_KEY is only accepted for a local emulator/);
  });

  it.each(['https://127.0.0.1:8081', 'https://localhost:8081', 'https://[::1]:8081'])(
    'accepts COSMOS_KEY for the loopback emulator at %s',
    (endpoint) => {
      expect(loadConfig({ ...base, COSMOS_ENDPOINT: endpoint }).cosmos.key).toBe('local-emulator-key');
    },
  );

  it('uses the managed identity (no key) for a non-loopback endpoint', () => {
    const config = loadConfig({ ...base, COSMOS_KEY: undefined, COSMOS_ENDPOINT: 'https://waitlist.documents.azure.com:443/' });
    expect(config.cosmos.key).toBeUndefined();
  });

  it('keeps several signing keys in order (the first signs, all verify during rotation)', async () => {
    const { privateKey } = await generateKeyPair('ES256', { extractable: true });
    const second = { ...(await exportJWK(privateKey)), kid: 'key-2' };
    const config = loadConfig({ ...base, JWT_SIGNING_KEYS: JSON.stringify([signingKey, second]) });
    expect(config.jwt.signingKeys.map((k) => k.kid)).toEqual(['key-1', 'key-2']);
  });

  describe('refuses bad JWT_SIGNING_KEYS with a message naming the setting', () => {
    const cases: [string, () => string][] = [
      ['not JSON', () => '{not json'],
      ['an object instead of an array', () => JSON.stringify(signingKey)],
      ['an empty array', () => '[]'],
      ['a key without kid', () => JSON.stringify([{ ...signingKey, kid: undefined }])],
      ['a public key (no d)', () => JSON.stringify([{ ...signingKey, d: undefined }])],
      ['an RSA key', () => JSON.stringify([{ kty: 'RSA', kid: 'r', n: 'AQAB', e: 'AQAB', d: 'AQAB' }])],
      ['a P-384 key', () => JSON.stringify([{ ...signingKey, crv: 'P-384' }])],
      ['a symmetric key', () => JSON.stringify([{ kty: 'oct', kid: 'h', k: 'c2VjcmV0' }])],
      ['two keys with the same kid', () => JSON.stringify([signingKey, signingKey])],
      ['key material that is not a P-256 key', () => JSON.stringify([{ ...signingKey, d: 'AAAA', x: 'AAAA', y: 'AAAA' }])],
    ];
    it.each(cases)('%s', (_, value) => {
      const problems = problemsOf({ ...base, JWT_SIGNING_KEYS: value() });
      expect(problems).toHaveLength(1);
      expect(problems[0]).toMatch(/^JWT_SIGNING_KEYS /);
    });
  });

  it('never echoes a secret value in its messages', () => {
    const secret = JSON.stringify([{ ...signingKey, crv: 'P-384' }]);
    const problems = problemsOf({ ...base, JWT_SIGNING_KEYS: secret });
    expect(problems.join('\n')).not.toContain(String(signingKey.d));
  });
});
