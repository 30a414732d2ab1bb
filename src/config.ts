import { createPrivateKey, createPublicKey, sign, verify, type JsonWebKey } from 'node:crypto';
import { z } from 'zod';
import { defaultSendLimits, type SendLimits } from './domain/send-limits.js';

/**
 * Every setting the function app reads, with its meaning. This list is the reference: the README's
 * settings table, `local.settings.example.json` and the Bicep app settings are checked against it.
 *
 * `where` says who must set it: `azure` settings are set by the Bicep in every environment,
 * `local` ones only exist for the embedded local stack (emulator keys never reach Azure).
 */
export interface SettingReference {
  readonly name: string;
  readonly required: boolean;
  readonly where: 'both' | 'azure' | 'local';
  readonly description: string;
  readonly example: string;
}

export const settingsReference: readonly SettingReference[] = [
  {
    name: 'COSMOS_ENDPOINT',
    required: true,
    where: 'both',
    example: 'https://127.0.0.1:8081',
    description: 'Cosmos DB (NoSQL) account endpoint.',
  },
  {
    name: 'COSMOS_DATABASE',
    required: false,
    where: 'both',
    example: 'waitlist',
    description: 'Cosmos DB database name (default `waitlist`).',
  },
  {
    name: 'COSMOS_KEY',
    required: false,
    where: 'local',
    example: 'local-emulator-key',
    description:
      'Account key, accepted only for an emulator on a loopback address. In Azure the app authenticates with its managed identity and local auth is disabled.',
  },
  {
    name: 'AZURE_CLIENT_ID',
    required: false,
    where: 'azure',
    example: '00000000-0000-0000-0000-000000000000',
    description: 'Client id of the user-assigned managed identity used by `DefaultAzureCredential`.',
  },
  {
    name: 'JWT_ISSUER',
    required: true,
    where: 'both',
    example: 'http://127.0.0.1:7071/api',
    description: 'The `iss` of access tokens; also the base of `/.well-known/openid-configuration`.',
  },
  {
    name: 'JWT_AUDIENCE',
    required: true,
    where: 'both',
    example: 'api://waitlist',
    description: 'The `aud` of access tokens; APIM validate-jwt checks the same value.',
  },
  {
    name: 'JWT_SIGNING_KEYS',
    required: true,
    where: 'both',
    example: '[{"kty":"EC","crv":"P-256","kid":"…","d":"…","x":"…","y":"…"}]',
    description:
      'JSON array of ES256 private JWKs, each with a `kid`. The first signs; all are published in the JWKS (rotation). In Azure a Key Vault reference.',
  },
  {
    name: 'ACCESS_TOKEN_TTL_SECONDS',
    required: false,
    where: 'both',
    example: '900',
    description: 'Access token lifetime in seconds (default 900).',
  },
  {
    name: 'REFRESH_TOKEN_TTL_DAYS',
    required: false,
    where: 'both',
    example: '30',
    description: 'Refresh token family lifetime in days (default 30).',
  },
  {
    name: 'PASSWORD_HASH_COST',
    required: false,
    where: 'both',
    example: '16',
    description: 'scrypt cost as log2(N) for new password hashes (default 16; 10–20). Existing hashes keep their own cost.',
  },
  {
    name: 'STATUS_PAGE_BASE_URL',
    required: true,
    where: 'both',
    example: 'http://127.0.0.1:7071/api/v1/status/',
    description: 'Public base URL of the per-waitee status link sent by SMS; the token is appended.',
  },
  {
    name: 'STATUS_LINK_LIFETIME_HOURS',
    required: false,
    where: 'both',
    example: '12',
    description: 'How long a status link keeps working after its party was seated, left or was a no-show (default 12; 1–168).',
  },
  {
    name: 'JOIN_LINK_BASE_URL',
    required: false,
    where: 'both',
    example: 'http://127.0.0.1:7071/j/',
    description:
      "Public base URL of a waitlist's join link, the web app's join page that its QR code opens; the code is appended. Default: `/j/` on STATUS_PAGE_BASE_URL's origin (where the local host serves the web app).",
  },
  {
    name: 'JOIN_CODES_PER_NUMBER_PER_HOUR',
    required: false,
    where: 'both',
    example: '3',
    description: 'One-time join codes texted to one phone number within an hour, across restaurants (default 3; 1–100).',
  },
  {
    name: 'JOIN_CODES_PER_ADDRESS_PER_HOUR',
    required: false,
    where: 'both',
    example: '10',
    description: 'One-time join codes requested from one client address within an hour (default 10; 1–10000).',
  },
  {
    name: 'ServiceBusConnection__fullyQualifiedNamespace',
    required: false,
    where: 'azure',
    example: 'sb-waitlist-dev.servicebus.windows.net',
    description: 'Service Bus namespace, reached with the managed identity (the queue trigger reads the same setting).',
  },
  {
    name: 'ServiceBusConnection',
    required: false,
    where: 'local',
    example:
      'Endpoint=sb://127.0.0.1:5672;SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey=SAS_KEY_VALUE;UseDevelopmentEmulator=true',
    description:
      'Connection string, accepted only for the local emulator (UseDevelopmentEmulator=true). One of this or the namespace is required.',
  },
  {
    name: 'NOTIFICATIONS_QUEUE',
    required: false,
    where: 'both',
    example: 'notifications',
    description: 'Service Bus queue of notifications to send (default `notifications`).',
  },
  {
    name: 'ACS_ENDPOINT',
    required: false,
    where: 'azure',
    example: 'https://acs-waitlist-dev.communication.azure.com',
    description: 'Azure Communication Services endpoint, reached with the managed identity.',
  },
  {
    name: 'ACS_CONNECTION_STRING',
    required: false,
    where: 'local',
    example: 'endpoint=http://127.0.0.1:7072/;accesskey=…',
    description: 'HMAC connection string, accepted only for a loopback SMS emulator. One of this or ACS_ENDPOINT is required.',
  },
  {
    name: 'SMS_FROM_NUMBER',
    required: true,
    where: 'both',
    example: '+18005550100',
    description: 'The E.164 number (or alphanumeric sender id) texts are sent from.',
  },
  {
    name: 'SMS_LIMIT_PER_PARTY_PER_DAY',
    required: false,
    where: 'both',
    example: '3',
    description: '"Table ready" texts (the first and each re-page) one party may get in a UTC day (default 3, range 1–20).',
  },
  {
    name: 'SMS_LIMIT_PER_NUMBER_PER_DAY',
    required: false,
    where: 'both',
    example: '10',
    description: 'Texts of any kind one phone number may get in a UTC day, across all restaurants (default 10, range 1–1000).',
  },
  {
    name: 'SMS_LIMIT_PER_RESTAURANT_PER_DAY',
    required: false,
    where: 'both',
    example: '1000',
    description: 'Texts of any kind one restaurant may send in a UTC day (default 1000, range 1–10000).',
  },
  {
    name: 'UPLOADS_BLOB_ENDPOINT',
    required: true,
    where: 'both',
    example: 'https://stupexample.blob.core.windows.net/',
    description:
      'Blob endpoint of the uploads storage account (https: user-delegation keys need it), reached with the managed identity; locally Azurite (`https://127.0.0.1:PORT/devstoreaccount1`).',
  },
  {
    name: 'UPLOADS_CONTAINER',
    required: false,
    where: 'both',
    example: 'uploads',
    description: 'Container of restaurant pictures and menus (default `uploads`).',
  },
  {
    name: 'CORS_ALLOWED_ORIGINS',
    required: false,
    where: 'local',
    example: 'http://localhost:5173',
    description:
      "Comma-separated origins (the staff SPA's) the local host answers CORS for, as infra/apim/policies/api.xml does in Azure, where APIM handles CORS. Empty: no CORS.",
  },
] as const;

