/**
 * A loopback Azure Communication Services SMS endpoint for the local stack and tests.
 *
 * Hand-written because no ACS emulator exists (not on npm, not as a container): the real
 * `SmsClient` talks to this server unchanged (principle 1), so it checks what the SDK really sends
 * — `POST /sms?api-version=…`, HMAC-SHA256 request signing or a Bearer token — and answers in the
 * shapes of the 2021-03-07 REST spec (azure-rest-api-specs, Sms/stable/2021-03-07): 202 with one
 * result per recipient, failures per recipient inside the 202, `{ error: { code, message } }` for
 * whole-request errors. Accepted messages go to an in-memory outbox that a developer reads on the
 * console or as JSON; nothing is delivered anywhere. When told where (`reportDeliveriesTo`), it
 * publishes a `Microsoft.Communication.SMSDeliveryReportReceived` event for each accepted text sent
 * with delivery reports on, POSTed as an Event Grid subscription delivers it.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { createServer as createHttpServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { z } from 'zod';
import { smsSegments } from '../../src/domain/messages.js';
import { authenticate } from './auth.js';
import { closeServer, listenOnLoopback } from '../loopback.js';
import type { AuthScheme } from './auth.js';

export interface SentSms {
  readonly messageId: string;
  readonly to: string;
  readonly from: string;
  readonly message: string;
  readonly tag?: string;
  readonly enableDeliveryReport: boolean;
  /** ISO 8601 time the emulator accepted the message. */
  readonly receivedAt: string;
  readonly repeatabilityRequestId?: string;
  readonly repeatabilityFirstSent?: string;
  readonly auth: AuthScheme;
}

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
export type PermanentFailureKind = 'invalid-number' | 'opted-out';

export interface SmsEmulatorOptions {
  /** 0 or absent: a free port. */
  readonly port?: number;
  /** Base64 access key for HMAC signing; a random 64-byte key when absent. */
  readonly accessKey?: string;
  /** Serve https with this key pair (see local/tls.ts): needed for Bearer, which the SDK refuses over http. */
  readonly https?: { readonly key: string; readonly cert: string };
  /** Decides whether a Bearer token is good; without it Bearer requests get 401. */
  readonly acceptBearer?: (token: string) => boolean;
  /** One line per message and per refused request; console.log when absent. */
  readonly log?: (line: string) => void;
}

/** Where delivery reports go: an Event Grid subscription's webhook endpoint. */
export interface DeliveryReportSink {
  /** e.g. the local host's `/runtime/webhooks/eventgrid?functionName=…`. */
  readonly endpointUrl: string;
  /** From accepting a text to reporting on it; default 500 ms. */
  readonly delayMs?: number;
}

export const smsDeliveryReportEventType = 'Microsoft.Communication.SMSDeliveryReportReceived';

/**
 * The event ACS publishes, in the Event Grid schema. The data's keys are PascalCase as in the ACS
 * samples (`Tag` is PascalCase even in the Event Grid reference, which shows the others camelCase).
 */
export interface SmsDeliveryReportEvent {
  readonly id: string;
  readonly topic: string;
  readonly subject: string;
  readonly eventType: typeof smsDeliveryReportEventType;
  readonly eventTime: string;
  readonly data: {
    readonly MessageId: string;
    readonly From: string;
    readonly To: string;
    readonly DeliveryStatus: 'Delivered' | 'Failed';
    readonly DeliveryStatusDetails: string;
    readonly ReceivedTimestamp: string;
    readonly DeliveryAttempts: readonly {
      readonly Timestamp: string;
      readonly SegmentsSucceeded: number;
      readonly SegmentsFailed: number;
    }[];
    readonly Tag?: string;
  };
  readonly dataVersion: string;
  readonly metadataVersion: string;
}

/** A report the emulator published, and the subscriber's HTTP status (`unreachable` when the POST itself failed). */
export interface PublishedDeliveryReport {
  readonly event: SmsDeliveryReportEvent;
  readonly status: number | 'unreachable';
}

export interface SmsEmulator {
  /** e.g. http://127.0.0.1:PORT (no trailing slash), for `new SmsClient(endpoint, credential)`. */
  readonly endpoint: string;
  /** `endpoint=http://127.0.0.1:PORT/;accesskey=BASE64`, for `new SmsClient(connectionString)`. */
  readonly connectionString: string;
  readonly accessKey: string;
  outbox(): readonly SentSms[];
  clearOutbox(): void;
  requests(): readonly SmsRequestRecord[];
  /** The next `count` authenticated send requests fail with `status`; 429 always carries Retry-After (default 1 s). */
  failNext(count: number, status: TransientFailureStatus, retryAfterSeconds?: number): void;
  /** Sends to this number get a per-recipient failure inside the 202 and never reach the outbox. */
  failPermanently(phoneE164: string, kind?: PermanentFailureKind): void;
  /** Publish a delivery report for every text accepted from now on with delivery reports on; null stops. */
  reportDeliveriesTo(sink: DeliveryReportSink | null): void;
  /** Texts to this number are accepted, then reported `Failed` with these details (a handset off or out of reach). */
  failDelivery(phoneE164: string, details?: string): void;
  /** The delivery reports published so far, oldest first. */
  deliveryReports(): readonly PublishedDeliveryReport[];
  close(): Promise<void>;
}

