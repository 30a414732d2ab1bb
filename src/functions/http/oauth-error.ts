import type { HttpResponseInit } from '@azure/functions';
import { problemTypeUri, type ProblemSlug } from './problem.js';

/**
 * The token endpoint speaks OAuth 2.0, not RFC 9457: a client such as openid-client reads an error
 * only from an `application/json` body with `error` (RFC 6749 §5.2) and reports anything else as
 * "unexpected response content-type", so a wrong password, a reused refresh token and a server
 * fault would all look alike. This rewrites the pipeline's problem answer into that shape; the
 * problem's extensions (`errors`, `limit`, `retryAfterSeconds`) and `correlationId` stay.
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

/** Problem members that the OAuth body replaces (`detail` becomes `error_description`). */
const problemOnlyMembers = new Set(['type', 'title', 'status', 'detail', 'instance', 'error']);

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

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function slugOf(problem: Record<string, unknown>): ProblemSlug | undefined {
  const type = typeof problem.type === 'string' ? problem.type : '';
  return (Object.keys(oauthErrorFor) as ProblemSlug[]).find((slug) => problemTypeUri(slug) === type);
}

function namesUnsupportedGrantType(problem: Record<string, unknown>): boolean {
  const errors = Array.isArray(problem.errors) ? (problem.errors as unknown[]) : [];
  return errors.some((e) => isRecord(e) && e.pointer === '/grant_type' && e.message === unsupportedGrantTypeMessage);
}

function codeFor(problem: Record<string, unknown>, httpStatus: number): { error: OAuthErrorCode; status: number } {
  const slug = slugOf(problem);
  if (slug === 'validation-failed' && namesUnsupportedGrantType(problem)) return { error: 'unsupported_grant_type', status: 400 };
  const known = slug === undefined ? undefined : oauthErrorFor[slug];
  if (known !== undefined) return known;
  return httpStatus >= 500 ? { error: 'server_error', status: httpStatus } : { error: 'invalid_request', status: 400 };
}

/** The token endpoint's failure answer: an RFC 6749 §5.2 error body with `Cache-Control: no-store`. */
export function asOAuthError(answer: HttpResponseInit): HttpResponseInit {
  const problem = isRecord(answer.jsonBody) ? answer.jsonBody : {};
  const { error, status } = codeFor(problem, answer.status ?? 500);
  const extensions = Object.fromEntries(Object.entries(problem).filter(([name]) => !problemOnlyMembers.has(name)));
  return {
    status,
    headers: {
      ...(answer.headers as Record<string, string> | undefined),
      'content-type': 'application/json',
      'cache-control': 'no-store',
      pragma: 'no-cache',
    },
    jsonBody: { error, error_description: asErrorDescription(typeof problem.detail === 'string' ? problem.detail : ''), ...extensions },
  };
}
