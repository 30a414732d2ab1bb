import { metrics, type Attributes, type Counter, type Gauge, type Histogram, type Meter, type MeterProvider } from '@opentelemetry/api';
import type { NotificationKind } from '../domain/notification.js';
import type { DomainError } from '../domain/errors.js';

/**
 * Every metric the app records, in one place (docs/observability.md, Metrics, lists them with the
 * alerts that read them). Only `@opentelemetry/api`: a no-op until a host registers a meter
 * provider (Azure Monitor in Azure, local/metrics.ts locally). Attributes are bounded words and
 * ids, never personal data: no phone number, name, code or token, and no provider error text.
 */

/** Why a text ended `failed`, as a dashboard groups it. */
export type TextFailureReason =
  /** The provider refused the recipient (invalid number, opted out). */
  | 'rejected'
  /** A daily count of texts (per number, per restaurant) was full when the consumer came to send it. */
  | 'send-limit'
  /** Transient provider failures on every delivery, up to the queue's max delivery count. */
  | 'retries-exhausted'
  /** The provider sent it but the handset's delivery report says it did not arrive. */
  | 'undelivered';

/** Why the last delivery of a message failed: the provider's transient failures, a body that is no notification, anything else. */
export type DeadLetterReason = 'retries-exhausted' | 'malformed-message' | 'processing-error';

export type LockoutKind = 'login' | 'join-code';

export type WorkKind = 'enqueue' | 'paging' | 'line';

/** Seconds, for request-sized work (OpenTelemetry's recommended http.server.request.duration buckets). */
const requestBuckets = [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10];
/** Seconds, for a text's way from the move that owed it to the handset. */
const textBuckets = [0.5, 1, 2, 5, 10, 20, 30, 60, 120, 300, 600, 1800];

function instrumentsOf(meter: Meter) {
  return {
    textsSent: meter.createCounter('waitlist.texts.sent', { unit: '{text}', description: 'Texts the SMS provider accepted' }),
    textsFailed: meter.createCounter('waitlist.texts.failed', { unit: '{text}', description: 'Texts that ended failed, by reason' }),
    textsDelivered: meter.createCounter('waitlist.texts.delivered', {
      unit: '{text}',
      description: 'Texts a delivery report says reached the handset',
    }),
    notifyToSent: meter.createHistogram('waitlist.text.notify_to_sent', {
      unit: 's',
      description: 'From the move that owed a text (a notify) to the provider accepting it',
      advice: { explicitBucketBoundaries: textBuckets },
    }),
    notifyToDelivered: meter.createHistogram('waitlist.text.notify_to_delivered', {
      unit: 's',
      description: 'From the move that owed a text (a notify) to its delivery on the handset',
      advice: { explicitBucketBoundaries: textBuckets },
    }),
    oldestDueAge: meter.createGauge('waitlist.due.oldest_age', {
      unit: 's',
      description: 'Age of the oldest due entry a sweep found, 0 when none (a stuck producer grows it)',
    }),
    sweepDuration: meter.createHistogram('waitlist.sweep.duration', {
      unit: 's',
      description: "The producer's sweep, start to end",
      advice: { explicitBucketBoundaries: requestBuckets },
    }),
    sweepItems: meter.createCounter('waitlist.sweep.items', {
      unit: '{item}',
      description: 'Due-index entries the sweeps handled, by kind',
    }),
    redeliveries: meter.createCounter('waitlist.queue.redeliveries', {
      unit: '{message}',
      description: 'Notification messages delivered again after a failed delivery',
    }),
    deadLetters: meter.createCounter('waitlist.queue.dead_letters', {
      unit: '{message}',
      description: 'Notification messages left to the dead-letter queue (the last delivery failed)',
    }),
    lineParties: meter.createGauge('waitlist.line.parties', { unit: '{party}', description: 'Parties in line (waiting or notified)' }),
    httpDuration: meter.createHistogram('http.server.request.duration', {
      unit: 's',
      description: 'API requests, by route, method and status',
      advice: { explicitBucketBoundaries: requestBuckets },
    }),
    problems: meter.createCounter('waitlist.problems', {
      unit: '{response}',
      description: 'problem+json answers, by problem type and route',
    }),
    lockouts: meter.createCounter('waitlist.lockouts', {
      unit: '{lockout}',
      description: 'Attempts refused because their limit is used up (sign-ins, join codes)',
    }),
    sendLimitHits: meter.createCounter('waitlist.send_limit.hits', { unit: '{refusal}', description: 'Texts refused by a send limit' }),
  } satisfies Record<string, Counter | Histogram | Gauge>;
}

