import { randomUUID } from 'node:crypto';
import type { Restaurant, Waitee } from '../domain/model.js';
import { dueWorkFor, rollupWork, type DueWork, type Notification } from '../domain/notification.js';
import { forgetWork, retentionDaysOf } from '../domain/retention.js';
import { isActive } from '../domain/waitee.js';
import type { SavedWithNotifications } from './ports.js';
import type { Services } from './services.js';

/**
 * The only ways a waitee is written, and which to use when:
 * - saveDetails: staff change the name, phone, party size or notes. Nothing becomes due, nothing is sent.
 * - saveMove: the waitee moves (notify, seat, cancel, a timer's step, a flag like "getting close
 *   sent"), with the texts the move owes written in the same batch (the outbox).
 * - removeWaitee: staff delete the waitee, with the work that leaves for the line behind it.
 * Every write that leaves work for the producer writes its due entries in its own transactional
 * batch (they live in the waitee's partition), so the producer finds the work of every save that
 * landed, and a save the store refuses leaves none.
 */

/** An ETag-checked replace; a conflict throws VersionConflict for the caller's policy to handle. */
export async function saveDetails(s: Pick<Services, 'waitees'>, waitee: Waitee, etag: string): Promise<SavedWithNotifications> {
  const saved = await s.waitees.replace(waitee, etag);
  return { etag: saved.etag, notifications: [] };
}

/** What saving a finished party reads of its restaurant. */
export type FinishingRestaurant = Partial<Pick<Restaurant, 'retentionDays'>>;

/**
 * Replaces the waitee (if its ETag still matches), creates the notifications and plans the due
 * entries that make the producer send them, page again, tell the line behind, count the party and
 * later forget it: one batch, all or nothing.
 */
export async function saveMove(
  s: Pick<Services, 'notifications'>,
  waitee: Waitee,
  etag: string,
  notifications: readonly Notification[],
  /**
   * The waitee's restaurant, needed when the move finishes the party: its retention period plans the
   * removal of its personal data. Empty for a restaurant gone meanwhile: the default applies.
   */
  restaurant?: FinishingRestaurant,
): Promise<SavedWithNotifications> {
  const saveId = randomUUID();
  if (!isActive(waitee.status) && restaurant === undefined) throw new Error(`saving finished waitee ${waitee.id} needs its restaurant`);
  const forget = restaurant === undefined ? null : forgetWork(waitee, retentionDaysOf(restaurant), saveId);
  // A party leaving the line is owed its analytics count: planned with the move, counted by the sweep.
  const rollup = isActive(waitee.status) ? null : rollupWork(waitee);
  const dueWork = [...dueWorkFor(waitee, notifications, saveId), ...[forget, rollup].filter((entry) => entry !== null)];
  return s.notifications.replaceWaiteeWith(waitee, etag, notifications, dueWork);
}

/** Deletes the waitee (if its ETag still matches) with the due entries `owed` to the line, in one batch. */
export async function removeWaitee(
  s: Pick<Services, 'waitees'>,
  waitee: Pick<Waitee, 'id' | 'waitlistId'>,
  etag: string,
  owed: readonly DueWork[],
): Promise<boolean> {
  return s.waitees.deleteWith(waitee, etag, owed);
}