const loopbackHosts = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);

const intSetting = (min: number, max: number, fallback: number) =>
  z
    .string()
    .regex(/^\d+$/, 'must be a whole number')
    .transform(Number)
    .pipe(z.number().int().min(min).max(max))
    .optional()
    .transform((value) => value ?? fallback);

const urlSetting = z.url({ protocol: /^https?$/ });

const settingsSchema = z
  .object({
    COSMOS_ENDPOINT: urlSetting,
    COSMOS_DATABASE: z
      .string()
      .regex(/^[A-Za-z0-9_-]{1,255}$/)
      .optional()
      .transform((v) => v ?? 'waitlist'),
    COSMOS_KEY: z.string().min(1).optional(),
    AZURE_CLIENT_ID: z.uuid().optional(),
    JWT_ISSUER: urlSetting,
    JWT_AUDIENCE: z.string().min(1),
    JWT_SIGNING_KEYS: z.string().min(2),
    ACCESS_TOKEN_TTL_SECONDS: intSetting(60, 3600, 900),
    REFRESH_TOKEN_TTL_DAYS: intSetting(1, 365, 30),
    PASSWORD_HASH_COST: intSetting(10, 20, 16),
    STATUS_PAGE_BASE_URL: urlSetting,
    STATUS_LINK_LIFETIME_HOURS: intSetting(1, 168, 12),
    JOIN_LINK_BASE_URL: urlSetting.optional(),
    JOIN_CODES_PER_NUMBER_PER_HOUR: intSetting(1, 100, 3),
    JOIN_CODES_PER_ADDRESS_PER_HOUR: intSetting(1, 10_000, 10),
    ServiceBusConnection__fullyQualifiedNamespace: z
      .string()
      .regex(/^[A-Za-z0-9.-]+$/, 'must be a host name such as sb-name.servicebus.windows.net')
      .optional(),
    ServiceBusConnection: z
      .string()
      .includes('UseDevelopmentEmulator=true', {
        error:
          'is accepted only for the local emulator (UseDevelopmentEmulator=true); in Azure set ServiceBusConnection__fullyQualifiedNamespace',
      })
      .optional(),
    NOTIFICATIONS_QUEUE: z
      .string()
      .regex(/^[A-Za-z0-9._-]{1,260}$/)
      .optional()
      .transform((v) => v ?? 'notifications'),
    ACS_ENDPOINT: z.url({ protocol: /^https$/ }).optional(),
    ACS_CONNECTION_STRING: z
      .string()
      .regex(
        /^endpoint=https?:\/\/(127\.0\.0\.1|localhost)[:/]/i,
        'is accepted only for a loopback SMS emulator; in Azure set ACS_ENDPOINT',
      )
      .optional(),
    SMS_FROM_NUMBER: z
      .string()
      .regex(/^(\+[1-9]\d{6,14}|[A-Za-z][A-Za-z0-9 ]{0,10})$/, 'must be an E.164 number or an alphanumeric sender id'),
    SMS_LIMIT_PER_PARTY_PER_DAY: intSetting(1, 20, defaultSendLimits.perPartyPerDay),
    SMS_LIMIT_PER_NUMBER_PER_DAY: intSetting(1, 1000, defaultSendLimits.perNumberPerDay),
    SMS_LIMIT_PER_RESTAURANT_PER_DAY: intSetting(1, 10_000, defaultSendLimits.perRestaurantPerDay),
    UPLOADS_BLOB_ENDPOINT: z.url({ protocol: /^https$/, error: 'must be an https URL (user-delegation keys are only issued over https)' }),
    UPLOADS_CONTAINER: z
      .string()
      .regex(/^[a-z0-9](?!.*--)[a-z0-9-]{1,61}[a-z0-9]$/, 'must be a container name: 3–63 lowercase letters, digits and single hyphens')
      .optional()
      .transform((v) => v ?? 'uploads'),
    CORS_ALLOWED_ORIGINS: z
      .string()
      .transform((value) => value.split(',').map((origin) => origin.trim()))
      .refine(
        (origins) =>
          origins.every(
            (origin) => URL.canParse(origin) && /^https?:$/.test(new URL(origin).protocol) && new URL(origin).origin === origin,
          ),
        'must be comma-separated origins such as http://localhost:5173 (scheme, host and port; no path, no *)',
      )
      .optional()
      .transform((origins) => origins ?? []),
  })
  .superRefine((settings, ctx) => {
    if ((settings.ServiceBusConnection === undefined) === (settings.ServiceBusConnection__fullyQualifiedNamespace === undefined)) {
      ctx.addIssue({
        code: 'custom',
        path: ['ServiceBusConnection__fullyQualifiedNamespace'],
        message: 'or ServiceBusConnection (local emulator only): set exactly one',
      });
    }
    if ((settings.ACS_ENDPOINT === undefined) === (settings.ACS_CONNECTION_STRING === undefined)) {
      ctx.addIssue({ code: 'custom', path: ['ACS_ENDPOINT'], message: 'or ACS_CONNECTION_STRING (local emulator only): set exactly one' });
    }
    if (
      settings.COSMOS_KEY !== undefined &&
      URL.canParse(settings.COSMOS_ENDPOINT) &&
      !loopbackHosts.has(new URL(settings.COSMOS_ENDPOINT).hostname)
    ) {
      ctx.addIssue({
        code: 'custom',
        path: ['COSMOS_KEY'],
        message:
          'is only accepted for a local emulator (COSMOS_ENDPOINT on a loopback address); in Azure remove it and grant the managed identity a Cosmos DB data role',
      });
    }
  });

