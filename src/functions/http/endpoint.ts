import type { HttpHandler, HttpRequest, HttpResponseInit, InvocationContext } from '@azure/functions';
import { trace } from '@opentelemetry/api';
import type { z } from 'zod';
import type { Caller } from '../../application/access.js';
import type { VersionCondition } from '../../application/conditional-write.js';
import { VersionConflict, GoneSinceRead } from '../../application/ports.js';
import type { Services, ServicesProvider } from '../../application/services.js';
import type { Bindable } from '../catalog-types.js';
import { recordFailure } from '../../application/tracing.js';
import { DomainError } from '../../domain/errors.js';
import { invocationLog, logError, type LogScope } from '../telemetry.js';
import { ifMatchCondition, malformedIfMatchDetail, noneMatchHolds } from './conditional.js';
import { problemFor, securityHeaders, slugForKind, type Failure, type FailureContext, type ProblemSlug } from './problem.js';

export const maxBodyBytes = 64 * 1024;

const payloadTooLargeDetail = `The body must be at most ${maxBodyBytes} bytes.`;

type Schema = z.ZodType;
type Infer<S> = S extends z.ZodType ? z.output<S> : undefined;

export interface Reply {
  readonly status: number;
  readonly body?: unknown;
  readonly location?: string;
  readonly headers?: Readonly<Record<string, string>>;
  /** The ETag of a representation without an `etag` field of its own (a page of the line: conditional.ts, representationTag). */
  readonly etag?: string;
  /** A body already in its final form (an HTML page, an SVG image, JSON an ETag was computed from), sent as is with its content type. */
  readonly text?: { readonly contentType: string; readonly body: string };
}

export interface EndpointInput<P, Q, B, A> {
  readonly params: P;
  readonly query: Q;
  readonly body: B;
  readonly caller: A;
  /** The If-Match header as a test of the stored version; undefined when none was sent. */
  readonly ifMatch: VersionCondition | undefined;
  readonly idempotencyKey: string | undefined;
  /** The Accept header as sent (null without one), for routes that answer HTML to browsers. */
  readonly accept: string | null;
  /**
   * The caller's network address, for limits per address: the `x-waitlist-client-address` header,
   * which API Management sets from the connection (overriding any the client sent) and the local
   * host sets from the socket; `unknown` where neither did.
   */
  readonly clientAddress: string;
  readonly services: Services;
  readonly log: (message: string) => void;
}

export type AuthMode = 'public' | 'user' | 'optional';
type CallerOf<Auth extends AuthMode> = Auth extends 'user' ? Caller : Auth extends 'optional' ? Caller | null : null;

export interface EndpointSpec<
  PS extends Schema | undefined,
  QS extends Schema | undefined,
  BS extends Schema | undefined,
  Auth extends AuthMode,
> {
  /** `optional`: public, but a caller who sends a token is known (and an invalid token is still a 401). */
  readonly auth: Auth;
  readonly params?: PS;
  readonly query?: QS;
  readonly body?: BS;
  /** The OAuth token endpoint also takes application/x-www-form-urlencoded (RFC 6749). */
  readonly acceptsForm?: boolean;
  /** Rewrites the problem answer for a protocol with its own error format (the OAuth token endpoint, http/oauth-error.ts). */
  readonly renderFailure?: (failure: Failure, at: FailureContext, request: HttpRequest) => HttpResponseInit;
  readonly handle: (input: EndpointInput<Infer<PS>, Infer<QS>, Infer<BS>, CallerOf<Auth>>) => Promise<Reply>;
}

class EdgeProblem extends Error {
  constructor(
    readonly slug: ProblemSlug,
    message: string,
    readonly extensions: Readonly<Record<string, unknown>> = {},
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(message);
  }
}

const correlationIdPattern = /^[A-Za-z0-9._-]{1,64}$/;

/** The log scope of a request: its correlation id, and the restaurant its route names (before validation: it is only logged). */
function scopeOf(request: HttpRequest, correlationId: string): LogScope & { correlationId: string } {
  const restaurantId = request.params.restaurantId;
  return restaurantId === undefined || !correlationIdPattern.test(restaurantId) ? { correlationId } : { correlationId, restaurantId };
}

export function correlationIdOf(request: HttpRequest, context: InvocationContext): string {
  const given = request.headers.get('x-correlation-id');
  return given !== null && correlationIdPattern.test(given) ? given : context.invocationId;
}

function validationProblem(error: z.ZodError, where: 'path' | 'query' | 'body'): EdgeProblem {
  const errors = error.issues.map((issue) => ({ pointer: `/${issue.path.map(String).join('/')}`, where, message: issue.message }));
  const first = errors[0];
  const summary = first === undefined ? 'is invalid' : `${first.pointer === '/' ? where : `${where} ${first.pointer}`}: ${first.message}`;
  return new EdgeProblem('validation-failed', `The ${summary}${errors.length > 1 ? ` (and ${errors.length - 1} more)` : ''}.`, { errors });
}

/**
 * A use case's validation error (password policy, a walk-in without a name, an unusable
 * continuation token) in the same `errors` shape as a schema failure: every validation-failed
 * problem carries `errors`. `details.field` names the input; `details.where` says where it is (body
 * unless stated).
 */
