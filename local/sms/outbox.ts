import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { AuthScheme } from './auth.js';
import { HttpError } from './http.js';
import { maskPhone } from '../../src/domain/notification.js';

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

export type PermanentFailureKind = 'invalid-number' | 'opted-out';

/** One recipient's entry in the 202 answer. */
export interface SendResult {
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

type SendRequest = z.infer<typeof sendRequestSchema>;
type Recipient = SendRequest['smsRecipients'][number];
type Repeatability = { repeatabilityResult?: 'accepted' };

const e164 = /^\+[1-9]\d{1,14}$/;
const rfc1123 = /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d{2}:\d{2}:\d{2} GMT$/;

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

function parseSendRequest(body: Buffer): SendRequest {
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
  return parsed.data;
}

function outgoingMessageId(now: Date): string {
  const stamp = now.toISOString().replace(/[-:T]/g, '').slice(0, 14);
  return `Outgoing_${stamp}${randomUUID()}`;
}

/**
 * What the emulator does with a send request, recipient by recipient: refuses bad and blocked
 * numbers, replays the answer to a repeated repeatabilityRequestId, and keeps each accepted text.
 */
export class Outbox {
  private readonly sent: SentSms[] = [];
  private readonly permanentFailures = new Map<string, PermanentFailureKind>();
  // ACS keeps the first answer per repeatabilityRequestId and replays it instead of sending again.
  private readonly repeatable = new Map<string, SendResult>();

  constructor(
    private readonly onAccepted: (sent: SentSms) => void,
    private readonly log: (line: string) => void,
  ) {}

  messages(): readonly SentSms[] {
    return [...this.sent];
  }

  clear(): void {
    this.sent.length = 0;
  }

  failPermanently(phoneE164: string, kind: PermanentFailureKind): void {
    this.permanentFailures.set(phoneE164, kind);
  }

  /** The body of `POST /sms`; throws HttpError when it is not a valid send request. */
  send(body: Buffer, auth: AuthScheme): SendResult[] {
    const request = parseSendRequest(body);
    return request.smsRecipients.map((recipient) => this.sendTo(recipient, request, auth));
  }

  private sendTo(recipient: Recipient, request: SendRequest, auth: AuthScheme): SendResult {
    const { to, repeatabilityRequestId: requestId, repeatabilityFirstSent: firstSent } = recipient;
    if (requestId !== undefined) {
      const previous = this.repeatable.get(requestId);
      if (previous) {
        this.log(`[acs-sms] replay of ${requestId} for ${maskPhone(to)}: answered as before, nothing sent`);
        return previous;
      }
      if (firstSent === undefined || !rfc1123.test(firstSent) || Number.isNaN(Date.parse(firstSent))) {
        this.log(`[acs-sms] refused ${maskPhone(to)}: ${invalidFirstSentMessage}`);
        return { to, httpStatusCode: 400, repeatabilityResult: 'rejected', successful: false, errorMessage: invalidFirstSentMessage };
      }
    }
    const repeatability: Repeatability = requestId === undefined ? {} : { repeatabilityResult: 'accepted' };
    const failure = this.failureFor(to);
    let result: SendResult;
    if (failure !== undefined) {
      this.log(`[acs-sms] refused ${maskPhone(to)}: ${failure}`);
      result = { to, httpStatusCode: 400, ...repeatability, successful: false, errorMessage: failure };
    } else {
      result = this.accept(recipient, request, auth, repeatability);
    }
    if (requestId !== undefined) this.repeatable.set(requestId, result);
    return result;
  }

  private failureFor(to: string): string | undefined {
    const permanent = this.permanentFailures.get(to);
    return !e164.test(to) ? invalidNumberMessage : permanent ? permanentFailureMessages[permanent] : undefined;
  }

  private accept(recipient: Recipient, request: SendRequest, auth: AuthScheme, repeatability: Repeatability): SendResult {
    const { to, repeatabilityRequestId: requestId, repeatabilityFirstSent: firstSent } = recipient;
    const tag = request.smsSendOptions?.tag;
    const now = new Date();
    const messageId = outgoingMessageId(now);
    const sent: SentSms = {
      messageId,
      to,
      from: request.from,
      message: request.message,
      ...(tag === undefined ? {} : { tag }),
      enableDeliveryReport: request.smsSendOptions?.enableDeliveryReport ?? false,
      receivedAt: now.toISOString(),
      ...(requestId === undefined ? {} : { repeatabilityRequestId: requestId }),
      ...(firstSent === undefined ? {} : { repeatabilityFirstSent: firstSent }),
      auth,
    };
    this.sent.push(sent);
    this.onAccepted(sent);
    // The text itself stays in the outbox (GET /dev/sms): it holds names, codes and status links, which no log line may.
    this.log(
      `[acs-sms] to ${maskPhone(to)} from ${maskPhone(request.from)}${tag === undefined ? '' : ` tag=${tag}`}: ${request.message.length} characters`,
    );
    return { to, messageId, httpStatusCode: 202, ...repeatability, successful: true };
  }
}
