/**
 * What the SPA learns at start from `/config.json`, written by whoever serves it (the local host
 * answers with its own /api; the Azure deployment writes the gateway URL and the staff product's
 * subscription key). One build runs everywhere because nothing here is baked in at build time.
 */
export interface RuntimeConfig {
  /** Absolute base URL of the API, without a trailing slash (e.g. https://gw.example.net/api). */
  readonly apiBaseUrl: string;
  /** API Management subscription key of the staff product, sent as Ocp-Apim-Subscription-Key. */
  readonly subscriptionKey?: string;
}

export class ConfigError extends Error {}

/** Reads and checks the runtime config; a relative apiBaseUrl is taken relative to the page. */
export function parseRuntimeConfig(raw: unknown, pageUrl: string): RuntimeConfig {
  if (typeof raw !== 'object' || raw === null) throw new ConfigError('config.json must be a JSON object.');
  const { apiBaseUrl, subscriptionKey } = raw as Record<string, unknown>;
  if (typeof apiBaseUrl !== 'string' || apiBaseUrl === '') throw new ConfigError('config.json needs apiBaseUrl, the API base URL.');
  if (subscriptionKey !== undefined && typeof subscriptionKey !== 'string')
    throw new ConfigError('config.json: subscriptionKey must be a string when present.');
  const base = new URL(apiBaseUrl, pageUrl).toString().replace(/\/+$/, '');
  return subscriptionKey === undefined || subscriptionKey === '' ? { apiBaseUrl: base } : { apiBaseUrl: base, subscriptionKey };
}
