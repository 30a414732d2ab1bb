import { readFile } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { XMLParser } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { maxBodyBytes } from '../../src/functions/http/endpoint.js';
import { expectProblem } from '../support/problems.js';
import { Api, newVenue, useLocalStack, type ApiResponse, type Json } from '../support/stack.js';

/** HTTP at the edge of the local host, as RFC 9110 specifies it: odd methods, big headers and bodies, repeated parameters, headers. */

const stack = useLocalStack();
const api = () => new Api(stack().apiUrl);

interface RawAnswer {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: string;
  /** Body bytes written before the answer arrived. */
  readonly sent: number;
}

/** A request through node:http, which (unlike fetch) sends any method and streams a body until the server answers. */
function rawRequest(
  options: { method: string; path: string; headers?: Record<string, string>; streamBytes?: number },
  timeoutMs = 5_000,
): Promise<RawAnswer> {
  const url = new URL(`${stack().apiUrl}${options.path}`);
  return new Promise((resolve, reject) => {
    let sent = 0;
    let answered = false;
    const req = httpRequest({
      host: url.hostname,
      port: url.port,
      path: url.pathname + url.search,
      method: options.method,
      headers: options.headers,
    });
    const timer = setTimeout(() => {
      req.destroy();
      reject(new Error(`no answer within ${timeoutMs} ms (sent ${sent} bytes)`));
    }, timeoutMs);
    req.on('response', (response) => {
      answered = true;
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => {
        clearTimeout(timer);
        resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks).toString(), sent });
        req.destroy();
      });
    });
    req.on('error', (error) => {
      if (!answered) {
        clearTimeout(timer);
        reject(error);
      }
    });
    const total = options.streamBytes;
    if (total === undefined) {
      req.end();
      return;
    }
    req.flushHeaders();
    const chunk = Buffer.alloc(16 * 1024, 0x20);
    const pump = (): void => {
      while (!answered && sent < total) {
        sent += chunk.length;
        if (!req.write(chunk)) {
          req.once('drain', pump);
          return;
        }
      }
      if (!answered) req.end();
    };
    pump();
  });
}

const problemOf = (answer: RawAnswer): ApiResponse => {
  const headers = new Headers();
  for (const [name, value] of Object.entries(answer.headers)) if (typeof value === 'string') headers.set(name, value);
  return { status: answer.status, headers, body: JSON.parse(answer.body) as unknown };
};

describe('methods and sizes the API does not take', () => {
  it('answers TRACE and other methods a route does not take with 405 problem+json and Allow', async () => {
    for (const method of ['TRACE', 'PROPFIND', 'PURGE', 'OPTIONS']) {
      const answer = await rawRequest({ method, path: '/openapi.json' });
      expectProblem(problemOf(answer), 405, 'method-not-allowed');
      expect(answer.headers.allow, method).toBe('GET');
    }
    // HEAD answers carry no body (RFC 9110 §9.3.2): the status and Allow still say it.
    const head = await rawRequest({ method: 'HEAD', path: '/openapi.json' });
    expect([head.status, head.headers.allow, head.body]).toEqual([405, 'GET', '']);
  });

  it('answers headers over the Functions host limit (32 KiB) with 431 problem+json, and takes 20 KiB', async () => {
    const taken = await api().get('/openapi.json', { 'x-padding': 'a'.repeat(20 * 1024) });
    expect(taken.status).toBe(200);
    const answer = await rawRequest({ method: 'GET', path: '/openapi.json', headers: { 'x-padding': 'a'.repeat(40 * 1024) } });
    const problem = expectProblem(problemOf(answer), 431, 'headers-too-large');
    expect(problem.limit).toBe(32 * 1024);
  });

  it('answers 413 at once when Content-Length is over the limit, without waiting for the body', async () => {
    const answer = await rawRequest({
      method: 'POST',
      path: '/v1/auth/register',
      headers: { 'content-type': 'application/json', 'content-length': String(40 * 1024 * 1024) },
      streamBytes: 0,
    });
    expect(expectProblem(problemOf(answer), 413, 'payload-too-large').limit).toBe(maxBodyBytes);
  });

  it('stops reading a streamed body once it passes the limit and answers 413', async () => {
    const answer = await rawRequest({
      method: 'POST',
      path: '/v1/auth/register',
      headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked' },
      streamBytes: 40 * 1024 * 1024,
    });
    expect(expectProblem(problemOf(answer), 413, 'payload-too-large').limit).toBe(maxBodyBytes);
    // Socket buffers let the client write ahead a little; the host must not have waited for all 40 MiB.
    expect(answer.sent).toBeLessThan(16 * 1024 * 1024);
  });
});

