import createClient, { type Client } from 'openapi-fetch';
import type { RuntimeConfig } from './config.js';
import type { GrantResult, OAuthError, TokenEndpoint } from './session.js';
import type { paths } from './schema.js';

export type ApiClient = Client<paths>;

function subscriptionHeaders(config: RuntimeConfig): Record<string, string> {
  return config.subscriptionKey === undefined ? {} : { 'ocp-apim-subscription-key': config.subscriptionKey };
}

/** The typed client every screen uses: the session's token on each request, through `send`. */
export function createApiClient(config: RuntimeConfig, send: (request: Request) => Promise<Response>): ApiClient {
  return createClient<paths>({ baseUrl: config.apiBaseUrl, fetch: send, headers: subscriptionHeaders(config) });
}

function isOAuthError(body: unknown): body is OAuthError {
  return typeof body === 'object' && body !== null && typeof (body as Record<string, unknown>).error === 'string';
}

/** The token and logout endpoints, without a session (they are how one starts and ends). */
export function createTokenEndpoint(config: RuntimeConfig, send: (request: Request) => Promise<Response>): TokenEndpoint {
  const client = createApiClient(config, send);
  return {
    async grant(request): Promise<GrantResult> {
      const { data, error, response } = await client.POST('/v1/auth/token', { body: request });
      if (data !== undefined) return { tokens: data };
      const refused: OAuthError = isOAuthError(error)
        ? error
        : { error: 'server_error', error_description: `The sign-in service answered ${response.status}.`, correlationId: '' };
      return { refused, status: response.status };
    },
    async logout(refreshToken) {
      await client.POST('/v1/auth/logout', { body: { refresh_token: refreshToken } });
    },
  };
}
