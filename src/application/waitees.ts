import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { DomainError, notFound } from '../domain/errors.js';
import { quoteContextOf, quoteForJoining, quotesInLine, type QuoteContext, type WaitQuote } from '../domain/estimate.js';
import type { Membership, Place, Restaurant, Versioned, Waitee, Waitlist } from '../domain/model.js';
import { lineWork, pagingPlan, type Notification } from '../domain/notification.js';
import { endOf, forgetWorkFrom, retentionDaysOf } from '../domain/retention.js';
import { pageRefusal, withPage } from '../domain/send-limits.js';
import { can } from '../domain/roles.js';
import {
  activeStatuses,
  isActive,
  joinLine,
  nextStatus,
  positionsInLine,
  type WaiteeAction,
  type WaiteeInLine,
  type WaiteeStatus,
} from '../domain/waitee.js';
import type { Caller } from './access.js';
import { joinCappedLine, type Cap } from './admissions.js';
import { conflictPolicies, versionToWrite, writeConditionally, type VersionCondition } from './conditional-write.js';
import { recordLineParties, recordSendLimitHit } from './metrics.js';
import { announceGettingClose, composeNotification, enqueueNow, statusUrlBuilder, type OutboxServices } from './notifications.js';
import { recordExitOn } from './line-history.js';
import { setProperties } from './patch.js';
import { InvalidContinuationToken, VersionConflict, type Page, type SavedWithNotifications } from './ports.js';
import { publicImages, type ImagesView } from './uploads.js';
import type { PageScope } from './page-tokens.js';
import type { Services } from './services.js';
import { waiteeView, type Viewer, type WaiteeView } from './views.js';
import { countText, uncountText } from './send-limits.js';
import { removeWaitee, saveDetails, saveMove, type FinishingRestaurant } from './waitee-writes.js';

/** What reading the line touches. */
type LineReadServices = Pick<Services, 'restaurants' | 'waitees' | 'now' | 'config' | 'statusLinks' | 'users'>;

/** Reading the line a page at a time: the line, and the tokens that carry a client from one page to the next. */
type LinePageServices = LineReadServices & Pick<Services, 'pageTokens'>;

/** What changing the line touches: reading it, the outbox, and the customers' places. */
type LineServices = LineReadServices & OutboxServices & Pick<Services, 'admissions'>;

export const maxPartiesInLine = 500;

/** The membership if it lets the caller run the line (staff/owner); null for a customer. */
const staffOf = (membership: Membership | null): Membership | null =>
  membership !== null && can(membership.role, 'run-line') ? membership : null;

/** Whether the caller runs this line or is a customer, and the waitlist (not-found when missing), in one round trip. */
async function lineAccess(
  s: Pick<Services, 'restaurants'>,
  caller: Caller,
  restaurantId: string,
  waitlistId: string,
): Promise<{ staff: Membership | null; waitlist: Versioned<Waitlist> }> {
  const { membership, waitlist } = await s.restaurants.memberAndWaitlist(restaurantId, caller.userId, waitlistId);
  if (waitlist === null) throw notFound.waitlist();
  return { staff: staffOf(membership), waitlist };
}

/** Whom a party is shown to: the line's staff, or the customer whose place it is. */
const viewerOf = (staff: Membership | null): Viewer => (staff === null ? 'customer' : 'staff');

/**
 * Positions and estimates need the whole active line (bounded by maxPartiesInLine) and the
 * waitlist's history. `line` is the line's places when the caller already holds them (a first
 * page with no next page, unfiltered or filtered to the active statuses); otherwise one small
 * projection query reads them.
 */
async function present(
  s: LineReadServices,
  waitlist: Waitlist,
  waitees: readonly Versioned<Waitee>[],
  viewer: Viewer,
  line?: readonly WaiteeInLine[],
): Promise<WaiteeView[]> {
  const needsLine = waitees.some((w) => isActive(w.value.status));
  const places = !needsLine ? [] : (line ?? (await s.waitees.placesInLine(waitlist.id)));
  const positions = positionsInLine(places);
  const quotes = quotesInLine(places, quoteContextOf(waitlist, s.now()));
  const statusUrl = statusUrlBuilder(s);
  return waitees.map((w) =>
    waiteeView(
      w,
      { position: positions.get(w.value.id) ?? null, quote: quotes.get(w.value.id) ?? null, statusUrl: statusUrl(w.value.statusToken) },
      viewer,
    ),
  );
}

