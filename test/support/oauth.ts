import { expect } from 'vitest';
import type { ApiResponse } from './stack.js';

/** RFC 6749 §5.2: error_description is printable ASCII without `"` and `\`. */
export const errorDescriptionCharset = /^[\x20-\x21\x23-\x5B\x5D-\x7E]+$/;

/**
 * Asserts an OAuth 2.0 error answer of the token endpoint (RFC 6749 §5.2): the status, an
 * application/json body with `error` and a well-formed `error_description`, `Cache-Control:
 * no-store`, and no WWW-Authenticate challenge (openid-client treats one as a different failure).
 * Returns the body.
 */
export function expectOAuthError(response: ApiResponse, status?: number, error?: string): Record<string, unknown> {
  const context = `${response.status} ${typeof response.body === 'string' ? response.body.slice(0, 300) : JSON.stringify(response.body).slice(0, 300)}`;
  if (status !== undefined) expect(response.status, context).toBe(status);
  expect(response.status, context).toBeGreaterThanOrEqual(400);
  expect(response.headers.get('content-type'), context).toBe('application/json');
  expect(response.headers.get('cache-control'), context).toBe('no-store');
  expect(response.headers.get('www-authenticate'), context).toBeNull();
  const body = response.body;
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new Error(`OAuth error body is not an object: ${context}`);
  const fields = body as Record<string, unknown>;
  expect(fields.error, context).toMatch(/^[a-z_]+$/);
  expect(String(fields.error_description), context).toMatch(errorDescriptionCharset);
  expect(String(fields.error_description), context).not.toMatch(/\n\s+at /);
  if (error !== undefined) expect(fields.error, context).toBe(error);
  return fields;
}