function withValidationErrors(error: DomainError): Record<string, unknown> {
  const { where, ...details } = error.details;
  const pointer = typeof details.field === 'string' ? `/${details.field}` : '/';
  return {
    ...details,
    errors: [{ pointer, where: where === 'path' || where === 'query' || where === 'header' ? where : 'body', message: error.message }],
  };
}

/** The waitee's status goes out as `currentStatus`: `status` is the problem's HTTP status (RFC 9457). */
function withCurrentStatus(error: DomainError): Record<string, unknown> {
  const { status, ...details } = error.details;
  return { ...details, currentStatus: status };
}

/**
 * The query as the client sent it, read from the URL: a parameter given once is a string, one
 * given more than once (`status=a&status=b`, form style with explode) the list of its values.
 * Neither `Object.fromEntries(request.query)` (keeps the last) nor the Azure host's query map
 * (azure-functions-nodejs-library#168) keeps repeats; the URL always does.
 */
function queryOf(url: URL): Record<string, string | string[]> {
  const query: Record<string, string | string[]> = {};
  for (const [name, value] of url.searchParams) {
    const seen = query[name];
    query[name] = seen === undefined ? value : [...(Array.isArray(seen) ? seen : [seen]), value];
  }
  return query;
}

function parse<S extends Schema | undefined>(schema: S, value: unknown, where: 'path' | 'query' | 'body'): Infer<S> {
  if (schema === undefined) return undefined as Infer<S>;
  const result = schema.safeParse(value);
  if (!result.success) throw validationProblem(result.error, where);
  return result.data as Infer<S>;
}

/** The body as text, refused with 413 past the limit; routes that take no body are held to it too. */
async function boundedText(request: HttpRequest): Promise<string> {
  const declaredLength = Number(request.headers.get('content-length') ?? '0');
  if (declaredLength > maxBodyBytes) throw new EdgeProblem('payload-too-large', payloadTooLargeDetail, { limit: maxBodyBytes });
  // No body at all (every GET): nothing to read, and reading it would still run the stream machinery.
  if (request.body === null) return '';
  const text = await request.text();
  if (Buffer.byteLength(text) > maxBodyBytes) throw new EdgeProblem('payload-too-large', payloadTooLargeDetail, { limit: maxBodyBytes });
  return text;
}

async function readBody(request: HttpRequest, acceptsForm: boolean): Promise<unknown> {
  const text = await boundedText(request);
  if (text.trim() === '') return undefined;
  const contentType = (request.headers.get('content-type') ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  if (acceptsForm && contentType === 'application/x-www-form-urlencoded') return Object.fromEntries(new URLSearchParams(text));
  if (contentType !== 'application/json' && contentType !== 'application/merge-patch+json' && !contentType.endsWith('+json')) {
    throw new EdgeProblem(
      'unsupported-media-type',
      `Send the body as application/json${acceptsForm ? ' or application/x-www-form-urlencoded' : ''}.`,
    );
  }
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new EdgeProblem('malformed-body', 'The body is not valid JSON.');
  }
}

async function authenticate(request: HttpRequest, s: Services): Promise<Caller> {
  const header = request.headers.get('authorization');
  const match = header === null ? null : /^Bearer ([A-Za-z0-9._~+/=-]+)$/i.exec(header);
  if (match?.[1] === undefined) {
    throw new EdgeProblem(
      'unauthenticated',
      'Send an access token: Authorization: Bearer <token> (get one from POST /api/v1/auth/token).',
      {},
      { 'www-authenticate': 'Bearer' },
    );
  }
  const claims = await s.accessTokens.verify(match[1]);
  return { userId: claims.userId };
}

export const clientAddressHeader = 'x-waitlist-client-address';

function clientAddressOf(request: HttpRequest): string {
  const given = request.headers.get(clientAddressHeader)?.trim() ?? '';
  return /^[0-9A-Fa-f:.]{2,45}$/.test(given) ? given : 'unknown';
}

/** A single resource carries its version as `etag` (an entity-tag already); the ETag header repeats it for If-Match. */
function etagOf(reply: Reply): string | undefined {
  if (reply.etag !== undefined) return reply.etag;
  const { body } = reply;
  if (typeof body !== 'object' || body === null || !('etag' in body)) return undefined;
  return typeof body.etag === 'string' ? body.etag : undefined;
}

/** If-Match on a write; a header that is not `*` or a list of entity-tags is refused before the use case runs. */
function ifMatchOf(request: HttpRequest): VersionCondition | undefined {
  const header = request.headers.get('if-match');
  if (header === null || request.method === 'GET' || request.method === 'HEAD') return undefined;
  const condition = ifMatchCondition(header);
  if (condition === null) throw new EdgeProblem('precondition-failed', malformedIfMatchDetail);
  return condition;
}

