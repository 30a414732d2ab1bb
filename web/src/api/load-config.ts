import { ConfigError, parseRuntimeConfig, type RuntimeConfig } from './config.js';

/** Fetches /config.json from the site that served the app (never cached: a deployment may rewrite it). */
export async function loadRuntimeConfig(): Promise<RuntimeConfig> {
  const response = await fetch('/config.json', { cache: 'no-store' });
  if (!response.ok) throw new ConfigError(`config.json could not be loaded (HTTP ${response.status}).`);
  return parseRuntimeConfig(await response.json(), window.location.href);
}
