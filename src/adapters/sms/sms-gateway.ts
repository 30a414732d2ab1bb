import { SmsClient, type SmsSendResult } from '@azure/communication-sms';
import type { TokenCredential } from '@azure/core-auth';
import type { PipelinePolicy } from '@azure/core-rest-pipeline';
import type { Config } from '../../config.js';
import { TransientSmsError, type SmsOutcome, type SmsRequest, type SmsSender } from '../../application/ports.js';

const repeatabilityHeader = 'x-waitlist-repeatability-id';
const firstSentHeader = 'x-waitlist-first-sent';

/**
 * ACS drops a repeated send with the same repeatabilityRequestId, but SmsClient makes a new one on
 * every call. This policy puts ours (the notification id, a UUID as ACS requires) into the body before the
 * request is signed, so a resend after a crash cannot text anyone twice.
 */
const repeatabilityPolicy: PipelinePolicy = {
  name: 'waitlistRepeatability',
  sendRequest: (request, next) => {
    const id = request.headers.get(repeatabilityHeader);
    const firstSent = request.headers.get(firstSentHeader);
    if (id !== undefined && firstSent !== undefined && typeof request.body === 'string') {
      const body = JSON.parse(request.body) as { smsRecipients?: { repeatabilityRequestId?: string; repeatabilityFirstSent?: string }[] };
      for (const recipient of body.smsRecipients ?? []) {
        recipient.repeatabilityRequestId = id;
        recipient.repeatabilityFirstSent = firstSent;
      }
      request.body = JSON.stringify(body);
    }
    request.headers.delete(repeatabilityHeader);
    request.headers.delete(firstSentHeader);
    return next(request);
  },
};

function statusOf(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null || !('statusCode' in error)) return undefined;
  return typeof error.statusCode === 'number' ? error.statusCode : undefined;
}

/** A failure that is the number's fault (invalid, opted out) is final; everything else is worth retrying. */
const isPermanentRecipientFailure = (result: SmsSendResult) =>
  result.httpStatusCode >= 400 && result.httpStatusCode < 500 && result.httpStatusCode !== 429;

/** The one ACS adapter: sends one text with delivery reports on; ACS echoes the tag in the report. */
export class SmsGateway implements SmsSender {
  private readonly client: SmsClient;

  /** An emulator connection string locally; in Azure the endpoint with the app's managed-identity credential. */
  constructor(
    private readonly settings: Config['sms'],
    credential: TokenCredential | undefined,
  ) {
    const options = {
      additionalPolicies: [{ policy: repeatabilityPolicy, position: 'perCall' as const }],
      retryOptions: { maxRetries: 2 },
    };
    if (settings.emulatorConnectionString !== undefined) {
      // Only reachable for a loopback emulator (config validation), which serves plain http.
      this.client = new SmsClient(settings.emulatorConnectionString, { ...options, allowInsecureConnection: true });
    } else if (settings.endpoint !== undefined && credential !== undefined) {
      this.client = new SmsClient(settings.endpoint, credential, options);
    } else {
      throw new Error('ACS needs an emulator connection string or an endpoint and a credential');
    }
  }

  async send(input: SmsRequest): Promise<SmsOutcome> {
    let results: SmsSendResult[];
    try {
      results = await this.client.send(
        { from: this.settings.from, to: [input.to], message: input.message },
        {
          enableDeliveryReport: true,
          tag: input.tag,
          requestOptions: {
            customHeaders: { [repeatabilityHeader]: input.notificationId, [firstSentHeader]: new Date(input.firstAttemptAt).toUTCString() },
          },
        },
      );
    } catch (error) {
      const status = statusOf(error);
      throw new TransientSmsError(
        `SMS provider call failed${status === undefined ? '' : ` with HTTP ${status}`}: ${error instanceof Error ? error.message : String(error)}`,
        { cause: error },
      );
    }
    const [result] = results;
    if (result === undefined) throw new TransientSmsError('SMS provider returned no result');
    if (result.successful && result.messageId !== undefined) return { kind: 'sent', providerMessageId: result.messageId };
    const reason = `${String(result.httpStatusCode)} ${result.errorMessage ?? 'rejected'}`;
    if (isPermanentRecipientFailure(result)) return { kind: 'rejected', reason };
    throw new TransientSmsError(`SMS provider could not send now: ${reason}`);
  }
}