export interface SigningKey {
  readonly kid: string;
  readonly privateJwk: Readonly<Record<string, unknown>>;
}

export interface Config {
  readonly cosmos: {
    readonly endpoint: string;
    readonly database: string;
    /** Present only for a loopback emulator (validated). */
    readonly key: string | undefined;
    readonly managedIdentityClientId: string | undefined;
  };
  readonly jwt: {
    readonly issuer: string;
    readonly audience: string;
    readonly signingKeys: readonly SigningKey[];
    readonly accessTokenTtlSeconds: number;
    readonly refreshTokenTtlDays: number;
  };
  readonly passwordHashCost: number;
  readonly statusPageBaseUrl: string;
  readonly statusLinkLifetimeHours: number;
  readonly joins: {
    /** Where a join link opens: the web app's join page. */
    readonly linkBaseUrl: string;
    /** The API's `v1/join/` (the QR code's SVG lives there). */
    readonly apiBaseUrl: string;
    readonly codesPerNumberPerHour: number;
    readonly codesPerAddressPerHour: number;
  };
  readonly serviceBus: {
    readonly queue: string;
    /** Exactly one of the two (validated): a namespace in Azure, an emulator connection string locally. */
    readonly fullyQualifiedNamespace: string | undefined;
    readonly emulatorConnectionString: string | undefined;
  };
  readonly sms: {
    readonly endpoint: string | undefined;
    readonly emulatorConnectionString: string | undefined;
    readonly from: string;
    /** What the restaurant's number may send (src/domain/send-limits.ts). */
    readonly limits: SendLimits;
  };
  readonly uploads: {
    readonly blobEndpoint: string;
    readonly container: string;
  };
  /** Only the local host reads it: in Azure, API Management answers CORS (infra/apim/policies/api.xml). */
  readonly cors: { readonly allowedOrigins: readonly string[] };
}

