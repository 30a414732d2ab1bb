import { DomainError } from '../domain/errors.js';
import { logout, passwordGrant, refreshGrant, register } from '../application/auth/sessions.js';
import { accessTokenAlgorithm } from '../application/auth/tokens.js';
import { userView } from '../application/views.js';
import type { HttpFunction } from './catalog-types.js';
import { endpoint } from './http/endpoint.js';
import { asOAuthError } from './http/oauth-error.js';
import { logoutBody, registerBody, tokenBody } from './schemas.js';

const noStore = { 'cache-control': 'no-store', pragma: 'no-cache' };

export const authFunctions: readonly HttpFunction[] = [
  {
    kind: 'http',
    name: 'auth-register',
    route: 'v1/auth/register',
    handlers: {
      POST: endpoint({
        auth: 'public',
        body: registerBody,
        handle: async ({ body, services }) => {
          const user = await register(services, { ...body, phone: body.phone ?? null });
          return { status: 201, body: userView(user, []), location: `/api/v1/me` };
        },
      }),
    },
  },
  {
    kind: 'http',
    name: 'auth-token',
    route: 'v1/auth/token',
    handlers: {
      POST: endpoint({
        auth: 'public',
        body: tokenBody,
        acceptsForm: true,
        renderFailure: asOAuthError,
        handle: async ({ body, services }) => {
          if (body.grant_type === 'refresh_token')
            return { status: 200, body: await refreshGrant(services, body.refresh_token), headers: noStore };
          const email = body.email ?? body.username;
          if (email === undefined)
            throw new DomainError('validation', 'The password grant needs an email (or RFC 6749 username) and a password.', {
              field: 'email',
            });
          return { status: 200, body: await passwordGrant(services, { email, password: body.password }), headers: noStore };
        },
      }),
    },
  },
  {
    kind: 'http',
    name: 'auth-logout',
    route: 'v1/auth/logout',
    handlers: {
      POST: endpoint({
        auth: 'public',
        body: logoutBody,
        acceptsForm: true,
        handle: async ({ body, services }) => {
          await logout(services, body.refresh_token);
          return { status: 204 };
        },
      }),
    },
  },
  {
    kind: 'http',
    name: 'openid-configuration',
    route: '.well-known/openid-configuration',
    handlers: {
      GET: endpoint({
        auth: 'public',
        handle: ({ services }) => {
          const issuer = services.config.jwt.issuer;
          return Promise.resolve({
            status: 200,
            headers: { 'cache-control': 'public, max-age=300' },
            // RFC 8414 metadata, only what is true: no authorization endpoint (so no response types),
            // no id tokens, and no revocation_endpoint (logout is not RFC 7009: it takes
            // `refresh_token` and answers 204). See docs/api.md, Discovery.
            body: {
              issuer,
              token_endpoint: `${issuer}/v1/auth/token`,
              jwks_uri: `${issuer}/.well-known/jwks.json`,
              grant_types_supported: ['password', 'refresh_token'],
              token_endpoint_auth_methods_supported: ['none'],
              response_types_supported: [],
              waitlist_access_token_audience: services.config.jwt.audience,
              waitlist_access_token_signing_alg_values_supported: [accessTokenAlgorithm],
            },
          });
        },
      }),
    },
  },
  {
    kind: 'http',
    name: 'jwks',
    route: '.well-known/jwks.json',
    handlers: {
      GET: endpoint({
        auth: 'public',
        handle: async ({ services }) => ({
          status: 200,
          headers: { 'cache-control': 'public, max-age=300' },
          body: await services.accessTokens.publicKeys(),
        }),
      }),
    },
  },
];
