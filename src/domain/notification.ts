import type { MessageKind } from './messages.js';

/**
 * A text the product sends, recorded in the same partition as its party and in the same batch as
 * the change that caused it (the outbox). Its id is the Service Bus messageId, so a repeated
 * enqueue is dropped by duplicate detection and a repeated delivery finds the record already sent.
 *
 * pending → enqueued → sending → sent | failed; a transient provider error returns it to enqueued.
 */
export type NotificationStatus = 'pending' | 'enqueued' | 'sending' | 'sent' | 'failed';

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
  readonly providerMessageId: string | null;
  readonly attempts: number;
  readonly lastError: string | null;
  readonly failedAt: string | null;
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
