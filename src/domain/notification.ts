import type { MessageKind } from './messages.js';
import type { Waitee } from './model.js';
import { isActive } from './waitee.js';

/**
 * A text the product sends, recorded in the same partition as its waitee and in the same batch as
 * the change that caused it (the outbox). Its id is the Service Bus messageId, so a repeated
 * enqueue is dropped by duplicate detection and a repeated delivery finds the record already sent.
 *
 * pending → sending → sent | failed: the request that wrote it enqueues it and the consumer claims it
 * straight from pending; a record the producer's sweep finds still pending (the enqueue was lost) is
 * enqueued again under the same message id and marked enqueued. A transient provider error returns
 * it to enqueued.
 * The handset's delivery report then moves a sent text to delivered or failed.
 */
export type NotificationStatus = 'pending' | 'enqueued' | 'sending' | 'sent' | 'delivered' | 'failed';

/** Nothing is left for the consumer to send: the provider accepted the text (and may have reported on it), or it was given up. */
export function isSettled(status: NotificationStatus): boolean {
  return status === 'sent' || status === 'delivered' || status === 'failed';
}

/** A waitlist's texts, and the one-time code of an account-less join (whose `waiteeId` is the join's, later the party's, id). */
export type NotificationKind = MessageKind | 'join-code';

/** Where a join-code text's code goes: filled in by the consumer at send time, so no stored record holds the code. */
export const codePlaceholder = '{code}';

export interface Notification {
  readonly id: string;
  readonly waitlistId: string;
  readonly restaurantId: string;
  readonly waiteeId: string;
  readonly kind: NotificationKind;
  /** Null once its party's personal data was removed (src/domain/retention.ts), as is `message`. */
  readonly to: string | null;
  readonly message: string | null;
  readonly status: NotificationStatus;
  readonly dueAt: string;
  readonly createdAt: string;
  readonly enqueuedAt: string | null;
  readonly sendingSince: string | null;
  readonly sentAt: string | null;
  /** When the provider received the handset's delivery report; records written before delivery reports existed lack it. */
  readonly deliveredAt: string | null;
  readonly providerMessageId: string | null;
  readonly attempts: number;
  readonly lastError: string | null;
  readonly failedAt: string | null;
  /**
   * The W3C trace context of the work that wrote the record (the request, or the sweep), carried on
   * its queue message so the consumer's and the delivery report's spans join that trace. Absent on
   * records written before tracing, or outside a trace.
   */
  readonly traceparent?: string;
  /** The restaurant's time zone when the text was written, so its analytics count needs no read of the restaurant; absent on older records. */
  readonly timeZone?: string;
}

/** Where a record lives: the waitees container is partitioned by waitlist, so a point read needs both ids. */
/** Where every text starts: due now, never tried (the producer and the consumer take it from here). */
export function unsentState(
  now: string,
): Pick<
  Notification,
  | 'status'
  | 'dueAt'
  | 'createdAt'
  | 'enqueuedAt'
  | 'sendingSince'
  | 'sentAt'
  | 'deliveredAt'
  | 'providerMessageId'
  | 'attempts'
  | 'lastError'
  | 'failedAt'
> {
  return {
    status: 'pending',
    dueAt: now,
    createdAt: now,
    enqueuedAt: null,
    sendingSince: null,
    sentAt: null,
    deliveredAt: null,
    providerMessageId: null,
    attempts: 0,
    lastError: null,
    failedAt: null,
  };
}

export interface NotificationAddress {
  readonly waitlistId: string;
  readonly notificationId: string;
}

/**
 * The tag sent with each SMS, which ACS echoes in its delivery report: `{waitlistId}/{notificationId}`,
 * so that the report leads to the record with a point read.
 */
export function smsTagOf(notification: Pick<Notification, 'waitlistId' | 'id'>): string {
  return `${notification.waitlistId}/${notification.id}`;
}

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The record a delivery report's tag points at, or null for a tag this app did not write (both ids are UUIDs). */
export function parseSmsTag(tag: string | undefined): NotificationAddress | null {
  const [waitlistId, notificationId, ...rest] = tag?.split('/') ?? [];
  if (waitlistId === undefined || notificationId === undefined || rest.length > 0) return null;
  return uuid.test(waitlistId) && uuid.test(notificationId) ? { waitlistId, notificationId } : null;
}

/** An SMS delivery report as the use case needs it (the Event Grid function validates the event). */
export interface DeliveryReport {
  readonly providerMessageId: string;
  /** ACS `DeliveryStatus`: documented as "Delivered" or "Failed"; carriers' other words (e.g. "Expired") also occur. */
  readonly deliveryStatus: string;
  readonly deliveryStatusDetails: string | null;
  readonly receivedAt: string;
}

export type DeliveryOutcome = { readonly kind: 'delivered' } | { readonly kind: 'failed'; readonly reason: string };

