import type { HttpResponseInit } from '@azure/functions';
import { problemTypes, securityHeaders, type Failure, type FailureContext, type ProblemSlug } from './problem.js';

/**
 * The token endpoint speaks OAuth 2.0, not RFC 9457: a client such as openid-client reads an error
 * only from an `application/json` body with `error` (RFC 6749 §5.2) and reports anything else as
 * "unexpected response content-type", so a wrong password, a reused refresh token and a server
 * fault would all look alike. This writes the pipeline's failure in that shape instead of as a
 * problem; its extensions (`errors`, `limit`, `retryAfterSeconds`) and `correlationId` stay.
 * See docs/api.md, Token endpoint errors.
 */

export type OAuthErrorCode = 'invalid_request' | 'invalid_grant' | 'unsupported_grant_type' | 'server_error';

/** The message the token body schema gives a `grant_type` it does not know (src/functions/schemas.ts). */
export const unsupportedGrantTypeMessage = 'is not a grant type this server supports (password, refresh_token)';

/**
 * RFC 6749 answers 400 unless stated otherwise. A blocked address keeps 429 (with Retry-After): the
 * grant is refused like a wrong password, and the status tells clients and gateways to wait.
 */
const oauthErrorFor: Readonly<Partial<Record<ProblemSlug, { error: OAuthErrorCode; status: number }>>> = {
  'validation-failed': { error: 'invalid_request', status: 400 },
  'malformed-body': { error: 'invalid_request', status: 400 },
  'payload-too-large': { error: 'invalid_request', status: 400 },
  'unsupported-media-type': { error: 'invalid_request', status: 400 },
  'invalid-grant': { error: 'invalid_grant', status: 400 },
  'too-many-attempts': { error: 'invalid_grant', status: 429 },
};

/** Members an extension may not take: the OAuth body's own, and the problem members it replaces. */
const problemOnlyMembers = new Set(['type', 'title', 'status', 'detail', 'instance', 'error', 'error_description', 'correlationId']);

/** RFC 6749 §5.2 allows only printable ASCII without `"` and `\` in error_description. */
export function asErrorDescription(text: string): string {
  const plain = text
    .normalize('NFKD')
    .replace(/[\u2010-\u2015]/g, '-')
    .replace(/["\u201C\u201D]/g, "'")
    .replace(/\\/g, '/')
    .replace(/[^\x20-\x21\x23-\x5B\x5D-\x7E]/g, '');
  return plain === '' ? 'The request was refused.' : plain;
}

function codeFor(failure: Failure): { error: OAuthErrorCode; status: number } {
  const errors = Array.isArray(failure.extensions?.errors) ? (failure.extensions.errors as unknown[]) : [];
  const unsupportedGrant = errors.some(
    (e) =>
      typeof e === 'object' &&
      e !== null &&
      'pointer' in e &&
      e.pointer === '/grant_type' &&
      'message' in e &&
      e.message === unsupportedGrantTypeMessage,
  );
  if (failure.slug === 'validation-failed' && unsupportedGrant) return { error: 'unsupported_grant_type', status: 400 };
  const known = oauthErrorFor[failure.slug];
  if (known !== undefined) return known;
  const status = problemTypes[failure.slug].status;
  return status >= 500 ? { error: 'server_error', status } : { error: 'invalid_request', status: 400 };
}

/** The token endpoint's failure answer: an RFC 6749 §5.2 error body with `Cache-Control: no-store`. */
export function asOAuthError(failure: Failure, at: FailureContext): HttpResponseInit {
  const { error, status } = codeFor(failure);
  const extensions = Object.fromEntries(Object.entries(failure.extensions ?? {}).filter(([name]) => !problemOnlyMembers.has(name)));
  return {
    status,
    headers: {
      ...securityHeaders,
      'x-correlation-id': at.correlationId,
      ...failure.headers,
      'content-type': 'application/json',
      'cache-control': 'no-store',
      pragma: 'no-cache',
    },
    jsonBody: { error, error_description: asErrorDescription(failure.detail), correlationId: at.correlationId, ...extensions },
  };
}