/** What the app's local host serves at GET /dev/sms: full numbers, since it is the developer's own outbox. */
export function outboxJson(outbox: readonly SentSms[]): string {
  return JSON.stringify({ count: outbox.length, messages: outbox }, null, 2);
}

/** Keeps the leading digit (country hint) and the last four; logs get pasted into chats and issues. */
export function maskPhone(phone: string): string {
  const match = /^(\+?\d)(\d*)(\d{4})$/.exec(phone);
  if (!match?.[1] || match[2] === undefined || !match[3])
    return phone.length > 4 ? `${'*'.repeat(phone.length - 4)}${phone.slice(-4)}` : '****';
  return `${match[1]}${'*'.repeat(match[2].length)}${match[3]}`;
}

interface SendResult {
  readonly to: string;
  readonly messageId?: string;
  readonly httpStatusCode: number;
  readonly repeatabilityResult?: 'accepted' | 'rejected';
  readonly successful: boolean;
  readonly errorMessage?: string;
}

const sendRequestSchema = z.object({
  from: z.string().min(1),
  smsRecipients: z
    .array(z.object({ to: z.string(), repeatabilityRequestId: z.string().optional(), repeatabilityFirstSent: z.string().optional() }))
    .min(1)
    .max(100),
  message: z.string().max(2048),
  smsSendOptions: z.object({ enableDeliveryReport: z.boolean(), tag: z.string().optional() }).optional(),
});

const e164 = /^\+[1-9]\d{1,14}$/;
const rfc1123 = /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d{2}:\d{2}:\d{2} GMT$/;
const maxBodyBytes = 1024 * 1024;

// Error messages are the service's own where the spec's example shows them.
const invalidNumberMessage = 'Invalid To phone number format.';
const invalidFirstSentMessage =
  'Request sent with Invalid DateTime value for repeatability-first-sent. Expected is DateTime ,RFC1123 pattern.';
const permanentFailureMessages: Record<PermanentFailureKind, string> = {
  'invalid-number': invalidNumberMessage,
  // The real service accepts a send to an opted-out number and reports it later in the delivery
  // report ("Sender blocked for given recipient."); failing at send time lets tests cover the path.
  'opted-out': 'Sender blocked for given recipient.',
};
const transientFailures: Record<TransientFailureStatus, { code: string; message: string }> = {
  429: { code: 'TooManyRequests', message: 'Too many requests: the rate limit was exceeded.' },
  500: { code: 'InternalServerError', message: 'The server encountered an internal error.' },
  503: { code: 'ServiceUnavailable', message: 'The service is temporarily unavailable.' },
};

class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

function readBody(request: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      // Keep draining rather than destroying the socket, so the client still gets the 413.
      if (size <= maxBodyBytes) chunks.push(chunk);
    });
    request.on('end', () => {
      if (size > maxBodyBytes) reject(new HttpError(413, 'RequestEntityTooLarge', `The body exceeds ${maxBodyBytes} bytes.`));
      else resolve(Buffer.concat(chunks));
    });
    request.on('error', reject);
  });
}

function sendJson(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': String(Buffer.byteLength(text)),
    ...headers,
  });
  response.end(text);
}

/** The emulator's stand-in for the Communication Services resource id, the `topic` of its events. */
const emulatorTopic =
  '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/local/providers/Microsoft.Communication/CommunicationServices/sms-emulator';
const defaultDeliveryFailure = 'Message could not be delivered: the handset is unreachable.';

function deliveryReportOf(sent: SentSms, failure: string | undefined): SmsDeliveryReportEvent {
  const now = new Date().toISOString();
  const { segments } = smsSegments(sent.message);
  return {
    // As in Microsoft's examples: the event id is the message id, the subject the sending number.
    id: sent.messageId,
    topic: emulatorTopic,
    subject: `/phonenumber/${sent.from.replace(/^\+/, '')}`,
    eventType: smsDeliveryReportEventType,
    eventTime: now,
    data: {
      MessageId: sent.messageId,
      From: sent.from,
      To: sent.to,
      DeliveryStatus: failure === undefined ? 'Delivered' : 'Failed',
      DeliveryStatusDetails: failure ?? 'No error.',
      ReceivedTimestamp: now,
      DeliveryAttempts: [
        {
          Timestamp: sent.receivedAt,
          SegmentsSucceeded: failure === undefined ? segments : 0,
          SegmentsFailed: failure === undefined ? 0 : segments,
        },
      ],
      ...(sent.tag === undefined ? {} : { Tag: sent.tag }),
    },
    dataVersion: '1.0',
    metadataVersion: '1',
  };
}

