/**
 * A loopback Azure Communication Services SMS endpoint for the local stack and tests.
 *
 * Hand-written because no ACS emulator exists (not on npm, not as a container): the real
 * `SmsClient` talks to this server unchanged (docs/architecture.md, "Same code everywhere"), so it
 * checks what the SDK really sends — `POST /sms?api-version=…`, HMAC-SHA256 request signing or a Bearer token — and answers in the
 * shapes of the 2021-03-07 REST spec (azure-rest-api-specs, Sms/stable/2021-03-07): 202 with one
 * result per recipient, failures per recipient inside the 202, `{ error: { code, message } }` for
 * whole-request errors. Accepted messages go to an in-memory outbox that a developer reads on the
 * console or as JSON; nothing is delivered anywhere. When told where (`reportDeliveriesTo`), it
 * publishes a `Microsoft.Communication.SMSDeliveryReportReceived` event for each accepted text sent
 * with delivery reports on, POSTed as an Event Grid subscription delivers it.
 */
import { randomBytes } from 'node:crypto';
import { createServer as createHttpServer } from 'node:http';
import type { Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { closeServer, listenOnLoopback } from '../loopback.js';
import { DeliveryReports, defaultDeliveryFailure } from './delivery-reports.js';
import type { DeliveryReportSink, PublishedDeliveryReport } from './delivery-reports.js';
import { Outbox } from './outbox.js';
import type { PermanentFailureKind, SentSms } from './outbox.js';
import { SmsRequests } from './requests.js';
import type { SmsRequestRecord, TransientFailureStatus } from './requests.js';

export { smsDeliveryReportEventType } from './delivery-reports.js';
export type { DeliveryReportSink, PublishedDeliveryReport, SmsDeliveryReportEvent } from './delivery-reports.js';
export type { PermanentFailureKind, SentSms } from './outbox.js';
export type { SmsRequestRecord, TransientFailureStatus } from './requests.js';

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

export async function startSmsEmulator(options: SmsEmulatorOptions = {}): Promise<SmsEmulator> {
  const accessKey = options.accessKey ?? randomBytes(64).toString('base64');
  const log =
    options.log ??
    ((line: string) => {
      console.log(line);
    });
  const reports = new DeliveryReports(log);
  const outbox = new Outbox((sent) => {
    reports.schedule(sent);
  }, log);
  const requests = new SmsRequests({ accessKey: Buffer.from(accessKey, 'base64'), acceptBearer: options.acceptBearer }, outbox, log);

  const server: Server = options.https
    ? createHttpsServer({ key: options.https.key, cert: options.https.cert }, requests.listener)
    : createHttpServer(requests.listener);
  const port = await listenOnLoopback(server, options.port ?? 0);
  const endpoint = `${options.https ? 'https' : 'http'}://127.0.0.1:${port}`;

  return {
    endpoint,
    connectionString: `endpoint=${endpoint}/;accesskey=${accessKey}`,
    accessKey,
    outbox: () => outbox.messages(),
    clearOutbox: () => {
      outbox.clear();
    },
    requests: () => requests.records(),
    failNext: (count, status, retryAfterSeconds) => {
      requests.failNext(count, status, retryAfterSeconds);
    },
    failPermanently: (phoneE164, kind = 'invalid-number') => {
      outbox.failPermanently(phoneE164, kind);
    },
    reportDeliveriesTo: (sink) => {
      reports.reportTo(sink);
    },
    failDelivery: (phoneE164, details = defaultDeliveryFailure) => {
      reports.failDeliveryTo(phoneE164, details);
    },
    deliveryReports: () => reports.list(),
    close: async () => {
      await reports.close();
      await closeServer(server);
    },
  };
}
