import type { MessageKind } from './messages.js';

/**
 * A text the product sends, recorded in the same partition as its party and in the same batch as
 * the change that caused it (the outbox). Its id is the Service Bus messageId, so a repeated
 * enqueue is dropped by duplicate detection and a repeated delivery finds the record already sent.
 *
 * pending → enqueued → sending → sent | failed; a transient provider error returns it to enqueued.
 * The handset's delivery report then moves a sent text to delivered or failed.
 */
export type NotificationStatus = 'pending' | 'enqueued' | 'sending' | 'sent' | 'delivered' | 'failed';

/** Nothing is left for the consumer to send: the provider accepted the text (and may have reported on it), or it was given up. */
export function isSettled(status: NotificationStatus): boolean {
  return status === 'sent' || status === 'delivered' || status === 'failed';
}

export interface Notification {
  readonly id: string;
  readonly waitlistId: string;
  readonly restaurantId: string;
  readonly waiteeId: string;
  readonly kind: MessageKind;
  readonly to: string;
  readonly message: string;
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
}

/** Where a record lives: the waitees container is partitioned by waitlist, so a point read needs both ids. */
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
 * The record after a delivery report, or null when the report changes nothing. Reports arrive at
 * least once and in any order, possibly before the consumer recorded `sent`, so the result depends
 * on neither: a repeated report is a no-op, `delivered` is final, and a failure holds only until a
 * delivery is reported.
 */
export function withDeliveryReport(notification: Notification, report: DeliveryReport): Notification | null {
  if (notification.status === 'delivered') return null;
  const outcome = deliveryOutcome(report);
  const providerMessageId = notification.providerMessageId ?? report.providerMessageId;
  if (outcome.kind === 'delivered') {
    return { ...notification, status: 'delivered', deliveredAt: report.receivedAt, providerMessageId, lastError: null, failedAt: null };
  }
  const failed: Notification = { ...notification, status: 'failed', failedAt: report.receivedAt, lastError: outcome.reason, providerMessageId };
  const unchanged = notification.status === 'failed' && notification.failedAt === failed.failedAt && notification.lastError === failed.lastError && notification.providerMessageId === providerMessageId;
  return unchanged ? null : failed;
}

/**
 * The record once the consumer knows the provider accepted the text: `sent`, unless a delivery
 * report got there first, whose outcome then stays and gains what only the sender knows. Null when
 * there is nothing to add (another consumer recorded the same send).
 */
export function withSendRecorded(notification: Notification, send: { readonly sentAt: string; readonly providerMessageId: string }): Notification | null {
  const sentAt = notification.sentAt ?? send.sentAt;
  const providerMessageId = notification.providerMessageId ?? send.providerMessageId;
  if (notification.status === 'delivered' || notification.status === 'failed') {
    return sentAt === notification.sentAt && providerMessageId === notification.providerMessageId ? null : { ...notification, sentAt, providerMessageId };
  }
  if (notification.status === 'sent') return null;
  return { ...notification, status: 'sent', sentAt, providerMessageId, lastError: null };
}

/** Masks a phone number for logs: the country code and the last four digits stay readable. */
export function maskPhone(phone: string): string {
  if (phone.length <= 6) return '*'.repeat(phone.length);
  return `${phone.slice(0, 2)}${'*'.repeat(phone.length - 6)}${phone.slice(-4)}`;
}

/** Minutes after a table-ready text before the party is paged again, then marked no-show. */
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

/** Parties at or above this position get one "getting close" text. */
export const gettingClosePosition = 2;
