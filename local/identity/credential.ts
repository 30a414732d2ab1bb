import type { AccessToken, TokenCredential } from '@azure/core-auth';
import type { IdentityEndpoint } from './endpoint.js';

/**
 * A TokenCredential that asks the local identity endpoint, with the request ManagedIdentityCredential
 * makes in App Service (see endpoint.ts). The stack hands it to the composition root instead of
 * setting IDENTITY_ENDPOINT: @azure/identity reads that from process.env once per process, and
 * test files share processes (vitest.config.ts), so every stack needs its own endpoint.
 */
export function localIdentityCredential(identity: Pick<IdentityEndpoint, 'endpoint' | 'header'>): TokenCredential {
  return {
    async getToken(scopes: string | string[]): Promise<AccessToken> {
      const scope = Array.isArray(scopes) ? (scopes[0] ?? '') : scopes;
      const url = new URL(identity.endpoint);
      url.searchParams.set('api-version', '2019-08-01');
      url.searchParams.set('resource', scope.replace(/\/\.default$/, ''));
      const response = await fetch(url, { headers: { 'x-identity-header': identity.header } });
      if (!response.ok) throw new Error(`the local identity endpoint answered ${response.status}: ${await response.text()}`);
      const body = (await response.json()) as { access_token: string; expires_on: string };
      return { token: body.access_token, expiresOnTimestamp: Number(body.expires_on) * 1000 };
    },
  };
}