describe('security headers on every API response', () => {
  const personal = async (): Promise<ApiResponse[]> => {
    const venue = await newVenue(api());
    const owner = venue.owner.api;
    return [
      await owner.get('/v1/me'),
      await owner.get('/v1/me/waitees'),
      await owner.get(`${venue.waitlistPath}/waitees`),
      await owner.get(`/v1/restaurants/${venue.restaurantId}/staff`),
      await owner.get(`/v1/restaurants/${venue.restaurantId}/invitations`),
      await owner.get('/v1/me/invitations'),
      await owner.get(`/v1/restaurants/${venue.restaurantId}`),
      await owner.get(venue.waitlistPath),
      await api().get('/v1/me'),
      await owner.get('/v1/nothing-here'),
    ];
  };

  it('sends nosniff, no-referrer and no-store on responses with personal data, success or failure', async () => {
    for (const response of await personal()) {
      const where = `${response.status} ${JSON.stringify(response.body).slice(0, 120)}`;
      expect(response.headers.get('x-content-type-options'), where).toBe('nosniff');
      expect(response.headers.get('referrer-policy'), where).toBe('no-referrer');
      expect(response.headers.get('cache-control'), where).toBe('no-store');
    }
  });

  it('lets the public discovery documents be cached briefly, still with nosniff and no-referrer', async () => {
    for (const path of ['/openapi.json', '/.well-known/openid-configuration', '/.well-known/jwks.json']) {
      const response = await api().get(path);
      expect(response.status, path).toBe(200);
      expect(response.headers.get('cache-control'), path).toBe('public, max-age=300');
      expect(response.headers.get('x-content-type-options'), path).toBe('nosniff');
      expect(response.headers.get('referrer-policy'), path).toBe('no-referrer');
    }
  });
});

describe('repeated query parameters', () => {
  it('reads status=waiting&status=notified (form, explode: the default of openapi-fetch) as the list, like status=waiting,notified', async () => {
    const venue = await newVenue(api());
    const staff = venue.owner.api;
    const waitees = `${venue.waitlistPath}/waitees`;
    const ada = await staff.post(waitees, { name: 'Ada', partySize: 2 });
    await staff.post(waitees, { name: 'Grace', partySize: 2 });
    const linus = await staff.post(waitees, { name: 'Linus', partySize: 2 });
    expect((await staff.post(`${waitees}/${String(ada.body.id)}/notify`)).status).toBe(200);
    expect((await staff.post(`${waitees}/${String(linus.body.id)}/seat`)).status).toBe(200);

    const names = async (query: string): Promise<unknown[]> => {
      const response = await staff.get<{ items: Json[] }>(`${waitees}?${query}`);
      expect(response.status, query).toBe(200);
      return response.body.items.map((w) => w.name);
    };
    expect(await names('status=waiting&status=notified')).toEqual(['Ada', 'Grace']);
    expect(await names('status=waiting,notified')).toEqual(['Ada', 'Grace']);
    expect(await names('status=notified&status=seated')).toEqual(['Ada', 'Linus']);
  });

  it('refuses any other parameter given twice with 400, naming it', async () => {
    const venue = await newVenue(api());
    const response = await venue.owner.api.get(`${venue.waitlistPath}/waitees?limit=1&limit=2`);
    const problem = expectProblem(response, 400, 'validation-failed');
    expect(problem.errors).toEqual([{ pointer: '/limit', where: 'query', message: 'must be given once' }]);
  });
});

interface CorsPolicy {
  readonly methods: string[];
  readonly maxAge: string;
  readonly headers: string[];
  readonly exposed: string[];
}

