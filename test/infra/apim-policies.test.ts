/**
 * The API Management policy files are plain XML loaded verbatim by the Bicep (bicep.test.ts checks
 * that, and that the named values they use exist). Here: they are well-formed, every section keeps
 * <base />, and validate-jwt checks the token against the app's own issuer, audience and discovery
 * document on every route but the anonymous ones.
 */
import { readFileSync } from 'node:fs';
import { access, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { describe, expect, it, type TestContext } from 'vitest';
import { securityHeaders } from '../../src/functions/http/problem.js';
import { loadOpenApi, resolve, type ResponseObject } from '../support/openapi.js';
import { isObject, type Json, type JsonObject, repoRoot } from './arm.js';

const policiesDir = join(repoRoot, 'infra', 'apim', 'policies');
const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@', preserveOrder: false, commentPropName: '#comment' });

async function policyFiles(): Promise<string[]> {
  return (await readdir(policiesDir)).filter((name) => name.endsWith('.xml')).sort();
}

async function parse(name: string): Promise<JsonObject> {
  const document = parser.parse(await readFile(join(policiesDir, name), 'utf8')) as Json;
  if (!isObject(document) || !isObject(document.policies)) throw new Error(`${name} has no <policies> root`);
  return document.policies;
}

/** Every element named `name` anywhere below `node`. */
function find(node: Json | undefined, name: string): JsonObject[] {
  if (Array.isArray(node)) return node.flatMap((item) => find(item, name));
  if (!isObject(node)) return [];
  return Object.entries(node).flatMap(([key, value]) => {
    const here = key === name ? (Array.isArray(value) ? value : [value]).filter(isObject) : [];
    return [...here, ...find(value, name)];
  });
}

/** Text of a leaf element, which the parser gives as a string, or as `#text` when it has attributes. */
function text(node: Json | undefined): string | undefined {
  if (typeof node === 'string') return node;
  return isObject(node) && typeof node['#text'] === 'string' ? node['#text'] : undefined;
}

/**
 * The path prefixes (or exact paths) of each route class api.xml's routeClass variable names:
 * `public` (no key, no token) and `auth` (a subscription key, no token); everything else is protected.
 */
async function routeClasses(): Promise<Record<'public' | 'auth', string[]>> {
  const routing = find((await parse('api.xml')).inbound, 'set-variable').find((v) => v['@name'] === 'routeClass');
  const expression = routing?.['@value'];
  if (typeof expression !== 'string') throw new Error('api.xml sets no routeClass variable');
  const classes: Record<'public' | 'auth', string[]> = { public: [], auth: [] };
  for (const [, condition = '', name] of expression.matchAll(/if \(([^{]+)\)\s*\{\s*return "(\w+)";/g)) {
    if (name !== 'public' && name !== 'auth') throw new Error(`api.xml: unknown route class ${String(name)}`);
    classes[name].push(...[...condition.matchAll(/StartsWith\("([^"]+)"\)|path == "([^"]+)"/g)].map((m) => String(m[1] ?? m[2])));
  }
  return classes;
}

/** The path prefixes (or exact paths) api.xml exempts from validate-jwt. */
async function anonymousRoutes(): Promise<string[]> {
  const classes = await routeClasses();
  return [...classes.public, ...classes.auth];
}

describe('APIM policy files', () => {
  it('are well-formed XML with the four sections, each calling <base />', async () => {
    const files = await policyFiles();
    expect(files).toEqual(['api.xml', 'product-client-apps.xml', 'product-staff-spa.xml']);
    for (const file of files) {
      const content = await readFile(join(policiesDir, file), 'utf8');
      // fast-xml-validator, the successor, is not a dependency; this is the same validator.
      // eslint-disable-next-line @typescript-eslint/no-deprecated
      expect(XMLValidator.validate(content), file).toBe(true);
      const policies = await parse(file);
      for (const section of ['inbound', 'backend', 'outbound', 'on-error']) {
        const element = policies[section];
        expect(isObject(element) && 'base' in element, `${file} <${section}> must contain <base />`).toBe(true);
      }
    }
  });

  it('validate the JWT with the issuer, audience and discovery document the app publishes', async () => {
    const api = await parse('api.xml');
    const [validate, ...others] = find(api, 'validate-jwt');
    expect(others).toEqual([]);
    expect(validate).toMatchObject({
      '@header-name': 'Authorization',
      '@require-scheme': 'Bearer',
      '@require-signed-tokens': 'true',
      '@require-expiration-time': 'true',
    });
    // JWT_ISSUER is `<gateway>/api` (checked in bicep.test.ts), so this is the app's route
    // /api/.well-known/openid-configuration, reached through the gateway.
    expect(find(validate, 'openid-config').map((c) => c['@url'])).toEqual(['{{jwt-issuer}}/.well-known/openid-configuration']);
    expect(find(validate, 'issuers').map((i) => text(i.issuer))).toEqual(['{{jwt-issuer}}']);
    expect(find(validate, 'audiences').map((a) => text(a.audience))).toEqual(['{{jwt-audience}}']);
  });

  it('leave exactly the anonymous routes without token validation', async () => {
    const inbound = (await parse('api.xml')).inbound;
    expect((await anonymousRoutes()).sort()).toEqual([
      '/api/.well-known/',
      '/api/health',
      '/api/openapi.json',
      '/api/v1/auth/',
      '/api/v1/join/',
      '/api/v1/status/',
    ]);
    // validate-jwt sits only in the <otherwise> branch, after the public and auth routes.
    const choose = find(inbound, 'choose')[0];
    expect(find(choose?.when, 'validate-jwt')).toEqual([]);
    expect(find(choose?.otherwise, 'validate-jwt')).toHaveLength(1);
  });

  it('rate-limit every product and answer token failures as problem+json', async () => {
    for (const file of ['product-client-apps.xml', 'product-staff-spa.xml']) {
      const inbound = (await parse(file)).inbound;
      expect(find(inbound, 'rate-limit').length + find(inbound, 'rate-limit-by-key').length, file).toBe(1);
      expect(find(inbound, 'quota'), file).toHaveLength(1);
    }
    const onError = (await parse('api.xml'))['on-error'];
    const contentTypes = find(onError, 'set-header').filter((h) => h['@name'] === 'Content-Type');
    // The token endpoint's answers are RFC 6749 errors, as the app's are.
    expect(contentTypes.map((h) => text(h.value))).toEqual(['application/problem+json', 'application/json', 'application/problem+json']);
  });
});

/** An attribute's value, or '' when the element lacks it. */
const attribute = (element: JsonObject, name: string): string => {
  const value = element[`@${name}`];
  return typeof value === 'string' ? value : '';
};

/** The `name → value` headers a policy element sets directly (not in nested elements). */
function headersSet(element: JsonObject): Record<string, string | undefined> {
  const setHeaders = element['set-header'];
  const list = (Array.isArray(setHeaders) ? setHeaders : [setHeaders]).filter(isObject);
  return Object.fromEntries(list.map((h) => [attribute(h, 'name').toLowerCase(), text(h.value)]));
}

describe("the gateway's own answers", () => {
  const contract = JSON.parse(readFileSync(join(repoRoot, 'openapi', 'openapi.json'), 'utf8')) as {
    components: {
      schemas: { Problem: { properties: { type: { enum: string[] } } }; OAuthError: { properties: { error: { enum: string[] } } } };
    };
  };

  it('carry the security headers the app sends, a correlation id, and a body of a type the contract lists', async () => {
    const api = await parse('api.xml');
    const answers = [...find(api.inbound, 'return-response'), ...find(api['on-error'], 'return-response')];
    expect(answers).toHaveLength(5);
    for (const answer of answers) {
      const headers = headersSet(answer);
      const where = `return-response ${JSON.stringify(answer['set-status'])}`;
      expect(headers, where).toMatchObject(securityHeaders);
      expect(headers['x-correlation-id'], where).toBe('@(context.RequestId.ToString())');
      const body = text(answer['set-body']) ?? '';
      expect(body, where).toContain('new JProperty("correlationId", context.RequestId.ToString())');
      if (headers['content-type'] === 'application/problem+json') {
        const type = /"(urn:waitlist:problem:[a-z-]+)"/.exec(body)?.[1];
        expect(contract.components.schemas.Problem.properties.type.enum, where).toContain(type);
      } else {
        expect(headers['content-type'], where).toBe('application/json');
        const error = /JProperty\("error", "([a-z_]+)"\)/.exec(body)?.[1];
        expect(contract.components.schemas.OAuthError.properties.error.enum, where).toContain(error);
      }
    }
  });

  it('add the security headers to every other response, keeping the values the app chose', async () => {
    const api = await parse('api.xml');
    const outbound = find(api.outbound, 'set-header').filter((h) => attribute(h, 'name').toLowerCase() in securityHeaders);
    expect(Object.fromEntries(outbound.map((h) => [attribute(h, 'name').toLowerCase(), text(h.value)]))).toEqual(securityHeaders);
    expect(outbound.map((h) => h['@exists-action'])).toEqual(['skip', 'skip', 'skip']);
    const onError = api['on-error'];
    if (!isObject(onError)) throw new Error('api.xml has no <on-error>');
    expect(headersSet(onError)).toEqual(securityHeaders);
  });

  it('answer a rate limit with 429 and the Retry-After the limit computed, and name the limit headers the contract documents', async () => {
    const api = await parse('api.xml');
    const rateLimited = find(api['on-error'], 'when').filter((w) => attribute(w, 'condition').includes('"RateLimitExceeded"'));
    expect(rateLimited).toHaveLength(2);
    for (const when of rateLimited) {
      const [answer] = find(when, 'return-response');
      expect(find(answer, 'set-status').map((st) => st['@code'])).toEqual(['429']);
      expect(headersSet(answer ?? {})['retry-after']).toBe('@(context.Variables.GetValueOrDefault("retryAfterSeconds", 60).ToString())');
    }
    const limits = [];
    for (const file of await policyFiles()) {
      const policies = await parse(file);
      limits.push(...[...find(policies, 'rate-limit'), ...find(policies, 'rate-limit-by-key')].map((limit) => ({ file, limit })));
    }
    expect(limits).toHaveLength(4);
    for (const { file, limit } of limits) expect(limit['@retry-after-variable-name'], file).toBe('retryAfterSeconds');
    // Every limit but the auth routes' extra per-IP one names the headers; the auth routes get the product's.
    const named = limits.filter(({ limit }) => limit['@total-calls-header-name'] !== undefined);
    expect(named.map(({ file }) => file).sort()).toEqual(['api.xml', 'product-client-apps.xml', 'product-staff-spa.xml']);
    const doc = loadOpenApi();
    const documented = doc.paths['/v1/me']?.get?.responses['200'];
    const responseHeaders = Object.keys(documented === undefined ? {} : (resolve<ResponseObject>(doc, documented).headers ?? {}));
    for (const { limit } of named) {
      expect(responseHeaders).toContain(limit['@total-calls-header-name']);
      expect(responseHeaders).toContain(limit['@remaining-calls-header-name']);
    }
  });
});

describe('rate limit and quota counters', () => {
  // API Management keeps one counter per key value across every scope and policy that uses it, so
  // two limits on the same bare key (the client IP) would count each other's calls.
  it('give each by-key limit a key with a prefix of its own', async () => {
    const prefixes: string[] = [];
    for (const file of await policyFiles()) {
      const policies = await parse(file);
      for (const limit of [...find(policies, 'rate-limit-by-key'), ...find(policies, 'quota-by-key')]) {
        const key = limit['@counter-key'];
        if (typeof key !== 'string') throw new Error(`${file}: a by-key limit without a counter-key`);
        // The first "<scope>:" literal the key is built on, e.g. @("auth:" + context.Request.IpAddress).
        const prefix = /"([a-z-]+):"\s*\+/.exec(key)?.[1];
        expect(prefix, `${file}: counter-key ${key} must start with a "<scope>:" literal`).toBeDefined();
        prefixes.push(String(prefix));
      }
    }
    expect(prefixes.length).toBeGreaterThanOrEqual(3);
    expect(new Set(prefixes).size, `prefixes ${prefixes.join(', ')}`).toBe(prefixes.length);
  });
});

describe('the OpenAPI document API Management imports', () => {
  const documentPath = join(repoRoot, 'openapi', 'openapi.json');

  async function document(): Promise<JsonObject | undefined> {
    const present = await access(documentPath).then(
      () => true,
      () => false,
    );
    if (!present) return undefined;
    const parsed = JSON.parse(await readFile(documentPath, 'utf8')) as Json;
    return isObject(parsed) ? parsed : undefined;
  }

  it('has paths relative to the /api gateway path, and nothing API Management cannot import', async (ctx: TestContext) => {
    const openApi = await document();
    if (openApi === undefined) ctx.skip('openapi/openapi.json is not written yet');
    expect(openApi.openapi).toMatch(/^3\.(0|1)\./);
    const paths = Object.keys(isObject(openApi.paths) ? openApi.paths : {});
    expect(paths.length).toBeGreaterThan(0);
    for (const path of paths) expect(path.startsWith('/api/'), path).toBe(false);
    const text = JSON.stringify(openApi);
    // API Management's 3.1 import still expects the 3.0 boolean forms of these keywords.
    expect(text).not.toMatch(/"exclusive(Minimum|Maximum)":\s*-?\d/);
    // External references cannot be resolved by an inline import.
    expect(text).not.toMatch(/"\$ref":\s*"(?!#)/);
  });

  it('asks for a bearer token exactly where the gateway validates one, and for a key exactly where it demands one', async (ctx: TestContext) => {
    const openApi = await document();
    if (openApi === undefined) ctx.skip('openapi/openapi.json is not written yet');
    const classes = await routeClasses();
    const within = (routes: readonly string[], path: string): boolean =>
      routes.some((route) => (route.endsWith('/') ? `/api${path}`.startsWith(route) : `/api${path}` === route));
    const requirementsOf = (operation: JsonObject): Json[] =>
      Array.isArray(operation.security) ? operation.security : Array.isArray(openApi.security) ? openApi.security : [];
    // Every alternative requirement names the scheme (an empty list names none).
    const needs = (requirements: Json[], scheme: string): boolean =>
      requirements.length > 0 && requirements.every((requirement) => isObject(requirement) && scheme in requirement);
    for (const [path, item] of Object.entries(isObject(openApi.paths) ? openApi.paths : {})) {
      for (const [method, operation] of Object.entries(isObject(item) ? item : {})) {
        if (!isObject(operation) || !('responses' in operation)) continue;
        const requirements = requirementsOf(operation);
        const where = `${method.toUpperCase()} ${path}`;
        expect(needs(requirements, 'bearerAuth'), `${where}: bearerAuth in OpenAPI must match validate-jwt in api.xml`).toBe(
          !within([...classes.public, ...classes.auth], path),
        );
        expect(needs(requirements, 'subscriptionKey'), `${where}: subscriptionKey in OpenAPI must match api.xml`).toBe(
          !within(classes.public, path),
        );
        // An empty alternative (`{}`) lets a caller send nothing: a public route that also takes an optional token.
        const needsNothing = requirements.length === 0 || requirements.some((r) => isObject(r) && Object.keys(r).length === 0);
        expect(needsNothing, `${where}: only public routes need nothing`).toBe(within(classes.public, path));
      }
    }
  });
});
