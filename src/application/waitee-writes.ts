import { randomUUID } from 'node:crypto';
import type { Restaurant, Waitee } from '../domain/model.js';
import { dueWorkFor, rollupWork, type DueWork, type Notification } from '../domain/notification.js';
import { forgetWork, retentionDaysOf } from '../domain/retention.js';
import { isActive } from '../domain/waitee.js';
import { GoneSinceRead, VersionConflict, type DueWorkRepository, type SavedWithNotifications } from './ports.js';
import type { Services } from './services.js';

/**
 * The only ways a waitee is written, and which to use when:
 * - saveDetails: staff change the name, phone, party size or notes. Nothing becomes due, nothing is sent.
 * - saveMove: the waitee moves (notify, seat, cancel, a timer's step, a flag like "getting close
 *   sent"), with the texts the move owes written in the same batch (the outbox).
 * - removeWaitee: staff delete the waitee, with the work that leaves for the line behind it.
 * Every write that leaves work for the producer writes its due-index entries first (withDueWork).
 */

/** An ETag-checked replace; a conflict throws VersionConflict for the caller's policy to handle. */
export async function saveDetails(s: Pick<Services, 'waitees'>, waitee: Waitee, etag: string): Promise<SavedWithNotifications> {
  const saved = await s.waitees.replace(waitee, etag);
  return { etag: saved.etag, notifications: [] };
}

/** What saving a finished party reads of its restaurant. */
export type FinishingRestaurant = Partial<Pick<Restaurant, 'retentionDays'>>;

/**
 * Replaces the waitee (if its ETag still matches) and creates the notifications in one batch, all or
 * nothing, after the due-index entries that make the producer send them, page again or tell the
 * line behind, so a crash between the two loses nothing.
 */
export async function saveMove(
  s: Pick<Services, 'dueWork' | 'notifications'>,
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
  // A party leaving the line is owed its analytics count: planned with the move's other entries (one batch), counted by the sweep.
  const rollup = isActive(waitee.status) ? null : rollupWork(waitee);
  return withDueWork(s.dueWork, [...dueWorkFor(waitee, notifications, saveId), ...[forget, rollup].filter((entry) => entry !== null)], () =>
    s.notifications.replaceWaiteeWith(waitee, etag, notifications),
  );
}

/** Deletes the waitee (if its ETag still matches), after the due-index entries `owed` to the line. */
export async function removeWaitee(
  s: Pick<Services, 'dueWork' | 'waitees'>,
  waitee: Pick<Waitee, 'id' | 'waitlistId'>,
  etag: string,
  owed: readonly DueWork[],
): Promise<boolean> {
  return withDueWork(s.dueWork, owed, () => s.waitees.delete(waitee.waitlistId, waitee.id, etag));
}

/**
 * The due-index protocol: entries first, then the save. A save the store refused (a lost race, a
 * document gone) applied nothing, so its entries are taken back; any other failure may have come
 * after the write landed, so they stay, and one that names nothing is dropped by a later sweep.
 */
async function withDueWork<T>(dueWork: DueWorkRepository, entries: readonly DueWork[], save: () => Promise<T>): Promise<T> {
  await dueWork.plan(entries);
  try {
    return await save();
  } catch (error) {
    if (error instanceof VersionConflict || error instanceof GoneSinceRead) {
      await Promise.all(entries.map((entry) => dueWork.done(entry))).catch(() => undefined);
    }
    throw error;
  }
}