/** The <cors> element of the APIM policy that fronts the API in Azure. */
async function apimCors(): Promise<CorsPolicy> {
  const xml = await readFile(new URL('../../infra/apim/policies/api.xml', import.meta.url), 'utf8');
  const parsed = new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: '@',
    isArray: (name) => ['method', 'header'].includes(name),
  }).parse(xml) as { policies: { inbound: { cors: Record<string, Record<string, unknown>> } } };
  const cors = parsed.policies.inbound.cors;
  const list = (element: string, item: string): string[] => (cors[element]?.[item] as string[] | undefined) ?? [];
  return {
    methods: list('allowed-methods', 'method'),
    maxAge: String(cors['allowed-methods']?.['@preflight-result-max-age']),
    headers: list('allowed-headers', 'header'),
    exposed: list('expose-headers', 'header'),
  };
}

const splitList = (value: string | string[] | undefined): string[] =>
  String(value ?? '')
    .split(',')
    .map((item) => item.trim().toLowerCase())
    .filter((item) => item !== '');
const lower = (items: string[]): string[] => items.map((item) => item.toLowerCase()).sort();

describe('CORS on the local host, as the APIM policy answers it in Azure', () => {
  const origin = 'http://localhost:5173';

  it('answers a preflight from an allowed origin with the methods, headers and max age of api.xml', async () => {
    const policy = await apimCors();
    expect(policy.methods.length).toBeGreaterThan(0);
    const answer = await rawRequest({
      method: 'OPTIONS',
      path: '/v1/restaurants/00000000-0000-4000-8000-000000000000/waitlists',
      headers: {
        origin,
        'access-control-request-method': 'PATCH',
        'access-control-request-headers': 'authorization, if-match, content-type',
      },
    });
    expect(answer.status).toBe(200);
    expect(answer.headers['access-control-allow-origin']).toBe(origin);
    expect(splitList(answer.headers['access-control-allow-methods']).sort()).toEqual(lower(policy.methods));
    expect(splitList(answer.headers['access-control-allow-headers']).sort()).toEqual(lower(policy.headers));
    expect(answer.headers['access-control-max-age']).toBe(policy.maxAge);
    expect(answer.headers['access-control-allow-credentials']).toBeUndefined();
    expect(splitList(answer.headers.vary)).toContain('origin');
  });

  it('lets the host stand’s browser poll the line with If-None-Match (preflight allowed)', async () => {
    const answer = await rawRequest({
      method: 'OPTIONS',
      path: '/v1/restaurants/00000000-0000-4000-8000-000000000000/waitlists/00000000-0000-4000-8000-000000000000/waitees',
      headers: { origin, 'access-control-request-method': 'GET', 'access-control-request-headers': 'authorization, if-none-match' },
    });
    expect(answer.status).toBe(200);
    expect(answer.headers['access-control-allow-origin']).toBe(origin);
    expect(splitList(answer.headers['access-control-allow-headers'])).toContain('if-none-match');
  });

  it('exposes the headers of api.xml on actual responses to an allowed origin, and nothing to others', async () => {
    const policy = await apimCors();
    const allowed = await api().get('/v1/me', { origin });
    expect(allowed.status).toBe(401);
    expect(allowed.headers.get('access-control-allow-origin')).toBe(origin);
    expect(splitList(allowed.headers.get('access-control-expose-headers') ?? '').sort()).toEqual(lower(policy.exposed));
    const other = await api().get('/v1/me', { origin: 'https://evil.example' });
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('answers a preflight that does not match (origin, method or header) with an empty 200 and no CORS headers, as terminate-unmatched-request does', async () => {
    const cases: Record<string, string>[] = [
      { origin: 'https://evil.example', 'access-control-request-method': 'GET' },
      { origin, 'access-control-request-method': 'TRACE' },
      { origin, 'access-control-request-method': 'GET', 'access-control-request-headers': 'x-secret' },
    ];
    for (const headers of cases) {
      const answer = await rawRequest({ method: 'OPTIONS', path: '/v1/me', headers });
      expect([answer.status, answer.body, answer.headers['access-control-allow-origin']], JSON.stringify(headers)).toEqual([
        200,
        '',
        undefined,
      ]);
    }
  });
});