type Instruments = ReturnType<typeof instrumentsOf>;

let built: { readonly provider: MeterProvider; readonly instruments: Instruments } | undefined;

/**
 * The instruments of the meter provider registered now. Fetched on first use, not at import, so a
 * host that registers its provider after importing the app still gets real instruments; made again
 * only if the host registers another provider (tests and the bench switch telemetry on and off).
 */
function instruments(): Instruments {
  const provider = metrics.getMeterProvider();
  if (built?.provider !== provider) built = { provider, instruments: instrumentsOf(provider.getMeter('waitlist')) };
  return built.instruments;
}

const secondsBetween = (from: string, to: string): number => Math.max(0, (Date.parse(to) - Date.parse(from)) / 1000);

/** The consumer handed a text to the provider; `createdAt` is when the move that owed it was written. */
export function recordTextSent(text: { kind: NotificationKind; createdAt: string }, sentAt: string): void {
  const attributes = { 'text.kind': text.kind };
  instruments().textsSent.add(1, attributes);
  instruments().notifyToSent.record(secondsBetween(text.createdAt, sentAt), attributes);
}

export function recordTextFailed(kind: NotificationKind, reason: TextFailureReason): void {
  instruments().textsFailed.add(1, { 'text.kind': kind, 'failure.reason': reason });
}

export function recordTextDelivered(text: { kind: NotificationKind; createdAt: string }, deliveredAt: string): void {
  const attributes = { 'text.kind': text.kind };
  instruments().textsDelivered.add(1, attributes);
  instruments().notifyToDelivered.record(secondsBetween(text.createdAt, deliveredAt), attributes);
}

/** One sweep: how long it took, the entries it found by kind, and how late the oldest was. */
export function recordSweep(sweep: { seconds: number; oldestDueAgeSeconds: number; items: Readonly<Record<WorkKind, number>> }): void {
  const m = instruments();
  m.sweepDuration.record(sweep.seconds);
  m.oldestDueAge.record(sweep.oldestDueAgeSeconds);
  for (const [kind, count] of Object.entries(sweep.items)) if (count > 0) m.sweepItems.add(count, { 'work.kind': kind });
}

export function recordRedelivery(): void {
  instruments().redeliveries.add(1);
}

export function recordDeadLetter(reason: DeadLetterReason): void {
  instruments().deadLetters.add(1, { 'failure.reason': reason });
}

export function recordLineParties(line: { restaurantId: string; waitlistId: string }, parties: number): void {
  instruments().lineParties.record(parties, { 'restaurant.id': line.restaurantId, 'waitlist.id': line.waitlistId });
}

/** One API request; `problemType` is the problem+json `type` when the answer was one. */
export function recordHttpRequest(request: {
  route: string;
  method: string;
  status: number;
  seconds: number;
  problemType: string | undefined;
}): void {
  const attributes: Attributes = {
    'http.route': request.route,
    'http.request.method': request.method,
    'http.response.status_code': request.status,
  };
  instruments().httpDuration.record(request.seconds, attributes);
  if (request.problemType !== undefined)
    instruments().problems.add(1, { 'problem.type': request.problemType, 'http.route': request.route });
}

export function recordLockout(kind: LockoutKind): void {
  instruments().lockouts.add(1, { 'lockout.kind': kind });
}

/**
 * A text refused by a limit (textLimitReached in src/domain/send-limits.ts): `limit.kind` is its
 * scope, the party's own (`party`, `party-spacing`), the number's day or the restaurant's day.
 */
export function recordSendLimitHit(refusal: DomainError): void {
  const scope = refusal.details.limitScope;
  instruments().sendLimitHits.add(1, { 'limit.kind': typeof scope === 'string' ? scope : 'unknown' });
}
