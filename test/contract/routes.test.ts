import { describe, expect, it } from 'vitest';
import { functions } from '../../src/functions/catalog.js';
import { methodsOf } from '../../src/functions/http/dispatch.js';
import type { HttpFunction } from '../../src/functions/catalog-types.js';
import {
  documentedOperations,
  loadOpenApi,
  requiresScheme,
  resolve,
  type ParameterObject,
  type ResponseObject,
} from '../support/openapi.js';

const doc = loadOpenApi();

/** `v1/things/{id:guid}` (Azure Functions route, relative to `api/`) → `/v1/things/{id}` (OpenAPI path under the `/api` server). */
const openApiPathOf = (route: string): string => `/${route.replace(/\{(\w+)(?::[^}]*)?\??\}/g, '{$1}')}`;

const catalog = functions
  .filter((f): f is HttpFunction => f.kind === 'http')
  .flatMap((fn) => methodsOf(fn).map((method) => ({ key: `${method} ${openApiPathOf(fn.route)}`, fn })));
const catalogKeys = catalog.map((c) => c.key).sort();
const documented = documentedOperations(doc);
const documentedKeys = documented.map((o) => `${o.method.toUpperCase()} ${o.path}`).sort();
const oauthTokenPath = '/v1/auth/token';

/** The component schemas a response schema names: a `$ref`, or each branch of a `oneOf`. */
function schemaRefs(schema: unknown): string[] {
  if (typeof schema !== 'object' || schema === null) return [];
  if ('$ref' in schema && typeof schema.$ref === 'string') return [schema.$ref];
  return 'oneOf' in schema && Array.isArray(schema.oneOf) ? schema.oneOf.flatMap(schemaRefs) : [];
}

describe('the OpenAPI document and the function catalog', () => {
  it('serves everything under the /api server', () => {
    expect(doc.servers?.map((s) => s.url)).toEqual(['/api']);
  });

  it('documents every route and method of the catalog', () => {
    expect(catalogKeys.filter((key) => !documentedKeys.includes(key))).toEqual([]);
  });

  it('documents nothing the catalog does not serve', () => {
    expect(documentedKeys.filter((key) => !catalogKeys.includes(key))).toEqual([]);
  });

  it('has one operation per catalog entry and unique operationIds', () => {
    expect(documentedKeys).toEqual(catalogKeys);
    const ids = documented.map((o) => o.operation.operationId);
    expect(new Set(ids).size).toBe(ids.length);
  });
});

describe('each operation documents the responses its inputs imply', () => {
  it.each(documented.map((o) => [`${o.method.toUpperCase()} ${o.path}`, o] as const))('%s', (_key, { path, operation }) => {
    const statuses = Object.keys(operation.responses);
    // Anything API Management guards (a token, a subscription key or both) can answer 401.
    const isPublic = !requiresScheme(doc, operation, 'bearerAuth') && !requiresScheme(doc, operation, 'subscriptionKey');
    const parameters = (operation.parameters ?? []).map((p) => resolve<ParameterObject>(doc, p));
    const validated = parameters.some((p) => p.in === 'path' || p.in === 'query' || p.name === 'Idempotency-Key');

    // Path parameters in the template are exactly the documented ones.
    const templateNames = [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
    expect(
      parameters
        .filter((p) => p.in === 'path')
        .map((p) => p.name)
        .sort(),
    ).toEqual(templateNames);

    expect(statuses.some((s) => s.startsWith('2'))).toBe(true);
    expect(statuses).toContain('500');
    if (!isPublic) expect(statuses).toContain('401');
    // The OAuth token endpoint answers every unreadable request with 400 invalid_request (RFC 6749 §5.2).
    const oauth = path === oauthTokenPath;
    if (oauth) expect(statuses.filter((s) => s === '413' || s === '415')).toEqual([]);
    if (operation.requestBody !== undefined) expect(statuses).toEqual(expect.arrayContaining(oauth ? ['400'] : ['400', '413', '415']));
    else if (validated) expect(statuses).toContain('400');

    // Every error response is problem+json with a Problem schema (the token endpoint's are OAuth
    // errors); every response has the correlation id header.
    for (const [status, responseOrRef] of Object.entries(operation.responses)) {
      const response = resolve<ResponseObject>(doc, responseOrRef);
      expect(response.headers?.['x-correlation-id'], `${status} x-correlation-id`).toBeDefined();
      if (Number(status) < 400) continue;
      const mediaType = oauth ? 'application/json' : 'application/problem+json';
      // The status link opens in a phone's browser: a link that no longer works is a page there, and
      // so is a failed post of its forms (content negotiation).
      const statusPage = path === '/v1/status/{token}' && status === '404';
      const statusForm = /^\/v1\/status\/\{token\}\/(on-my-way|leave)$/.test(path) && (status === '404' || status === '409');
      const page = statusPage || statusForm ? ['text/html'] : [];
      expect(Object.keys(response.content ?? {}), status).toEqual([mediaType, ...page]);
      const refs = schemaRefs(response.content?.[mediaType]?.schema);
      expect(refs.length, `${status} schema`).toBeGreaterThan(0);
      for (const ref of refs)
        expect(ref, status).toMatch(oauth ? /^#\/components\/schemas\/OAuthError$/ : /^#\/components\/schemas\/\w*Problem$/);
    }
  });

  const keysWhere = (test: (operation: (typeof documented)[number]['operation']) => boolean): string[] =>
    documented
      .filter((o) => test(o.operation))
      .map((o) => `${o.method.toUpperCase()} ${o.path}`)
      .sort();
  const publicRoutes = [
    'GET /.well-known/openid-configuration',
    'GET /.well-known/jwks.json',
    'GET /openapi.json',
    'GET /health',
    'GET /v1/status/{token}',
    'POST /v1/status/{token}/on-my-way',
    'POST /v1/status/{token}/leave',
    'GET /v1/join/{joinCode}',
    'POST /v1/join/{joinCode}',
    'POST /v1/join/{joinCode}/confirm',
    'GET /v1/join/{joinCode}/qr.svg',
  ];
  const authRoutes = ['POST /v1/auth/register', 'POST /v1/auth/token', 'POST /v1/auth/logout'];

  it('asks for a bearer token everywhere except on the public and auth routes', () => {
    expect(doc.security).toEqual([{ bearerAuth: [], subscriptionKey: [] }]);
    expect(keysWhere((operation) => !requiresScheme(doc, operation, 'bearerAuth'))).toEqual([...publicRoutes, ...authRoutes].sort());
  });

  it('asks for the API Management subscription key everywhere except on the public routes', () => {
    expect(doc.components.securitySchemes?.subscriptionKey).toMatchObject({
      type: 'apiKey',
      in: 'header',
      name: 'Ocp-Apim-Subscription-Key',
    });
    expect(keysWhere((operation) => !requiresScheme(doc, operation, 'subscriptionKey'))).toEqual([...publicRoutes].sort());
    // Starting a join is public, and also takes an optional bearer token (a customer whose phone is verified skips the code).
    const optionallySignedIn = ['POST /v1/join/{joinCode}'];
    expect(keysWhere((operation) => operation.security?.length === 0)).toEqual(
      publicRoutes.filter((k) => !optionallySignedIn.includes(k)).sort(),
    );
    expect(keysWhere((operation) => JSON.stringify(operation.security) === JSON.stringify([{}, { bearerAuth: [] }]))).toEqual(
      optionallySignedIn,
    );
  });
});
