import type { MessageKind } from './messages.js';
import type { Waitee } from './model.js';

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

/**
 * One thing the producer must do at a time: hand a pending record to Service Bus, or move a
 * notified party's paging timer on. The sweep reads these instead of the parties and records, so
 * its cost follows the work that is due, not the data stored (principle 6) on any engine.
 *
 * An entry is written before the change that needs it (they live in different partitions, so one
 * transaction cannot hold both); the sweep therefore finds every committed record or timer. A save
 * that fails takes its entries back; one that crashed midway leaves an entry naming nothing, which
 * the sweep drops once no write that would fill it can still be in flight.
 */
export interface DueWork {
  readonly id: string;
  readonly waitlistId: string;
  readonly work: 'enqueue' | 'paging';
  /** The notification id (enqueue) or the party id (paging). */
  readonly targetId: string;
  readonly dueAt: string;
}

/** No write is in flight longer than this (Cosmos DB requests time out within seconds). */
export const dueWorkSettleMs = 5 * 60_000;

export function enqueueWork(notification: Pick<Notification, 'id' | 'waitlistId' | 'dueAt'>): DueWork {
  return { id: `enqueue:${notification.id}`, waitlistId: notification.waitlistId, work: 'enqueue', targetId: notification.id, dueAt: notification.dueAt };
}

/**
 * A timer's entry is named by the save that sets it (`saveId`), never shared: a save that fails can
 * take back exactly its own entries, and a later timer never replaces an earlier one.
 */
export function pagingWork(waitee: Pick<Waitee, 'id' | 'waitlistId' | 'pagingDueAt'>, saveId: string): DueWork | null {
  if (waitee.pagingDueAt === null || waitee.pagingDueAt === undefined) return null;
  return { id: `paging:${waitee.id}:${saveId}`, waitlistId: waitee.waitlistId, work: 'paging', targetId: waitee.id, dueAt: waitee.pagingDueAt };
}

/** The entries a party's save with these new records needs, written before the save. */
export function dueWorkFor(waitee: Pick<Waitee, 'id' | 'waitlistId' | 'pagingDueAt'>, notifications: readonly Notification[], saveId: string): DueWork[] {
  const paging = pagingWork(waitee, saveId);
  return [...notifications.map(enqueueWork), ...(paging === null ? [] : [paging])];
}

/**
 * Whether an entry whose record or timer is not (or no longer) there can go: only once no write
 * that would put it there can still be in flight.
 */
export function isSettled(work: DueWork, now: Date): boolean {
  return now.getTime() - Date.parse(work.dueAt) > dueWorkSettleMs;
}