/** Only "Delivered" means the handset has the text; every other status is a failure, explained by the details. */
export function deliveryOutcome(report: Pick<DeliveryReport, 'deliveryStatus' | 'deliveryStatusDetails'>): DeliveryOutcome {
  if (report.deliveryStatus.toLowerCase() === 'delivered') return { kind: 'delivered' };
  const details = report.deliveryStatusDetails?.trim() ?? '';
  return { kind: 'failed', reason: details === '' ? `delivery status ${report.deliveryStatus}, no details` : details };
}

/**
 * Whether a delivery report can be about this record's text: its provider message id must be the
 * one the send recorded, since anyone who can reach the webhook could otherwise mark a text
 * "delivered", or stop it being sent at all. A record with no id yet takes the report's only once a
 * consumer has handed it to the provider (`sendingSince`): the report overtook the consumer, and
 * withSendRecorded checks the id when the sender's own arrives.
 */
export function reportIsFor(
  notification: Pick<Notification, 'providerMessageId' | 'sendingSince'>,
  report: Pick<DeliveryReport, 'providerMessageId'>,
): boolean {
  if (notification.providerMessageId === null) return notification.sendingSince !== null;
  return notification.providerMessageId === report.providerMessageId;
}

/**
 * The record after a delivery report, or null when the report changes nothing (or is about
 * another text, see reportIsFor). Reports arrive at
 * least once and in any order, possibly before the consumer recorded `sent`, so the result depends
 * on neither: a repeated report is a no-op, `delivered` is final, and a failure holds only until a
 * delivery is reported.
 */
export function withDeliveryReport(notification: Notification, report: DeliveryReport): Notification | null {
  if (notification.status === 'delivered' || !reportIsFor(notification, report)) return null;
  const outcome = deliveryOutcome(report);
  const providerMessageId = notification.providerMessageId ?? report.providerMessageId;
  if (outcome.kind === 'delivered') {
    return { ...notification, status: 'delivered', deliveredAt: report.receivedAt, providerMessageId, lastError: null, failedAt: null };
  }
  const failed: Notification = {
    ...notification,
    status: 'failed',
    failedAt: report.receivedAt,
    lastError: outcome.reason,
    providerMessageId,
  };
  const unchanged =
    notification.status === 'failed' &&
    notification.failedAt === failed.failedAt &&
    notification.lastError === failed.lastError &&
    notification.providerMessageId === providerMessageId;
  return unchanged ? null : failed;
}

/**
 * The record once the consumer knows the provider accepted the text: `sent`, unless a delivery
 * report got there first, whose outcome then stays and gains what only the sender knows. Null when
 * there is nothing to add (another consumer recorded the same send).
 */
export function withSendRecorded(
  notification: Notification,
  send: { readonly sentAt: string; readonly providerMessageId: string },
): Notification | null {
  const sentAt = notification.sentAt ?? send.sentAt;
  const providerMessageId = notification.providerMessageId ?? send.providerMessageId;
  if (!reportIsFor(notification, send)) {
    // The outcome came from a report about another message id: it was never this text's.
    return {
      ...notification,
      status: 'sent',
      sentAt,
      providerMessageId: send.providerMessageId,
      deliveredAt: null,
      failedAt: null,
      lastError: null,
    };
  }
  if (notification.status === 'delivered' || notification.status === 'failed') {
    return sentAt === notification.sentAt && providerMessageId === notification.providerMessageId
      ? null
      : { ...notification, sentAt, providerMessageId };
  }
  if (notification.status === 'sent') return null;
  return { ...notification, status: 'sent', sentAt, providerMessageId, lastError: null };
}

/** A text that still has its number and words: one a consumer can send (retention removes both from old ones). */
export type AddressedNotification = Notification & { readonly to: string; readonly message: string };

export function isAddressed(notification: Notification): notification is AddressedNotification {
  return notification.to !== null && notification.message !== null;
}

/** Masks a phone number for logs: the country code and the last four digits stay readable. */
export function maskPhone(phone: string | null): string {
  if (phone === null) return '(number removed)';
  if (phone.length <= 6) return '*'.repeat(phone.length);
  return `${phone.slice(0, 2)}${'*'.repeat(phone.length - 6)}${phone.slice(-4)}`;
}

/** Minutes after a table-ready text before the waitee is paged again, then marked no-show. */
export interface PagingPlan {
  readonly rePageAt: string;
  readonly noShowAt: string;
}

export function pagingPlan(notifiedAt: string, gracePeriodMinutes: number): PagingPlan {
  const start = Date.parse(notifiedAt);
  return {
    rePageAt: new Date(start + gracePeriodMinutes * 60_000).toISOString(),
    noShowAt: new Date(start + 2 * gracePeriodMinutes * 60_000).toISOString(),
  };
}

/** Waitees at or above this position get one "getting close" text. */
export const gettingClosePosition = 2;

