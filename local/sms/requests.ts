import type { IncomingMessage, ServerResponse } from 'node:http';
import { authenticate } from './auth.js';
import type { AuthOutcome, AuthScheme } from './auth.js';
import { HttpError, readBody, sendJson } from './http.js';
import type { Outbox } from './outbox.js';

/** One HTTP request the emulator answered, so tests can count what the SDK's retry policy did. */
export interface SmsRequestRecord {
  readonly receivedAt: string;
  readonly method: string;
  readonly path: string;
  readonly status: number;
  readonly auth?: AuthScheme;
  readonly note?: string;
}

export type TransientFailureStatus = 429 | 500 | 503;

export interface SmsRequestPolicy {
  /** The resource's access key, decoded from base64, for HMAC signatures. */
  readonly accessKey: Buffer;
  readonly acceptBearer?: ((token: string) => boolean) | undefined;
}

type RequestOutcome = Omit<SmsRequestRecord, 'receivedAt' | 'method' | 'path'>;

const transientFailures: Record<TransientFailureStatus, { code: string; message: string }> = {
  429: { code: 'TooManyRequests', message: 'Too many requests: the rate limit was exceeded.' },
  500: { code: 'InternalServerError', message: 'The server encountered an internal error.' },
  503: { code: 'ServiceUnavailable', message: 'The service is temporarily unavailable.' },
};

/**
 * The emulator's HTTP side: routes `POST /sms`, checks its HMAC or Bearer authorization, answers
 * injected transient failures, hands the rest to the outbox, and records every request answered.
 */
export class SmsRequests {
  private readonly answered: SmsRequestRecord[] = [];
  private readonly injectedFailures: { status: TransientFailureStatus; retryAfterSeconds: number | undefined }[] = [];

  constructor(
    private readonly policy: SmsRequestPolicy,
    private readonly outbox: Outbox,
    private readonly log: (line: string) => void,
  ) {}

  /** For `http.createServer`: never rejects, since a failure becomes the answer. */
  readonly listener = (request: IncomingMessage, response: ServerResponse): void => {
    const receivedAt = new Date().toISOString();
    const method = request.method ?? '';
    const path = request.url ?? '/';
    void this.handle(request, response)
      .catch((error: unknown) => this.answerError(response, error))
      .then((outcome) => {
        this.answered.push({ receivedAt, method, path, ...outcome });
        if (outcome.status >= 400) this.log(`[acs-sms] ${outcome.status} ${method} ${path}${outcome.note ? `: ${outcome.note}` : ''}`);
      });
  };

  records(): readonly SmsRequestRecord[] {
    return [...this.answered];
  }

  failNext(count: number, status: TransientFailureStatus, retryAfterSeconds: number | undefined): void {
    for (let i = 0; i < count; i++) this.injectedFailures.push({ status, retryAfterSeconds });
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<RequestOutcome> {
    const target = request.url ?? '/';
    const url = new URL(target, 'http://emulator');
    if (url.pathname !== '/sms' || request.method !== 'POST') {
      request.resume();
      sendJson(response, 404, { error: { code: 'NotFound', message: `No route for ${request.method ?? ''} ${url.pathname}.` } });
      return { status: 404 };
    }
    const body = await readBody(request);
    const auth = this.authenticate(request.method, target, request, body);
    if (!auth.ok) {
      // The real service says no more than this; the console line carries the reason.
      sendJson(response, 401, { error: { code: 'Denied', message: 'Denied by the resource provider.' } });
      return { status: 401, note: auth.reason };
    }
    if (!url.searchParams.get('api-version')) {
      throw new HttpError(
        400,
        'MissingApiVersionParameter',
        'The api-version query parameter (?api-version=) is required for all requests.',
      );
    }
    const injected = this.answerInjectedFailure(response, auth.scheme);
    if (injected) return injected;
    sendJson(response, 202, { value: this.outbox.send(body, auth.scheme) });
    return { status: 202, auth: auth.scheme };
  }

  private authenticate(method: string, pathAndQuery: string, request: IncomingMessage, body: Buffer): AuthOutcome {
    return authenticate(
      { method, pathAndQuery, headers: request.headers, body },
      { accessKey: this.policy.accessKey, acceptBearer: this.policy.acceptBearer, now: Date.now },
    );
  }

  /** As `failNext` promises, only an authenticated request with an api-version uses up an injected failure. */
  private answerInjectedFailure(response: ServerResponse, auth: AuthScheme): RequestOutcome | undefined {
    const injected = this.injectedFailures.shift();
    if (!injected) return undefined;
    const { code, message } = transientFailures[injected.status];
    const retryAfter = injected.retryAfterSeconds ?? (injected.status === 429 ? 1 : undefined);
    sendJson(
      response,
      injected.status,
      { error: { code, message } },
      retryAfter === undefined ? {} : { 'retry-after': String(retryAfter) },
    );
    return { status: injected.status, auth, note: `injected failure, ${this.injectedFailures.length} left` };
  }

  private answerError(response: ServerResponse, error: unknown): RequestOutcome {
    const known = error instanceof HttpError ? error : new HttpError(500, 'InternalServerError', 'The emulator failed; see its console.');
    if (!(error instanceof HttpError))
      this.log(`[acs-sms] emulator bug: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    if (!response.headersSent) sendJson(response, known.status, { error: { code: known.code, message: known.message } });
    return { status: known.status, note: known.message };
  }
}
