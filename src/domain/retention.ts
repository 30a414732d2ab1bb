import type { Restaurant, Waitee } from './model.js';
import type { DueWork, Notification } from './notification.js';
import { isActive } from './waitee.js';

/**
 * How long a restaurant keeps a finished party's personal data (name, phone, notes and every copy of
 * them), in days after the party left the line; its statistics (status, times, party size, quote)
 * stay. See docs/architecture.md, Retention.
 */
export const retentionPolicy = { defaultDays: 30, minDays: 1, maxDays: 365 } as const;

/** What the one-time codes of account-less joins leave behind keyed by a phone number goes after this long (Cosmos DB TTL). */
export const codeDataLifetimeSeconds = 24 * 3_600;

/** The texts counted per phone number and UTC day go once that day cannot be counted any more (Cosmos DB TTL). */
export const textCountLifetimeSeconds = 2 * 24 * 3_600;

export function retentionDaysOf(restaurant: Pick<Restaurant, 'retentionDays'>): number {
  return restaurant.retentionDays ?? retentionPolicy.defaultDays;
}

/** The name a party keeps once its own was removed. */
export const removedName = 'Guest';

/** When a party left the line (seated, cancelled, no-show): where its retention period starts. */
export function endOf(waitee: Pick<Waitee, 'endedAt' | 'seatedAt' | 'updatedAt'>): string {
  return waitee.endedAt ?? waitee.seatedAt ?? waitee.updatedAt;
}

/**
 * The due entry that removes a finished party's personal data once the restaurant's period
 * has passed, planned with the save that finishes it (the period as set then: a later change of the
 * setting applies to parties finishing after it). Named by the save, like every timer's entry, so a
 * later save never replaces it. Null while the party is in line.
 */
export function forgetWork(
  waitee: Pick<Waitee, 'id' | 'waitlistId' | 'restaurantId' | 'status' | 'endedAt' | 'seatedAt' | 'updatedAt'>,
  retentionDays: number,
  saveId: string,
): DueWork | null {
  return isActive(waitee.status) ? null : forgetWorkFrom(waitee, endOf(waitee), retentionDays, saveId);
}

/** The removal of a party's personal data `retentionDays` after `endedAt` (also for a party deleted from the line, whose texts stay). */
export function forgetWorkFrom(
  party: Pick<Waitee, 'id' | 'waitlistId' | 'restaurantId'>,
  endedAt: string,
  retentionDays: number,
  saveId: string,
): DueWork {
  const dueAt = new Date(Date.parse(endedAt) + retentionDays * 86_400_000).toISOString();
  const { id, waitlistId, restaurantId } = party;
  return { id: `forget:${id}:${saveId}`, waitlistId, restaurantId, work: 'forget', targetId: id, dueAt };
}

/** The party without its personal data; null when it has none left to remove. */
export function withoutPersonalData(waitee: Waitee, now: string): Waitee | null {
  if (waitee.personalDataRemovedAt != null) return null;
  return { ...waitee, name: removedName, phone: null, notes: null, personalDataRemovedAt: now };
}

/**
 * A text without the number it went to and its words (which hold the party's name). A text never
 * sent by then never will be: it is recorded failed, so no consumer picks it up with nothing to send.
 */
export function textWithoutPersonalData(notification: Notification, now: string): Notification | null {
  if (notification.to === null && notification.message === null) return null;
  const unsent = notification.status === 'pending' || notification.status === 'enqueued' || notification.status === 'sending';
  return {
    ...notification,
    to: null,
    message: null,
    ...(unsent ? { status: 'failed' as const, failedAt: now, lastError: 'not sent: the party’s personal data was removed' } : {}),
  };
}
