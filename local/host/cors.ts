import type { IncomingHttpHeaders } from 'node:http';

/**
 * CORS as the APIM policy answers it in Azure (infra/apim/policies/api.xml, <cors>; the test in
 * test/robustness/http-edge.test.ts keeps the two the same). Only the allowed origins differ: they
 * come from CORS_ALLOWED_ORIGINS instead of the {{spa-origin}} named value.
 */
export const corsPolicy = {
  methods: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'],
  allowedHeaders: [
    'Authorization',
    'Content-Type',
    'If-Match',
    'If-None-Match',
    'Idempotency-Key',
    'Ocp-Apim-Subscription-Key',
    'X-Correlation-Id',
  ],
  exposedHeaders: ['ETag', 'Location', 'Retry-After', 'X-Correlation-Id'],
  maxAgeSeconds: 600,
} as const;

const single = (value: string | string[] | undefined): string | undefined => (Array.isArray(value) ? value[0] : value);

export function isPreflight(method: string, headers: IncomingHttpHeaders): boolean {
  return method === 'OPTIONS' && headers.origin !== undefined && headers['access-control-request-method'] !== undefined;
}

/**
 * The answer to a preflight: the policy's CORS headers when origin, method and every requested
 * header match; otherwise none, which is what terminate-unmatched-request="true" does (an empty 200).
 */
export function preflightHeaders(headers: IncomingHttpHeaders, allowedOrigins: readonly string[]): Record<string, string> {
  const origin = single(headers.origin);
  const method = single(headers['access-control-request-method'])?.toUpperCase() ?? '';
  const requested = (single(headers['access-control-request-headers']) ?? '')
    .split(',')
    .map((name) => name.trim().toLowerCase())
    .filter((name) => name !== '');
  const allowedHeaders = new Set(corsPolicy.allowedHeaders.map((name) => name.toLowerCase()));
  const matches =
    origin !== undefined &&
    allowedOrigins.includes(origin) &&
    (corsPolicy.methods as readonly string[]).includes(method) &&
    requested.every((name) => allowedHeaders.has(name));
  if (!matches) return { vary: 'Origin' };
  return {
    'access-control-allow-origin': origin,
    'access-control-allow-methods': corsPolicy.methods.join(', '),
    'access-control-allow-headers': corsPolicy.allowedHeaders.join(', '),
    'access-control-max-age': String(corsPolicy.maxAgeSeconds),
    vary: 'Origin',
  };
}

/** The CORS headers of an actual (non-preflight) response: only for an allowed origin. */
export function responseCorsHeaders(headers: IncomingHttpHeaders, allowedOrigins: readonly string[]): Record<string, string> {
  const origin = single(headers.origin);
  if (origin === undefined || !allowedOrigins.includes(origin)) return origin === undefined ? {} : { vary: 'Origin' };
  return { 'access-control-allow-origin': origin, 'access-control-expose-headers': corsPolicy.exposedHeaders.join(', '), vary: 'Origin' };
}