function outgoingMessageId(now: Date): string {
  const stamp = now.toISOString().replace(/[-:T]/g, '').slice(0, 14);
  return `Outgoing_${stamp}${randomUUID()}`;
}

export async function startSmsEmulator(options: SmsEmulatorOptions = {}): Promise<SmsEmulator> {
  const accessKey = options.accessKey ?? randomBytes(64).toString('base64');
  const keyBytes = Buffer.from(accessKey, 'base64');
  const log =
    options.log ??
    ((line: string) => {
      console.log(line);
    });
  const outbox: SentSms[] = [];
  const requests: SmsRequestRecord[] = [];
  const pendingFailures: { status: TransientFailureStatus; retryAfterSeconds: number | undefined }[] = [];
  const permanentFailures = new Map<string, PermanentFailureKind>();
  // ACS keeps the first answer per repeatabilityRequestId and replays it instead of sending again.
  const repeatable = new Map<string, SendResult>();
  const deliveryFailures = new Map<string, string>();
  const published: PublishedDeliveryReport[] = [];
  let reportSink: DeliveryReportSink | null = null;
  const reportTimers = new Set<NodeJS.Timeout>();
  const reportsInFlight = new Set<Promise<void>>();
  const closing = new AbortController();

  /** POSTs the event the way Event Grid delivers to a webhook; a subscriber that fails is logged, never fatal. */
  const publish = async (sink: DeliveryReportSink, event: SmsDeliveryReportEvent): Promise<void> => {
    let status: number | 'unreachable';
    try {
      const response = await fetch(sink.endpointUrl, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'aeg-event-type': 'Notification',
          'aeg-subscription-name': 'SMS-EMULATOR',
          'aeg-delivery-count': '0',
          'aeg-data-version': event.dataVersion,
          'aeg-metadata-version': event.metadataVersion,
        },
        body: JSON.stringify([event]),
        signal: closing.signal,
      });
      await response.arrayBuffer();
      status = response.status;
    } catch (error) {
      status = 'unreachable';
      if (!closing.signal.aborted)
        log(`[acs-sms] delivery report ${event.id} not delivered: ${error instanceof Error ? error.message : String(error)}`);
    }
    published.push({ event, status });
    if (typeof status === 'number' && status >= 300)
      log(`[acs-sms] delivery report ${event.id} for ${maskPhone(event.data.To)}: subscriber answered ${status}`);
  };

  const scheduleDeliveryReport = (sent: SentSms): void => {
    const sink = reportSink;
    if (sink === null || !sent.enableDeliveryReport) return;
    const timer = setTimeout(() => {
      reportTimers.delete(timer);
      const posting = publish(sink, deliveryReportOf(sent, deliveryFailures.get(sent.to))).finally(() => reportsInFlight.delete(posting));
      reportsInFlight.add(posting);
    }, sink.delayMs ?? 500);
    reportTimers.add(timer);
  };

  const handleSend = (body: Buffer, auth: AuthScheme): SendResult[] => {
    let json: unknown;
    try {
      json = JSON.parse(body.toString('utf8'));
    } catch {
      throw new HttpError(400, 'BadRequest', 'The request body is not valid JSON.');
    }
    const parsed = sendRequestSchema.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new HttpError(400, 'BadRequest', `Invalid send request: ${issue ? `${issue.path.join('.')} ${issue.message}` : 'malformed'}`);
    }
    const request = parsed.data;
    const enableDeliveryReport = request.smsSendOptions?.enableDeliveryReport ?? false;
    const tag = request.smsSendOptions?.tag;

    return request.smsRecipients.map((recipient): SendResult => {
      const { to, repeatabilityRequestId: requestId, repeatabilityFirstSent: firstSent } = recipient;
      if (requestId !== undefined) {
        const previous = repeatable.get(requestId);
        if (previous) {
          log(`[acs-sms] replay of ${requestId} for ${maskPhone(to)}: answered as before, nothing sent`);
          return previous;
        }
        if (firstSent === undefined || !rfc1123.test(firstSent) || Number.isNaN(Date.parse(firstSent))) {
          log(`[acs-sms] refused ${maskPhone(to)}: ${invalidFirstSentMessage}`);
          return { to, httpStatusCode: 400, repeatabilityResult: 'rejected', successful: false, errorMessage: invalidFirstSentMessage };
        }
      }
      const repeatability = requestId === undefined ? {} : { repeatabilityResult: 'accepted' as const };
      const permanent = permanentFailures.get(to);
      const failure = !e164.test(to) ? invalidNumberMessage : permanent ? permanentFailureMessages[permanent] : undefined;
      let result: SendResult;
      if (failure !== undefined) {
        log(`[acs-sms] refused ${maskPhone(to)}: ${failure}`);
        result = { to, httpStatusCode: 400, ...repeatability, successful: false, errorMessage: failure };
      } else {
        const now = new Date();
        const messageId = outgoingMessageId(now);
        const sent: SentSms = {
          messageId,
          to,
          from: request.from,
          message: request.message,
          ...(tag === undefined ? {} : { tag }),
          enableDeliveryReport,
          receivedAt: now.toISOString(),
          ...(requestId === undefined ? {} : { repeatabilityRequestId: requestId }),
          ...(firstSent === undefined ? {} : { repeatabilityFirstSent: firstSent }),
          auth,
        };
        outbox.push(sent);
        scheduleDeliveryReport(sent);
        log(
          `[acs-sms] to ${maskPhone(to)} from ${maskPhone(request.from)}${tag === undefined ? '' : ` tag=${tag}`}: ${JSON.stringify(request.message)}`,
        );
        result = { to, messageId, httpStatusCode: 202, ...repeatability, successful: true };
      }
      if (requestId !== undefined) repeatable.set(requestId, result);
      return result;
    });
  };

  const handle = async (
    request: IncomingMessage,
    response: ServerResponse,
  ): Promise<{ status: number; auth?: AuthScheme; note?: string }> => {
    const target = request.url ?? '/';
    const url = new URL(target, 'http://emulator');
    if (url.pathname !== '/sms' || request.method !== 'POST') {
      request.resume();
      sendJson(response, 404, { error: { code: 'NotFound', message: `No route for ${request.method ?? ''} ${url.pathname}.` } });
      return { status: 404 };
    }
    const body = await readBody(request);
    const auth = authenticate(
      { method: request.method, pathAndQuery: target, headers: request.headers, body },
      {
        accessKey: keyBytes,
        acceptBearer: options.acceptBearer,
        now: Date.now,
      },
    );
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
    const injected = pendingFailures.shift();
    if (injected) {
      const { code, message } = transientFailures[injected.status];
      const retryAfter = injected.retryAfterSeconds ?? (injected.status === 429 ? 1 : undefined);
      sendJson(
        response,
        injected.status,
        { error: { code, message } },
        retryAfter === undefined ? {} : { 'retry-after': String(retryAfter) },
      );
      return { status: injected.status, auth: auth.scheme, note: `injected failure, ${pendingFailures.length} left` };
    }
    sendJson(response, 202, { value: handleSend(body, auth.scheme) });
    return { status: 202, auth: auth.scheme };
  };

  const listener = (request: IncomingMessage, response: ServerResponse): void => {
    const receivedAt = new Date().toISOString();
    const method = request.method ?? '';
    const path = request.url ?? '/';
    void handle(request, response)
      .catch((error: unknown) => {
        const known =
          error instanceof HttpError ? error : new HttpError(500, 'InternalServerError', 'The emulator failed; see its console.');
        if (!(error instanceof HttpError))
          log(`[acs-sms] emulator bug: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
        if (!response.headersSent) sendJson(response, known.status, { error: { code: known.code, message: known.message } });
        return { status: known.status, note: known.message };
      })
      .then((outcome) => {
        requests.push({ receivedAt, method, path, ...outcome });
        if (outcome.status >= 400) log(`[acs-sms] ${outcome.status} ${method} ${path}${outcome.note ? `: ${outcome.note}` : ''}`);
      });
  };

  const server: Server = options.https
    ? createHttpsServer({ key: options.https.key, cert: options.https.cert }, listener)
    : createHttpServer(listener);
  const port = await listenOnLoopback(server, options.port ?? 0);
  const endpoint = `${options.https ? 'https' : 'http'}://127.0.0.1:${port}`;

  return {
    endpoint,
    connectionString: `endpoint=${endpoint}/;accesskey=${accessKey}`,
    accessKey,
    outbox: () => [...outbox],
    clearOutbox: () => {
      outbox.length = 0;
    },
    requests: () => [...requests],
    failNext: (count, status, retryAfterSeconds) => {
      for (let i = 0; i < count; i++) pendingFailures.push({ status, retryAfterSeconds });
    },
    failPermanently: (phoneE164, kind = 'invalid-number') => {
      permanentFailures.set(phoneE164, kind);
    },
    reportDeliveriesTo: (sink) => {
      reportSink = sink;
    },
    failDelivery: (phoneE164, details = defaultDeliveryFailure) => {
      deliveryFailures.set(phoneE164, details);
    },
    deliveryReports: () => [...published],
    close: async () => {
      for (const timer of reportTimers) clearTimeout(timer);
      closing.abort();
      await Promise.all(reportsInFlight);
      await closeServer(server);
    },
  };
}