/**
 * One thing the producer must do at a time: hand a pending record to Service Bus, move a notified
 * waitee's paging timer on, or make sure the waitees near the front of a shorter line were told.
 * The sweep reads these instead of the waitees and records. In Azure its cost follows the work that
 * is due, not the data stored: the entries are selected by an index on their type and due time
 * (docs/architecture.md, "Cost follows the work"). The local emulator copies the whole container
 * for every query, so there the sweep's query grows with the parties stored beside the entries.
 *
 * An entry is stored beside the party it is about (same partition) and written in the same
 * transactional batch as the change that needs it, so the sweep finds every committed record or
 * timer, and a save the store refuses leaves none. An entry can still name nothing (one the earlier
 * design left when a save stopped midway, or a record gone since): the sweep drops it once no write
 * that would fill it can still be in flight.
 */
export const producerWork = ['enqueue', 'paging', 'line', 'rollup'] as const;
/** The producer's work, and the retention sweep's: removing a finished party's personal data (src/domain/retention.ts). */
export type DueWorkKind = (typeof producerWork)[number] | 'forget';

export interface DueWork {
  readonly id: string;
  readonly waitlistId: string;
  readonly restaurantId: string;
  readonly work: DueWorkKind;
  /** The notification id (enqueue), the waitee id (paging, forget, rollup) or the waitlist id (line). */
  readonly targetId: string;
  readonly dueAt: string;
}

/** No write is in flight longer than this (Cosmos DB requests time out within seconds). */
export const dueWorkSettleMs = 5 * 60_000;

export function enqueueWork(notification: Pick<Notification, 'id' | 'waitlistId' | 'restaurantId' | 'dueAt'>): DueWork {
  const { id, waitlistId, restaurantId, dueAt } = notification;
  return { id: `enqueue:${id}`, waitlistId, restaurantId, work: 'enqueue', targetId: id, dueAt };
}

/**
 * A waitee left the line: the waitees now near the front are owed a "getting close" text. The
 * request that made the change tells them at once; this entry is the backstop for a process that
 * stopped before it could, due once that request is surely over (telling the line is idempotent).
 */
export function lineWork(waitlist: { readonly id: string; readonly restaurantId: string }, changedAt: string, saveId: string): DueWork {
  const dueAt = new Date(Date.parse(changedAt) + dueWorkSettleMs).toISOString();
  return {
    id: `line:${waitlist.id}:${saveId}`,
    waitlistId: waitlist.id,
    restaurantId: waitlist.restaurantId,
    work: 'line',
    targetId: waitlist.id,
    dueAt,
  };
}

type SavedParty = Pick<Waitee, 'id' | 'waitlistId' | 'restaurantId' | 'pagingDueAt' | 'status' | 'updatedAt'>;

/**
 * A timer's entry is named by the save that sets it (`saveId`), never shared: a later timer never
 * replaces an earlier one (the sweep acts on an entry only while the party's timer still says it).
 */
export function pagingWork(waitee: Pick<Waitee, 'id' | 'waitlistId' | 'restaurantId' | 'pagingDueAt'>, saveId: string): DueWork | null {
  const { id, waitlistId, restaurantId, pagingDueAt } = waitee;
  if (pagingDueAt === null || pagingDueAt === undefined) return null;
  return { id: `paging:${id}:${saveId}`, waitlistId, restaurantId, work: 'paging', targetId: id, dueAt: pagingDueAt };
}

/** The entries a waitee's save with these new records needs, written in the save's batch. */
export function dueWorkFor(waitee: SavedParty, notifications: readonly Notification[], saveId: string): DueWork[] {
  const paging = pagingWork(waitee, saveId);
  const left = isActive(waitee.status)
    ? null
    : lineWork({ id: waitee.waitlistId, restaurantId: waitee.restaurantId }, waitee.updatedAt, saveId);
  // A text refused before it was sent (an unverified number, a limit) is recorded failed, with nothing left to enqueue.
  const toSend = notifications.filter((n) => n.status === 'pending');
  return [...toSend.map(enqueueWork), ...[paging, left].filter((entry) => entry !== null)];
}

/**
 * A party that left the line is owed a count in its day's analytics rollup (application/analytics.ts),
 * and its texts their outcomes: the producer's next sweep counts them, off the request that moved the
 * party (counting is idempotent, so a sweep that counts twice is harmless). Due at once; one per party.
 */
export function rollupWork(waitee: Pick<Waitee, 'id' | 'waitlistId' | 'restaurantId' | 'updatedAt'>): DueWork {
  return {
    id: `rollup:${waitee.id}`,
    waitlistId: waitee.waitlistId,
    restaurantId: waitee.restaurantId,
    work: 'rollup',
    targetId: waitee.id,
    dueAt: waitee.updatedAt,
  };
}

/**
 * Whether an entry whose record or timer is not (or no longer) there can go: only once no write
 * that would put it there can still be in flight.
 */
export function canDropUnfilled(work: DueWork, now: Date): boolean {
  return now.getTime() - Date.parse(work.dueAt) > dueWorkSettleMs;
}