export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}\nSee the settings reference in README.md.`);
    this.name = 'ConfigError';
  }
}

const privateJwkSchema = z.looseObject({
  kty: z.literal('EC'),
  crv: z.literal('P-256'),
  kid: z.string().min(1),
  d: z.string().min(1),
  x: z.string().min(1),
  y: z.string().min(1),
});

/** Signs and verifies a probe so a corrupt or mismatched key stops the app at start, not at the first sign-in. */
function isUsableSigningKey(jwk: JsonWebKey): boolean {
  try {
    const probe = Buffer.from('waitlist signing key check');
    const signature = sign('sha256', probe, createPrivateKey({ key: jwk, format: 'jwk' }));
    return verify('sha256', probe, createPublicKey({ key: { kty: 'EC', crv: jwk.crv, x: jwk.x, y: jwk.y }, format: 'jwk' }), signature);
  } catch {
    return false;
  }
}

function parseSigningKeys(raw: string): SigningKey[] | string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    return 'JWT_SIGNING_KEYS is not valid JSON (expected an array of ES256 private JWKs)';
  }
  const result = z.array(privateJwkSchema).min(1).safeParse(parsed);
  if (!result.success) {
    return 'JWT_SIGNING_KEYS must be a non-empty JSON array of EC P-256 private JWKs, each with kid, d, x and y';
  }
  const unusable = result.data.find((jwk) => !isUsableSigningKey(jwk));
  if (unusable !== undefined) return `JWT_SIGNING_KEYS key ${unusable.kid} is not a usable P-256 private key (d must match x and y)`;
  const kids = result.data.map((k) => k.kid);
  if (new Set(kids).size !== kids.length) return 'JWT_SIGNING_KEYS has two keys with the same kid';
  return result.data.map((jwk) => ({ kid: jwk.kid, privateJwk: jwk }));
}

const withSlash = (url: string) => (url.endsWith('/') ? url : `${url}/`);

/** Reads and validates the settings; throws a ConfigError naming every bad or missing setting. */
export function loadConfig(env: Readonly<Record<string, string | undefined>> = process.env): Config {
  const known = Object.fromEntries(settingsReference.map((s) => [s.name, env[s.name] === '' ? undefined : env[s.name]]));
  const result = settingsSchema.safeParse(known);
  if (!result.success) {
    throw new ConfigError(
      result.error.issues.map((issue) => {
        const name = String(issue.path[0] ?? 'settings');
        const unset = env[name] === undefined || env[name] === '';
        if (issue.code === 'custom') return `${name} ${unset ? 'is not set ' : ''}${issue.message}`;
        return unset ? `${name} is required but not set` : `${name} ${issue.message}`;
      }),
    );
  }
  const s = result.data;
  const signingKeys = parseSigningKeys(s.JWT_SIGNING_KEYS);
  if (typeof signingKeys === 'string') throw new ConfigError([signingKeys]);
  return {
    cosmos: { endpoint: s.COSMOS_ENDPOINT, database: s.COSMOS_DATABASE, key: s.COSMOS_KEY, managedIdentityClientId: s.AZURE_CLIENT_ID },
    jwt: {
      issuer: s.JWT_ISSUER.replace(/\/$/, ''),
      audience: s.JWT_AUDIENCE,
      signingKeys,
      accessTokenTtlSeconds: s.ACCESS_TOKEN_TTL_SECONDS,
      refreshTokenTtlDays: s.REFRESH_TOKEN_TTL_DAYS,
    },
    passwordHashCost: s.PASSWORD_HASH_COST,
    statusPageBaseUrl: s.STATUS_PAGE_BASE_URL,
    statusLinkLifetimeHours: s.STATUS_LINK_LIFETIME_HOURS,
    joins: {
      linkBaseUrl: s.JOIN_LINK_BASE_URL ?? new URL('/j/', s.STATUS_PAGE_BASE_URL).href,
      // The API's own join routes (the QR code's SVG), beside the status links.
      apiBaseUrl: new URL('../join/', withSlash(s.STATUS_PAGE_BASE_URL)).href,
      codesPerNumberPerHour: s.JOIN_CODES_PER_NUMBER_PER_HOUR,
      codesPerAddressPerHour: s.JOIN_CODES_PER_ADDRESS_PER_HOUR,
    },
    serviceBus: {
      queue: s.NOTIFICATIONS_QUEUE,
      fullyQualifiedNamespace: s.ServiceBusConnection__fullyQualifiedNamespace,
      emulatorConnectionString: s.ServiceBusConnection,
    },
    sms: {
      endpoint: s.ACS_ENDPOINT,
      emulatorConnectionString: s.ACS_CONNECTION_STRING,
      from: s.SMS_FROM_NUMBER,
      limits: {
        perPartyPerDay: s.SMS_LIMIT_PER_PARTY_PER_DAY,
        perNumberPerDay: s.SMS_LIMIT_PER_NUMBER_PER_DAY,
        perRestaurantPerDay: s.SMS_LIMIT_PER_RESTAURANT_PER_DAY,
      },
    },
    uploads: { blobEndpoint: s.UPLOADS_BLOB_ENDPOINT, container: s.UPLOADS_CONTAINER },
    cors: { allowedOrigins: s.CORS_ALLOWED_ORIGINS },
  };
}
