import type { HttpResponseInit } from '@azure/functions';
import type { DomainErrorKind } from '../../domain/errors.js';

/**
 * Every error the API answers is RFC 9457 problem+json with one of these stable types. The list is
 * the contract documented in docs/problems.md and the OpenAPI document; never rename a slug.
 */
export const problemTypes = {
  'validation-failed': { status: 400, title: 'The request is not valid' },
  'malformed-body': { status: 400, title: 'The request body could not be read' },
  'invalid-grant': { status: 400, title: 'The credentials or refresh token were not accepted' },
  unauthenticated: { status: 401, title: 'Authentication required' },
  forbidden: { status: 403, title: 'Not allowed' },
  'not-found': { status: 404, title: 'Not found' },
  'method-not-allowed': { status: 405, title: 'Method not allowed' },
  conflict: { status: 409, title: 'Conflict with the current state' },
  'invalid-transition': { status: 409, title: 'That move is not allowed from the current status' },
  'limit-reached': { status: 409, title: 'A limit was reached' },
  'precondition-failed': { status: 412, title: 'The resource changed since you read it' },
  'payload-too-large': { status: 413, title: 'The request body is too large' },
  'headers-too-large': { status: 431, title: 'The request headers are too large' },
  'unsupported-media-type': { status: 415, title: 'Unsupported content type' },
  'too-many-attempts': { status: 429, title: 'Too many attempts' },
  'text-limit-reached': { status: 429, title: 'A limit on texts was reached' },
  internal: { status: 500, title: 'Something went wrong on our side' },
  unavailable: { status: 503, title: 'A service the API depends on is unavailable' },
} as const satisfies Record<string, { status: number; title: string }>;

export type ProblemSlug = keyof typeof problemTypes;

export const problemTypeUri = (slug: ProblemSlug): string => `urn:waitlist:problem:${slug}`;

export const slugForKind: Readonly<Record<DomainErrorKind, ProblemSlug>> = {
  validation: 'validation-failed',
  unauthenticated: 'unauthenticated',
  forbidden: 'forbidden',
  'not-found': 'not-found',
  conflict: 'conflict',
  'invalid-transition': 'invalid-transition',
  'limit-reached': 'limit-reached',
  'too-many-attempts': 'too-many-attempts',
  'text-limit-reached': 'text-limit-reached',
  'invalid-grant': 'invalid-grant',
};

export interface ProblemInit {
  readonly detail: string;
  readonly correlationId: string;
  readonly instance?: string;
  readonly extensions?: Readonly<Record<string, unknown>>;
  readonly headers?: Readonly<Record<string, string>>;
}

/**
 * Headers every API response carries (docs/api.md, Response headers). Responses hold personal data
 * unless a handler says otherwise (the public discovery documents set their own Cache-Control).
 */
export const securityHeaders: Readonly<Record<string, string>> = {
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-store',
};

/**
 * What went wrong with a request, before it is written in any wire format: the pipeline renders it
 * as problem+json, the token endpoint as an RFC 6749 error (oauth-error.ts).
 */
export interface Failure {
  readonly slug: ProblemSlug;
  readonly detail: string;
  readonly extensions?: Readonly<Record<string, unknown>>;
  readonly headers?: Readonly<Record<string, string>>;
}

/** Where a failure happened: the correlation id and the request path. */
export interface FailureContext {
  readonly correlationId: string;
  readonly instance: string;
}

/** RFC 9457 members that extensions must not overwrite (an extension named `status` would replace the HTTP status). */
const standardMembers = new Set(['type', 'title', 'status', 'detail', 'instance', 'correlationId']);

export function problemResponse(slug: ProblemSlug, init: ProblemInit): HttpResponseInit {
  const { status, title } = problemTypes[slug];
  const extensions = Object.fromEntries(Object.entries(init.extensions ?? {}).filter(([name]) => !standardMembers.has(name)));
  return {
    status,
    headers: {
      'content-type': 'application/problem+json',
      ...securityHeaders,
      'x-correlation-id': init.correlationId,
      ...init.headers,
    },
    jsonBody: {
      type: problemTypeUri(slug),
      title,
      status,
      detail: init.detail,
      ...(init.instance === undefined ? {} : { instance: init.instance }),
      correlationId: init.correlationId,
      ...extensions,
    },
  };
}

export function problemFor(failure: Failure, at: FailureContext): HttpResponseInit {
  return problemResponse(failure.slug, {
    detail: failure.detail,
    correlationId: at.correlationId,
    instance: at.instance,
    ...(failure.extensions === undefined ? {} : { extensions: failure.extensions }),
    ...(failure.headers === undefined ? {} : { headers: failure.headers }),
  });
}
