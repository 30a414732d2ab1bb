import { randomUUID } from 'node:crypto';
import { exportJWK, generateKeyPair } from 'jose';

/** A fresh ES256 signing key for local runs: local tokens never outlive the process that made them. */
export async function generateSigningKeys(): Promise<string> {
  const { privateKey } = await generateKeyPair('ES256', { extractable: true });
  return JSON.stringify([{ ...(await exportJWK(privateKey)), kid: `local-${randomUUID().slice(0, 8)}` }]);
}

/** The app settings for the embedded stack, as the Functions host would read them from local.settings.json. */
export async function localAppSettings(options: {
  cosmosEndpoint: string;
  cosmosKey: string;
  baseUrl: string;
  serviceBusConnectionString: string;
  smsConnectionString: string;
  blobEndpoint: string;
  passwordHashCost?: number;
}): Promise<Record<string, string>> {
  return {
    COSMOS_ENDPOINT: options.cosmosEndpoint,
    COSMOS_KEY: options.cosmosKey,
    COSMOS_DATABASE: 'waitlist',
    JWT_ISSUER: `${options.baseUrl}/api`,
    JWT_AUDIENCE: 'api://waitlist',
    JWT_SIGNING_KEYS: await generateSigningKeys(),
    STATUS_PAGE_BASE_URL: `${options.baseUrl}/api/v1/status/`,
    ServiceBusConnection: options.serviceBusConnectionString,
    NOTIFICATIONS_QUEUE: 'notifications',
    ACS_CONNECTION_STRING: options.smsConnectionString,
    SMS_FROM_NUMBER: '+18005550100',
    UPLOADS_BLOB_ENDPOINT: options.blobEndpoint,
    UPLOADS_CONTAINER: 'uploads',
    // The SPA's dev server (Vite's default port), by either loopback name.
    CORS_ALLOWED_ORIGINS: 'http://localhost:5173,http://127.0.0.1:5173',
    ...(options.passwordHashCost === undefined ? {} : { PASSWORD_HASH_COST: String(options.passwordHashCost) }),
  };
}