/** The places of the waitees still in line, among these. */
const activePlaces = (waitees: readonly Versioned<Waitee>[]): WaiteeInLine[] =>
  waitees.filter((w) => isActive(w.value.status)).map((w) => w.value);

async function presentOne(
  s: LineReadServices,
  waitlist: Waitlist,
  waitee: Versioned<Waitee>,
  viewer: Viewer,
  line?: readonly WaiteeInLine[],
): Promise<WaiteeView> {
  const [view] = await present(s, waitlist, [waitee], viewer, line);
  if (view === undefined) throw new Error('present returned nothing');
  return view;
}

export interface WaiteeRequest {
  readonly name?: string | undefined;
  readonly phone?: string | null | undefined;
  readonly partySize: number;
  readonly notes?: string | null | undefined;
}

/** An Idempotency-Key maps to a fixed waitee id, so a retried add finds the first one instead of adding twice. */
function waiteeIdFor(waitlistId: string, callerId: string, idempotencyKey: string | undefined): string {
  if (idempotencyKey === undefined) return randomUUID();
  const hex = createHash('sha256').update(`${waitlistId}\n${callerId}\n${idempotencyKey}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/**
 * Staff add a walk-in waitee; any other signed-in user joins as themselves (once per line, only
 * while the waitlist is open).
 */
export async function addWaitee(
  s: LineServices,
  caller: Caller,
  restaurantId: string,
  waitlistId: string,
  request: WaiteeRequest,
  idempotencyKey: string | undefined,
): Promise<{ replayed: boolean; view: WaiteeView }> {
  const { staff, waitlist } = await lineAccess(s, caller, restaurantId, waitlistId);
  const id = waiteeIdFor(waitlistId, caller.userId, idempotencyKey);
  const replay = idempotencyKey === undefined ? null : await s.waitees.get(waitlistId, id);
  const viewer = viewerOf(staff);
  if (replay !== null) return { replayed: true, view: await presentOne(s, waitlist.value, replay, viewer) };

  let name: string;
  let phone: string | null;
  if (staff === null) {
    if (!waitlist.value.open) throw closedLine();
    const user = await s.users.get(caller.userId);
    if (user === null) throw new DomainError('unauthenticated', 'Your account no longer exists.');
    name = request.name ?? user.value.displayName;
    phone = request.phone === undefined ? user.value.phone : request.phone;
  } else {
    if (request.name === undefined)
      throw new DomainError('validation', 'The body /name: a party added by staff needs a name.', { field: 'name' });
    name = request.name;
    phone = request.phone ?? null;
  }
  const joining = { caller, staff, restaurantId, waitlist: waitlist.value, id, name, phone, request, at: s.now() };
  const statusToken = randomBytes(12).toString('base64url');
  const { created, lineBefore } = await joinCappedLine(s, {
    waitlistId,
    id,
    cap: lineCap(s, waitlistId),
    closed: closedLine,
    before: () => indexWaitee(s, joining, statusToken),
    party: (line) => joiningWaitee(joining, statusToken, line),
  });
  if (created === null) {
    const existing = await s.waitees.get(waitlistId, id);
    if (existing === null) throw new Error('waitee create conflicted but nothing is stored');
    return { replayed: true, view: await presentOne(s, waitlist.value, existing, viewer) };
  }
  // The line as the cap counted it, the moment before this party joined, and the party: its position and quote without another query.
  const line = [...lineBefore.filter((place) => place.id !== id), created.value];
  recordLineParties(created.value, line.length);
  return { replayed: false, view: await presentOne(s, waitlist.value, created, viewer, line) };
}

export const closedLine = (): DomainError => new DomainError('conflict', 'This waitlist is closed and not taking new parties right now.');

/**
 * The line's cap: its active waitees, counted by the one single-partition query positions use too
 * (joins read it with the cap's document: joinCappedLine).
 */
export function lineCap(s: Pick<Services, 'waitees'>, waitlistId: string): Cap {
  return {
    scope: { kind: 'line', waitlistId },
    limit: maxPartiesInLine,
    full: () => new DomainError('limit-reached', `This line already has ${maxPartiesInLine} parties.`, { limit: maxPartiesInLine }),
    members: async () => (await s.waitees.placesInLine(waitlistId)).map((place) => place.id),
    left: async (id) => {
      const waitee = await s.waitees.get(waitlistId, id);
      return waitee !== null && !isActive(waitee.value.status);
    },
  };
}

/** A party being added to the line, as addWaitee has checked it. */
interface Joining {
  readonly caller: Caller;
  readonly staff: Membership | null;
  readonly restaurantId: string;
  readonly waitlist: Waitlist;
  readonly id: string;
  readonly name: string;
  readonly phone: string | null;
  readonly request: WaiteeRequest;
  readonly at: Date;
}

/**
 * The indexes of a party the line has admitted: the customer's place and the status link. Written
 * before the party: a crash in between leaves an index pointing at nothing (ignored on read), never
 * a party nobody can find.
 */
async function indexWaitee(s: LineServices, joining: Joining, statusToken: string): Promise<void> {
  const { caller, staff, restaurantId, waitlist, id, at } = joining;
  if (staff === null) {
    await claimPlaceInLine(s, { userId: caller.userId, restaurantId, waitlistId: waitlist.id, waiteeId: id, joinedAt: at.toISOString() });
  }
  await s.statusLinks.create({ id: statusToken, restaurantId, waitlistId: waitlist.id, waiteeId: id });
}

/** The party as it joins, quoted from the line before it. */
function joiningWaitee(joining: Joining, statusToken: string, lineBefore: readonly WaiteeInLine[]): Waitee {
  const { caller, staff, restaurantId, waitlist, id, name, phone, request, at } = joining;
  const joined = joinLine({
    id,
    waitlistId: waitlist.id,
    restaurantId,
    name,
    phone,
    partySize: request.partySize,
    notes: request.notes ?? null,
    source: staff === null ? 'customer' : 'staff',
    customerId: staff === null ? caller.userId : null,
    statusToken,
    joinedAt: at.toISOString(),
  });
  // Staff vouch for the numbers they enter; a customer's own is texted only once proved (send-limits.ts, phoneTrusted).
  const joinQuote = quoteAtJoin(lineBefore, id, request.partySize, quoteContextOf(waitlist, at));
  return { ...joined, phoneVerified: staff !== null, joinQuote };
}

/** The quote a party is given as it joins, from the line before it (without itself, should a retry have counted it). */
export function quoteAtJoin(lineBefore: readonly WaiteeInLine[], id: string, partySize: number, context: QuoteContext): WaitQuote {
  return quoteForJoining(
    lineBefore.filter((place) => place.id !== id),
    partySize,
    context,
  );
}

/** A customer's claim on a place in this line; a place whose waitee already left is taken over. */
export async function claimPlaceInLine(s: Pick<Services, 'users' | 'waitees'>, place: Place): Promise<void> {
  if (await s.users.claimPlace(place)) return;
  const held = await s.users.place(place.userId, place.waitlistId);
  const existing = held === null ? null : await s.waitees.get(place.waitlistId, held.value.waiteeId);
  if (existing !== null && isActive(existing.value.status)) {
    throw new DomainError('conflict', 'You are already in this line.', { waiteeId: existing.value.id });
  }
  if (held === null || !(await s.users.replacePlace(place, held.etag))) {
    throw new DomainError('conflict', 'You are already joining this line from another request.');
  }
}

/** A page of the line from the client's token; a token this API did not issue for this line and filter is a 400. */
async function linePage(s: LinePageServices, scope: PageScope, limit: number, token: string | null): Promise<Page<Versioned<Waitee>>> {
  try {
    return await s.waitees.page(scope.waitlistId, scope.statuses, { limit, continuationToken: s.pageTokens.open(scope, token) });
  } catch (error) {
    if (!(error instanceof InvalidContinuationToken)) throw error;
    throw new DomainError(
      'validation',
      'The continuationToken is not one this API issued for this line and status filter; pass the one from the previous page unchanged, with the same status filter, or start again without it.',
      { field: 'continuationToken', where: 'query' },
    );
  }
}

export async function listWaitees(
  s: LinePageServices,
  caller: Caller,
  restaurantId: string,
  waitlistId: string,
  options: { statuses: readonly WaiteeStatus[] | null; limit: number; continuationToken: string | null },
): Promise<Page<WaiteeView>> {
  const { membership, waitlist } = await s.restaurants.memberAndWaitlist(restaurantId, caller.userId, waitlistId);
  if (staffOf(membership) === null) throw notFound.restaurant();
  if (waitlist === null) throw notFound.waitlist();
  const scope = { waitlistId, statuses: options.statuses };
  const page = await linePage(s, scope, options.limit, options.continuationToken);
  // The first and only page holds every party in line unless the filter leaves some active status out.
  const everyActive = options.statuses === null || activeStatuses.every((status) => options.statuses?.includes(status) === true);
  const wholeLine = everyActive && options.continuationToken === null && page.continuationToken === null;
  return {
    items: await present(s, waitlist.value, page.items, 'staff', wholeLine ? activePlaces(page.items) : undefined),
    continuationToken: s.pageTokens.seal(scope, page.continuationToken),
  };
}

/**
 * The waitee, visible to the line's staff and to the customer it belongs to (to anyone else
 * not-found), with its waitlist and restaurant. `withPlaces`: the line's
 * places are read with the party, in one query, for a caller that shows its position afterwards.
 */
async function visibleWaitee(
  s: LineReadServices,
  caller: Caller,
  restaurantId: string,
  waitlistId: string,
  waiteeId: string,
  withPlaces = false,
) {
  // Independent reads, side by side; the answers are checked in the order the caller may see them.
  const [{ membership, waitlist, restaurant }, { waitee, places }] = await Promise.all([
    s.restaurants.memberAndWaitlist(restaurantId, caller.userId, waitlistId),
    withPlaces
      ? s.waitees.placesInLineWith(waitlistId, waiteeId)
      : s.waitees.get(waitlistId, waiteeId).then((found) => ({ waitee: found, places: undefined })),
  ]);
  const staff = staffOf(membership);
  if (waitee === null || waitee.value.restaurantId !== restaurantId) throw notFound.waitee();
  if (staff === null && waitee.value.customerId !== caller.userId) throw notFound.waitee();
  if (waitlist === null) throw notFound.waitlist();
  return { staff, waitee, waitlist, restaurant, places };
}

export async function getWaitee(
  s: LineReadServices,
  caller: Caller,
  restaurantId: string,
  waitlistId: string,
  waiteeId: string,
): Promise<WaiteeView> {
  const { staff, waitee, waitlist } = await visibleWaitee(s, caller, restaurantId, waitlistId, waiteeId);
  return presentOne(s, waitlist.value, waitee, viewerOf(staff));
}

const staffOnly = () =>
  new DomainError('forbidden', 'Only the restaurant staff can change a party; you can leave the line with POST .../cancel.');

export async function updateWaitee(
  s: LineServices,
  caller: Caller,
  ids: { restaurantId: string; waitlistId: string; waiteeId: string },
  patch: {
    name?: string | undefined;
    phone?: string | null | undefined;
    partySize?: number | undefined;
    notes?: string | null | undefined;
  },
  ifMatch: VersionCondition | undefined,
): Promise<WaiteeView> {
  const { staff, waitee, waitlist } = await visibleWaitee(s, caller, ids.restaurantId, ids.waitlistId, ids.waiteeId);
  if (staff === null) throw staffOnly();
  // A number staff type in is one the restaurant vouches for (and counts against its limits).
  const vouched = patch.phone === undefined ? {} : { phoneVerified: true };
  const next = { ...waitee.value, ...setProperties(patch), ...vouched, updatedAt: s.now().toISOString() };
  const saved = await saveDetails(s, next, versionToWrite(waitee, ifMatch));
  return presentOne(s, waitlist.value, { value: next, etag: saved.etag }, 'staff');
}

export async function deleteWaitee(
  s: LineServices,
  caller: Caller,
  ids: { restaurantId: string; waitlistId: string; waiteeId: string },
  ifMatch: VersionCondition | undefined,
  log: (message: string) => void,
): Promise<void> {
  const { staff, waitee, waitlist, restaurant } = await visibleWaitee(s, caller, ids.restaurantId, ids.waitlistId, ids.waiteeId);
  if (staff === null) throw staffOnly();
  const now = s.now().toISOString();
  const saveId = randomUUID();
  // Removing a waitee in line owes the waitees behind a text, as leaving it does (DueWork).
  const owed = isActive(waitee.value.status) ? [lineWork(waitlist.value, now, saveId)] : [];
  // Its texts stay (with their numbers) until its retention period ends, as a finished party's do.
  const ended = isActive(waitee.value.status) ? now : endOf(waitee.value);
  const forget = forgetWorkFrom(waitee.value, ended, retentionDaysOf(restaurant ?? {}), saveId);
  await removeWaitee(s, waitee.value, versionToWrite(waitee, ifMatch), [...owed, forget]);
  if (waitee.value.customerId !== null) await s.users.removePlace(waitee.value.customerId, ids.waitlistId, ids.waiteeId);
  if (isActive(waitee.value.status)) await announceGettingClose(s, waitlist.value, log);
}

/**
 * Moves a waitee through the state machine. Without If-Match a concurrent change is retried on
 * fresh data; with If-Match the caller's version must still be current (412 otherwise).
 */
export async function actOnWaitee(
  s: LineServices,
  caller: Caller,
  ids: { restaurantId: string; waitlistId: string; waiteeId: string },
  action: WaiteeAction,
  ifMatch: VersionCondition | undefined,
  log: (message: string) => void,
): Promise<WaiteeView> {
  let waitlist: Versioned<Waitlist> | undefined;
  let restaurant: Restaurant | null = null;
  let outbox: Notification[] = [];
  let viewer: Viewer = 'customer';
  // A notified party is still in line, and its view shows its place: the line is read with it, not after the move.
  let places: readonly WaiteeInLine[] | undefined;
  const outcome = await writeConditionally({
    read: async () => {
      const visible = await visibleWaitee(s, caller, ids.restaurantId, ids.waitlistId, ids.waiteeId, action === 'notify');
      if (visible.staff === null && action !== 'cancel') throw staffOnly();
      waitlist = visible.waitlist;
      restaurant = visible.restaurant;
      places = visible.places;
      viewer = viewerOf(visible.staff);
      versionToWrite(visible.waitee, ifMatch);
      return visible.waitee;
    },
    change: async (current) => {
      if (waitlist === undefined) throw new Error('read sets the waitlist');
      const now = s.now();
      const next = moved(current, action, now.toISOString(), waitlist.value);
      // "Notify" again on a notified waitee is a re-page; either way the text is written with the move.
      const kind = current.status === 'notified' ? 're-page' : 'table-ready';
      const notification = action === 'notify' ? await composeNotification(s, kind, next, waitlist.value, null, restaurant) : null;
      outbox = notification === null ? [] : [notification];
      if (notification?.status !== 'pending') return next;
      // The party's own limits are decided on the party, under its ETag: parallel notifies are serialised here.
      const refusal = pageRefusal(current, waitlist.value.gracePeriodMinutes, s.config.sms.limits, now);
      if (refusal !== null) {
        recordSendLimitHit(refusal);
        throw refusal;
      }
      return withPage(next, now);
    },
    // A restaurant gone meanwhile has no setting of its own left: the default period applies.
    write: (next, etag) => saveMoveCounted(s, next, etag, outbox, restaurant ?? {}),
    policy: ifMatch === undefined ? conflictPolicies.contended : conflictPolicies.callerVersion,
  });
  if (outcome.kind !== 'written' || waitlist === undefined) throw new VersionConflict(ids.waiteeId);
  const next = outcome.value;
  await enqueueNow(s, outcome.result.notifications, log);
  const updatedWaitlist = isActive(next.status) ? waitlist.value : await recordExitOn(s, waitlist, next);
  if (!isActive(next.status)) {
    if (next.customerId !== null) await s.users.removePlace(next.customerId, next.waitlistId, next.id);
    await announceGettingClose(s, updatedWaitlist, log);
  }
  // Notifying moves no one in the line: the places read with the party are the line's now.
  const line = places === undefined || !isActive(next.status) ? undefined : [...places.filter((place) => place.id !== next.id), next];
  return presentOne(s, updatedWaitlist, { value: next, etag: outcome.result.etag }, viewer, line);
}

/**
 * saveMove for a move that owes texts, held first in their number's and restaurant's day (429
 * when a count is full); a save the store refuses takes them back out, so nothing is counted twice
 * or for a text never written.
 */
async function saveMoveCounted(
  s: LineServices,
  next: Waitee,
  etag: string,
  outbox: readonly Notification[],
  restaurant: FinishingRestaurant,
) {
  const toSend = outbox.filter((n) => n.status === 'pending');
  for (const [i, text] of toSend.entries()) {
    try {
      await countText(s, text, 'hold');
    } catch (error) {
      await Promise.all(toSend.slice(0, i).map((held) => uncountText(s, held)));
      throw error;
    }
  }
  let saved: SavedWithNotifications;
  try {
    saved = await saveMove(s, next, etag, outbox, restaurant);
  } catch (error) {
    await Promise.all(toSend.map((text) => uncountText(s, text)));
    throw error;
  }
  // The places stay held: the consumer's count before it sends counts them for good (send-limits.ts).
  return saved;
}

/** The waitee after `action`, with the timestamps and paging timer the move sets. */
function moved(waitee: Waitee, action: WaiteeAction, now: string, waitlist: Waitlist): Waitee {
  const status = nextStatus(waitee.status, action);
  const paging = action === 'notify' ? pagingPlan(now, waitlist.gracePeriodMinutes) : null;
  return {
    ...waitee,
    status,
    updatedAt: now,
    ...(action === 'notify' ? { notifiedAt: now } : {}),
    ...(status === 'seated' ? { seatedAt: now } : {}),
    ...(isActive(status) ? {} : { endedAt: now }),
    pagingDueAt: paging?.rePageAt ?? null,
    pagingStage: paging === null ? null : 're-page',
  };
}

/** A customer's active places in any line. Index entries whose waitee is gone or done are skipped. */
export async function myWaitees(s: LineReadServices, caller: Caller): Promise<WaiteeView[]> {
  const places = await s.users.places(caller.userId);
  const views = await Promise.all(
    places.map(async (place) => {
      const [waitee, waitlist] = await Promise.all([
        s.waitees.get(place.waitlistId, place.waiteeId),
        s.restaurants.waitlist(place.restaurantId, place.waitlistId),
      ]);
      if (waitee === null || waitlist === null || !isActive(waitee.value.status) || waitee.value.customerId !== caller.userId) return null;
      return presentOne(s, waitlist.value, waitee, 'customer');
    }),
  );
  return views.filter((v): v is WaiteeView => v !== null);
}

/** What a guest may do from the status link while the party is in line. */
export const guestActions = ['on-my-way', 'leave'] as const;
export type GuestAction = (typeof guestActions)[number];

/** The public status page's facts: which line, where in it, and nothing personal. */
export interface PublicStatus {
  readonly restaurantName: string;
  /** The restaurant's IANA time zone: the page says "until 14:18" in the restaurant's time. */
  readonly timeZone: string;
  readonly waitlistName: string;
  readonly status: WaiteeView['status'];
  readonly partySize: number;
  readonly position: number | null;
  readonly estimatedWaitMinutes: number | null;
  /** The range of minutes still to wait that the guest is shown; null once out of the line. */
  readonly estimatedWaitRange: WaiteeView['estimatedWaitRange'];
  /** After "table ready": how long the table is held (the waitlist's grace period), and until when. */
  readonly gracePeriodMinutes: number;
  readonly holdUntil: string | null;
  /** When the party said it is on its way; null until then. */
  readonly onMyWayAt: string | null;
  readonly allowedActions: readonly GuestAction[];
  /** When the link stops working: a set time after the party left the line; null while it is in line. */
  readonly linkExpiresAt: string | null;
  readonly updatedAt: string;
  /** The restaurant's logo, cover and menu, when it has any (src/application/uploads.ts). */
  readonly images?: ImagesView;
}

type StatusServices = LineReadServices & Pick<Services, 'blobs'>;

/** The party a status token names, while the link works (a set time after the party left the line). */
async function partyOfToken(
  s: LineReadServices,
  token: string,
): Promise<{ waitee: Versioned<Waitee>; waitlist: Versioned<Waitlist>; restaurant: Versioned<Restaurant> }> {
  const link = await s.statusLinks.get(token);
  if (link === null) throw notFound.statusLink();
  // The restaurant is a point read the page needs on every poll: read beside the rest, not after it.
  const [waitee, waitlist, restaurant] = await Promise.all([
    s.waitees.get(link.waitlistId, link.waiteeId),
    s.restaurants.waitlist(link.restaurantId, link.waitlistId),
    s.restaurants.get(link.restaurantId),
  ]);
  if (waitee === null || waitlist === null || restaurant === null || waitee.value.statusToken !== token) throw notFound.statusLink();
  const expiresAt = linkExpiryOf(s, waitee.value);
  if (expiresAt !== null && s.now().getTime() >= Date.parse(expiresAt)) {
    throw new DomainError(
      'not-found',
      'This status link has expired: the visit it followed has ended. Join the line again for a new one.',
      {
        expired: true,
      },
    );
  }
  return { waitee, waitlist, restaurant };
}

function linkExpiryOf(s: Pick<Services, 'config'>, waitee: Waitee): string | null {
  if (isActive(waitee.status)) return null;
  const endedAt = waitee.endedAt ?? waitee.updatedAt;
  return new Date(Date.parse(endedAt) + s.config.statusLinkLifetimeHours * 3_600_000).toISOString();
}

/** What the public status link shows: nothing personal. */
export async function publicStatus(s: StatusServices, token: string): Promise<PublicStatus> {
  const { waitee, waitlist, restaurant } = await partyOfToken(s, token);
  const [view, images] = await Promise.all([presentOne(s, waitlist.value, waitee, 'customer'), publicImages(s, restaurant.value)]);
  const { notifiedAt, status, onMyWayAt } = waitee.value;
  const grace = waitlist.value.gracePeriodMinutes;
  return {
    restaurantName: restaurant.value.name,
    timeZone: restaurant.value.timeZone,
    waitlistName: waitlist.value.name,
    status: view.status,
    partySize: view.partySize,
    position: view.position,
    estimatedWaitMinutes: view.estimatedWaitMinutes,
    estimatedWaitRange: view.estimatedWaitRange,
    gracePeriodMinutes: grace,
    holdUntil: status === 'notified' && notifiedAt !== null ? new Date(Date.parse(notifiedAt) + grace * 60_000).toISOString() : null,
    onMyWayAt: onMyWayAt ?? null,
    allowedActions: isActive(status) ? guestActions : [],
    linkExpiresAt: linkExpiryOf(s, waitee.value),
    updatedAt: view.updatedAt,
    ...images,
  };
}

/**
 * A guest's move from the status link: "on my way" (a mark staff see on the party) or leaving the
 * line (cancel, which frees the place and tells the parties behind, as staff cancelling does).
 */
export async function actFromStatusLink(
  s: LineServices & Pick<Services, 'blobs'>,
  token: string,
  action: GuestAction,
  log: (message: string) => void,
): Promise<PublicStatus> {
  const { waitee, waitlist, restaurant } = await partyOfToken(s, token);
  const outcome = await writeConditionally({
    first: waitee,
    read: () => s.waitees.get(waitee.value.waitlistId, waitee.value.id),
    change: (current): Waitee | null => {
      const now = s.now().toISOString();
      if (action === 'leave') return moved(current, 'cancel', now, waitlist.value);
      if (!isActive(current.status)) {
        throw new DomainError(
          'conflict',
          `The party is ${current.status.replace('_', '-')} and has left the line; it cannot be on its way.`,
        );
      }
      return current.onMyWayAt != null ? null : { ...current, onMyWayAt: now, updatedAt: now };
    },
    write: (next, etag) => (action === 'leave' ? saveMove(s, next, etag, [], restaurant.value) : saveDetails(s, next, etag)),
    policy: conflictPolicies.contended,
  });
  if (outcome.kind === 'missing') throw notFound.statusLink();
  if (outcome.kind === 'lost') throw new VersionConflict(waitee.value.id);
  if (action === 'leave' && outcome.kind === 'written') {
    if (waitee.value.customerId !== null) await s.users.removePlace(waitee.value.customerId, waitee.value.waitlistId, waitee.value.id);
    await announceGettingClose(s, await recordExitOn(s, waitlist, outcome.value), log);
  }
  return publicStatus(s, token);
}
