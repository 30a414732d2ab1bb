import { smsSegments } from '../../src/domain/messages.js';
import type { SentSms } from './outbox.js';
import { maskPhone } from '../../src/domain/notification.js';

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

/** The emulator's stand-in for the Communication Services resource id, the `topic` of its events. */
const emulatorTopic =
  '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/local/providers/Microsoft.Communication/CommunicationServices/sms-emulator';
export const defaultDeliveryFailure = 'Message could not be delivered: the handset is unreachable.';

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

/**
 * Publishes a delivery report for each text accepted with delivery reports on, once told where
 * (an Event Grid subscription's webhook), after the sink's delay, and keeps what it published.
 */
export class DeliveryReports {
  private sink: DeliveryReportSink | null = null;
  /** Phone number → the failure its texts are reported with. */
  private readonly failures = new Map<string, string>();
  private readonly published: PublishedDeliveryReport[] = [];
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly inFlight = new Set<Promise<void>>();
  private readonly closing = new AbortController();

  constructor(private readonly log: (line: string) => void) {}

  reportTo(sink: DeliveryReportSink | null): void {
    this.sink = sink;
  }

  failDeliveryTo(phoneE164: string, details: string): void {
    this.failures.set(phoneE164, details);
  }

  list(): readonly PublishedDeliveryReport[] {
    return [...this.published];
  }

  /** The report goes to the sink set when the text was accepted, even if reportDeliveriesTo changes before it is due. */
  schedule(sent: SentSms): void {
    const sink = this.sink;
    if (sink === null || !sent.enableDeliveryReport) return;
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      const posting = this.publish(sink, deliveryReportOf(sent, this.failures.get(sent.to))).finally(() => this.inFlight.delete(posting));
      this.inFlight.add(posting);
    }, sink.delayMs ?? 500);
    this.timers.add(timer);
  }

  /** Drops reports not yet due and cuts off those being posted. */
  async close(): Promise<void> {
    for (const timer of this.timers) clearTimeout(timer);
    this.closing.abort();
    await Promise.all(this.inFlight);
  }

  /** POSTs the event the way Event Grid delivers to a webhook; a subscriber that fails is logged, never fatal. */
  private async publish(sink: DeliveryReportSink, event: SmsDeliveryReportEvent): Promise<void> {
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
        signal: this.closing.signal,
      });
      await response.arrayBuffer();
      status = response.status;
    } catch (error) {
      status = 'unreachable';
      if (!this.closing.signal.aborted)
        this.log(`[acs-sms] delivery report ${event.id} not delivered: ${error instanceof Error ? error.message : String(error)}`);
    }
    this.published.push({ event, status });
    if (typeof status === 'number' && status >= 300)
      this.log(`[acs-sms] delivery report ${event.id} for ${maskPhone(event.data.To)}: subscriber answered ${status}`);
  }
}
