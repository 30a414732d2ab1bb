import { DomainError, notFound } from '../domain/errors.js';
import type { Waitee } from '../domain/model.js';
import type { DueWork, Notification } from '../domain/notification.js';
import { textWithoutPersonalData, withoutPersonalData } from '../domain/retention.js';
import { isActive } from '../domain/waitee.js';
import { memberWith, waitlistOf, type Caller } from './access.js';
import { conflictPolicies, writeConditionally } from './conditional-write.js';
import type { Services } from './services.js';
import { saveDetails } from './waitee-writes.js';

/** What removing a party's personal data touches: the party and every store that holds a copy of it. */
export type RetentionServices = Pick<
  Services,
  'waitees' | 'notifications' | 'statusLinks' | 'users' | 'joinRequests' | 'dueWork' | 'restaurants' | 'now'
>;

/** What became of a party asked to be forgotten. */
export type Forgetting = 'removed' | 'in-line' | 'missing';

/**
 * Removes a finished party's name, phone and notes, and every other copy of them: its texts' numbers
 * and words, its join requests, its status link and its customer's place. Idempotent: a party
 * already without them (or gone) only has whatever copies are left removed. Status, times, party
 * size and quote stay, so every figure computed from them stays the same.
 */
export async function forgetParty(s: RetentionServices, waitlistId: string, waiteeId: string): Promise<Forgetting> {
  const now = s.now().toISOString();
  const found = await s.waitees.get(waitlistId, waiteeId);
  if (found !== null && isActive(found.value.status)) return 'in-line';
  if (found !== null) {
    // A change made meanwhile (a late flag) is read again and the removal applied to it.
    await writeConditionally({
      first: found,
      read: () => s.waitees.get(waitlistId, waiteeId),
      change: (current: Waitee) => withoutPersonalData(current, now),
      write: (next, etag) => saveDetails(s, next, etag),
      policy: conflictPolicies.background,
    });
  }
  const texts = await s.notifications.forWaitee(waitlistId, waiteeId);
  await Promise.all([
    ...texts.map((text) => forgetText(s, text, now)),
    s.joinRequests.deleteForWaitee(waitlistId, waiteeId),
    ...(found === null ? [] : [s.statusLinks.delete(found.value.statusToken)]),
    ...(found?.value.customerId == null ? [] : [s.users.removePlace(found.value.customerId, waitlistId, waiteeId)]),
  ]);
  return found === null ? 'missing' : 'removed';
}

async function forgetText(s: Pick<Services, 'notifications'>, text: Notification, now: string): Promise<void> {
  // A delivery report or consumer writing meanwhile is read again: the removal applies to its version.
  await writeConditionally({
    read: () => s.notifications.get(text.waitlistId, text.id),
    change: (current) => textWithoutPersonalData(current, now),
    write: (next, etag) => s.notifications.replace(next, etag),
    policy: conflictPolicies.background,
  });
}

/** Due-index entries the retention sweep takes at a time; a larger backlog drains over the next runs. */
export const forgetBatchSize = 200;

/** Parties forgotten side by side: each is a handful of point operations in its own line's partition. */
const forgetConcurrency = 8;

export interface ForgetSweepResult {
  readonly forgotten: number;
}

/**
 * The retention timer: removes the personal data of the parties whose period has passed. It reads
 * only the due entries of kind `forget` that are due (planned when each party finished), so
 * its cost follows the parties due, never the parties stored. Entries the earlier design left apart
 * from their parties are moved by the producer's sweep, which runs every minute.
 */
export async function forgetDue(s: RetentionServices, log: (message: string) => void): Promise<ForgetSweepResult> {
  const due = await s.dueWork.due(s.now(), forgetBatchSize, ['forget']);
  let forgotten = 0;
  for (let start = 0; start < due.length; start += forgetConcurrency) {
    const outcomes = await Promise.all(due.slice(start, start + forgetConcurrency).map((entry) => forgetEntry(s, entry)));
    forgotten += outcomes.filter((outcome) => outcome === 'removed').length;
  }
  if (forgotten > 0) log(`retention: personal data of ${forgotten} finished parties removed`);
  return { forgotten };
}

async function forgetEntry(s: RetentionServices, entry: DueWork): Promise<Forgetting> {
  const outcome = await forgetParty(s, entry.waitlistId, entry.targetId);
  // A party back in line cannot happen (finished is final); its own finish plans a new entry anyway.
  await s.dueWork.done(entry);
  return outcome;
}

/**
 * An owner removes one party's personal data now, at the guest's request. Only once the party has
 * left the line: staff need the name and phone to seat or text it, so a party in line is removed
 * from the line first (cancel, or delete).
 */
export async function deletePersonalData(
  s: RetentionServices,
  caller: Caller,
  ids: { restaurantId: string; waitlistId: string; waiteeId: string },
): Promise<void> {
  await memberWith(s, caller, ids.restaurantId, 'manage-settings');
  await waitlistOf(s, ids.restaurantId, ids.waitlistId);
  const waitee = await s.waitees.get(ids.waitlistId, ids.waiteeId);
  if (waitee === null || waitee.value.restaurantId !== ids.restaurantId) throw notFound.waitee();
  const outcome = await forgetParty(s, ids.waitlistId, ids.waiteeId);
  if (outcome === 'in-line') {
    throw new DomainError('conflict', 'This party is still in line: cancel it or mark it seated first, then remove its personal data.');
  }
}
