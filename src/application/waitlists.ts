import { randomUUID } from 'node:crypto';
import { DomainError } from '../domain/errors.js';
import { checkTemplate, type MessageKind, type MessageTemplates } from '../domain/messages.js';
import type { Waitlist } from '../domain/model.js';
import { memberWith, waitlistOf, type Caller } from './access.js';
import { closeAdmissions, insertUnderCap, reopenAdmissions, type Cap } from './admissions.js';
import { setProperties } from './patch.js';
import type { Services } from './services.js';
import { versionToWrite, type VersionCondition } from './conditional-write.js';
import { lineCap } from './waitees.js';
import { waitlistView, type PublicWaitlistView, type WaitlistView } from './views.js';

/** What the waitlist use cases touch. */
type WaitlistServices = Pick<Services, 'restaurants' | 'waitees' | 'admissions' | 'now'>;

export const maxWaitlistsPerRestaurant = 20;

export interface WaitlistSettings {
  readonly name: string;
  readonly open: boolean;
  readonly defaultWaitMinutes: number;
  readonly gracePeriodMinutes: number;
  readonly messageTemplates: Partial<MessageTemplates>;
}

/** Checked when saved (unknown variables, SMS segments) so a bad text never reaches a customer. */
function checkTemplates(templates: Partial<MessageTemplates> | undefined): void {
  for (const [kind, template] of Object.entries(setProperties(templates ?? {}))) checkTemplate(kind as MessageKind, template);
}

export async function createWaitlist(
  s: WaitlistServices,
  caller: Caller,
  restaurantId: string,
  settings: WaitlistSettings,
): Promise<WaitlistView> {
  await memberWith(s, caller, restaurantId, 'manage-settings');
  checkTemplates(settings.messageTemplates);
  const waitlist: Waitlist = { id: randomUUID(), restaurantId, ...settings, recentSeatings: [], createdAt: s.now().toISOString() };
  const created = await insertUnderCap(s, waitlistsCap(s, restaurantId), waitlist.id, () => s.restaurants.createWaitlist(waitlist));
  if (created === null) throw new Error('waitlist id collision');
  return waitlistView(created, 0);
}

function waitlistsCap(s: Pick<Services, 'restaurants'>, restaurantId: string): Cap {
  return {
    scope: { kind: 'waitlists', restaurantId },
    limit: maxWaitlistsPerRestaurant,
    full: () =>
      new DomainError('limit-reached', `A restaurant can have at most ${maxWaitlistsPerRestaurant} waitlists; delete one first.`, {
        limit: maxWaitlistsPerRestaurant,
      }),
    members: async () => (await s.restaurants.waitlists(restaurantId)).map((w) => w.value.id),
  };
}

export async function listWaitlists(s: WaitlistServices, caller: Caller, restaurantId: string): Promise<WaitlistView[]> {
  await memberWith(s, caller, restaurantId, 'read');
  const waitlists = await s.restaurants.waitlists(restaurantId);
  return Promise.all(waitlists.map(async (w) => waitlistView(w, (await s.waitees.placesInLine(w.value.id)).length)));
}

/**
 * Members see the whole waitlist; any other signed-in user (a customer deciding whether to join)
 * sees only whether it is open and how long the line is.
 */
export async function getWaitlist(
  s: WaitlistServices,
  caller: Caller,
  restaurantId: string,
  waitlistId: string,
): Promise<WaitlistView | PublicWaitlistView> {
  const membership = await s.restaurants.member(restaurantId, caller.userId);
  const waitlist = await waitlistOf(s, restaurantId, waitlistId);
  const partiesInLine = (await s.waitees.placesInLine(waitlistId)).length;
  if (membership !== null) return waitlistView(waitlist, partiesInLine);
  const restaurant = await s.restaurants.get(restaurantId);
  return {
    id: waitlist.value.id,
    restaurantId,
    restaurantName: restaurant?.value.name ?? '',
    name: waitlist.value.name,
    open: waitlist.value.open,
    partiesInLine,
  };
}

export async function updateWaitlist(
  s: WaitlistServices,
  caller: Caller,
  restaurantId: string,
  waitlistId: string,
  patch: Partial<WaitlistSettings>,
  ifMatch: VersionCondition | undefined,
): Promise<WaitlistView> {
  await memberWith(s, caller, restaurantId, 'manage-settings');
  checkTemplates(patch.messageTemplates);
  const current = await waitlistOf(s, restaurantId, waitlistId);
  const changes = setProperties(patch);
  const merged =
    patch.messageTemplates === undefined
      ? changes
      : { ...changes, messageTemplates: { ...current.value.messageTemplates, ...setProperties(patch.messageTemplates) } };
  const saved = await s.restaurants.replaceWaitlist({ ...current.value, ...merged }, versionToWrite(current, ifMatch));
  return waitlistView(saved, (await s.waitees.placesInLine(waitlistId)).length);
}

export async function deleteWaitlist(
  s: WaitlistServices,
  caller: Caller,
  restaurantId: string,
  waitlistId: string,
  ifMatch: VersionCondition | undefined,
): Promise<void> {
  await memberWith(s, caller, restaurantId, 'manage-settings');
  const current = await waitlistOf(s, restaurantId, waitlistId);
  // Refusals that need no closing write nothing: a stale If-Match, or parties plainly in line.
  const version = versionToWrite(current, ifMatch);
  const waiting = (await s.waitees.placesInLine(waitlistId)).length;
  if (waiting > 0) throw partiesInLine(waiting);
  // The line is closed to joins before it is counted, so no join can land between the count and the delete.
  const cap = lineCap(s, waitlistId);
  const { ticket, inside } = await closeAdmissions(s, cap);
  try {
    if (inside > 0) throw partiesInLine(inside);
    await s.restaurants.deleteWaitlist(restaurantId, waitlistId, version);
  } catch (error) {
    await reopenAdmissions(s, cap.scope, ticket);
    throw error;
  }
}

const partiesInLine = (count: number) =>
  new DomainError('conflict', `${count} parties are still in this line. Seat or cancel them, or close the waitlist instead.`, {
    partiesInLine: count,
  });