function success(request: HttpRequest, reply: Reply, correlationId: string): HttpResponseInit {
  const headers: Record<string, string> = { ...securityHeaders, 'x-correlation-id': correlationId, ...reply.headers };
  const etag = etagOf(reply);
  if (etag !== undefined) headers.etag = etag;
  // A GET whose client already holds this version gets 304 and no body (RFC 9110 13.1.2).
  const ifNoneMatch = request.headers.get('if-none-match');
  if (request.method === 'GET' && reply.status === 200 && etag !== undefined && ifNoneMatch !== null && noneMatchHolds(ifNoneMatch, etag)) {
    return { status: 304, headers };
  }
  if (reply.location !== undefined) headers.location = reply.location;
  if (reply.text !== undefined)
    return { status: reply.status, headers: { 'content-type': reply.text.contentType, ...headers }, body: reply.text.body };
  if (reply.body === undefined) return { status: reply.status, headers };
  return { status: reply.status, headers: { 'content-type': 'application/json', ...headers }, jsonBody: reply.body };
}

/**
 * The one pipeline every HTTP function runs: correlation id → authenticate → validate path,
 * query and body → use case → response. Every failure becomes problem+json here, so handlers
 * never catch; unexpected errors are logged with the correlation id and answered without detail.
 */
export function endpoint<
  PS extends Schema | undefined = undefined,
  QS extends Schema | undefined = undefined,
  BS extends Schema | undefined = undefined,
  Auth extends AuthMode = 'user',
>(spec: EndpointSpec<PS, QS, BS, Auth>): Bindable<HttpHandler> {
  return (services: ServicesProvider) => async (request, context) => {
    const correlationId = correlationIdOf(request, context);
    const url = new URL(request.url);
    const instance = url.pathname;
    try {
      const s = await services();
      const signedIn = spec.auth === 'user' || (spec.auth === 'optional' && request.headers.get('authorization') !== null);
      const caller = signedIn ? await authenticate(request, s) : null;
      const params = parse(spec.params as PS, request.params, 'path');
      const query = parse(spec.query as QS, queryOf(url), 'query');
      if (spec.body === undefined) await boundedText(request);
      const rawBody = spec.body === undefined ? undefined : await readBody(request, spec.acceptsForm === true);
      if (spec.body !== undefined && rawBody === undefined) {
        throw new EdgeProblem('validation-failed', 'The request needs a JSON body.', {
          errors: [{ pointer: '/', where: 'body', message: 'is required' }],
        });
      }
      const body = parse(spec.body as BS, rawBody, 'body');
      const idempotencyKey = request.headers.get('idempotency-key') ?? undefined;
      if (idempotencyKey !== undefined && !/^[A-Za-z0-9._:-]{8,128}$/.test(idempotencyKey)) {
        const message = 'must be 8–128 characters of letters, digits, ".", "_", ":" or "-"';
        throw new EdgeProblem('validation-failed', `Idempotency-Key ${message}.`, {
          errors: [{ pointer: '/idempotency-key', where: 'header', message }],
        });
      }
      const reply = await spec.handle({
        params,
        query,
        body,
        caller: caller as CallerOf<Auth>,
        ifMatch: ifMatchOf(request),
        idempotencyKey,
        accept: request.headers.get('accept'),
        clientAddress: clientAddressOf(request),
        services: s,
        log: invocationLog(context, scopeOf(request, correlationId)),
      });
      return success(request, reply, correlationId);
    } catch (error) {
      const at = { correlationId, instance };
      return (spec.renderFailure ?? problemFor)(failureOf(error, scopeOf(request, correlationId), context), at, request);
    }
  };
}

/** What a thrown error means for the client; unexpected errors are logged with the correlation id and answered without detail. */
function failureOf(error: unknown, scope: LogScope & { correlationId: string }, context: InvocationContext): Failure {
  if (error instanceof EdgeProblem)
    return { slug: error.slug, detail: error.message, extensions: error.extensions, headers: error.headers };
  // A conditional write that lost, and that the use case's policy did not retry, is the
  // client's to resolve: read again, then retry with the new ETag.
  if (error instanceof VersionConflict) {
    return {
      slug: 'precondition-failed',
      detail: 'The resource changed since you read it (ETag mismatch). Read it again and retry with the new ETag.',
    };
  }
  if (error instanceof GoneSinceRead) return { slug: 'not-found', detail: 'The resource was removed while you were changing it.' };
  if (error instanceof DomainError) {
    const headers: Record<string, string> = {};
    if ((error.kind === 'too-many-attempts' || error.kind === 'text-limit-reached') && typeof error.details.retryAfterSeconds === 'number')
      headers['retry-after'] = String(error.details.retryAfterSeconds);
    if (error.kind === 'unauthenticated') headers['www-authenticate'] = 'Bearer error="invalid_token"';
    const extensions =
      error.kind === 'validation'
        ? withValidationErrors(error)
        : error.kind === 'invalid-transition'
          ? withCurrentStatus(error)
          : error.details;
    return { slug: slugForKind[error.kind], detail: error.message, extensions, headers };
  }
  const span = trace.getActiveSpan();
  if (span !== undefined) recordFailure(span, error);
  logError(context, 'unhandled error', error, scope);
  return { slug: 'internal', detail: `An unexpected error occurred. Quote correlation id ${scope.correlationId} when reporting it.` };
}
