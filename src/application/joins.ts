import { randomBytes, randomInt, randomUUID } from 'node:crypto';
import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js';
import { restaurantCountry } from '../domain/country.js';
import { DomainError, notFound } from '../domain/errors.js';
import { quoteContextOf, quoteForJoining } from '../domain/estimate.js';
import {
  admitToWindow,
  checkTryAllowed,
  joinCodePolicy,
  joinLinkAlphabet,
  joinLinkCodeLength,
  startJoin as newJoinRequest,
  textConsentWording,
  wrongCode,
} from '../domain/join.js';
import type { JoinRequest, Restaurant, User, Versioned, Waitee, Waitlist } from '../domain/model.js';
import { codePlaceholder, enqueueWork, unsentState, type Notification } from '../domain/notification.js';
import { joinLine } from '../domain/waitee.js';
import { memberWith, waitlistOf, type Caller } from './access.js';
import { joinCappedLine } from './admissions.js';
import { conflictPolicies, writeConditionally } from './conditional-write.js';
import { recordLineParties, recordLockout } from './metrics.js';
import { enqueueNow, statusUrlOf, type OutboxServices } from './notifications.js';
import { VersionConflict } from './ports.js';
import type { Services } from './services.js';
import { publicImages, type ImagesView } from './uploads.js';
import type { WaitRange } from './views.js';
import { claimPlaceInLine, closedLine, lineCap, quoteAtJoin } from './waitees.js';

type LinkServices = Pick<Services, 'restaurants' | 'joinLinks' | 'now' | 'config'>;
type SummaryServices = LinkServices & Pick<Services, 'waitees' | 'blobs'>;
type JoinServices = SummaryServices &
  OutboxServices &
  Pick<Services, 'joinRequests' | 'rateCounters' | 'joinCodes' | 'admissions' | 'statusLinks'>;
type Log = (message: string) => void;

/** A waitlist's join link as its staff see it. */
export interface JoinLinkView {
  readonly enabled: boolean;
  readonly code: string | null;
  readonly url: string | null;
  readonly qrCodeUrl: string | null;
}

export function joinUrlOf(s: Pick<Services, 'config'>, code: string): string {
  return new URL(code, s.config.joins.linkBaseUrl).toString();
}

const linkView = (s: Pick<Services, 'config'>, code: string | null | undefined): JoinLinkView =>
  code == null
    ? { enabled: false, code: null, url: null, qrCodeUrl: null }
    : { enabled: true, code, url: joinUrlOf(s, code), qrCodeUrl: new URL(`${code}/qr.svg`, s.config.joins.apiBaseUrl).toString() };

export async function getJoinLink(s: LinkServices, caller: Caller, restaurantId: string, waitlistId: string): Promise<JoinLinkView> {
  await memberWith(s, caller, restaurantId, 'read');
  return linkView(s, (await waitlistOf(s, restaurantId, waitlistId)).value.joinCode);
}

const newLinkCode = () => Array.from({ length: joinLinkCodeLength }, () => joinLinkAlphabet[randomInt(joinLinkAlphabet.length)]).join('');

/**
 * Gives the waitlist a new join link (the first, or a replacement: the old code stops working at
 * once) or none (`enabled: false`). Owners only: a printed poster is the restaurant's to change.
 */
export async function setJoinLink(
  s: LinkServices,
  caller: Caller,
  restaurantId: string,
  waitlistId: string,
  enabled: boolean,
): Promise<JoinLinkView> {
  await memberWith(s, caller, restaurantId, 'manage-settings');
  await waitlistOf(s, restaurantId, waitlistId);
  let code: string | null = null;
  if (enabled) {
    // Indexes first: a code that resolves to a waitlist not yet pointing back at it is refused on read.
    do code = newLinkCode();
    while (!(await s.joinLinks.create({ id: code, restaurantId, waitlistId, createdAt: s.now().toISOString() })));
  }
  const outcome = await writeConditionally({
    read: () => s.restaurants.waitlist(restaurantId, waitlistId),
    change: (current): Waitlist => ({ ...current, joinCode: code }),
    write: (next, etag) => s.restaurants.replaceWaitlist(next, etag),
    policy: conflictPolicies.contended,
  });
  if (outcome.kind === 'missing') throw notFound.waitlist();
  if (outcome.kind !== 'written') throw new VersionConflict(waitlistId);
  return linkView(s, code);
}

/** The waitlist a join code opens, while it is that waitlist's current code; anything else is one not-found. */
async function resolve(s: LinkServices, code: string): Promise<{ waitlist: Versioned<Waitlist>; restaurant: Versioned<Restaurant> }> {
  const link = await s.joinLinks.get(code);
  const [waitlist, restaurant] =
    link === null
      ? [null, null]
      : await Promise.all([s.restaurants.waitlist(link.restaurantId, link.waitlistId), s.restaurants.get(link.restaurantId)]);
  if (waitlist === null || restaurant === null || waitlist.value.joinCode !== code) {
    throw new DomainError(
      'not-found',
      'This join link is not valid: the restaurant turned it off or replaced it. Ask the host stand for the current one.',
    );
  }
  return { waitlist, restaurant };
}

/** What a guest sees before joining: nothing about the parties in line but their number. */
export interface JoinSummary {
  readonly restaurantId: string;
  readonly waitlistId: string;
  readonly restaurantName: string;
  readonly waitlistName: string;
  readonly open: boolean;
  readonly partiesAhead: number;
  /** The wait a party of two joining now would be quoted: the point, and the range a guest is shown. */
  readonly estimatedWaitMinutes: number;
  readonly estimatedWaitRange: WaitRange;
  /** The country a phone number without a country code is read in (the restaurant's phone's, else its time zone's), or null. */
  readonly defaultPhoneCountry: string | null;
  readonly consentText: string;
  /** The restaurant's logo, cover and menu, when it has any (src/application/uploads.ts). */
  readonly images?: ImagesView;
}

export async function joinSummary(s: SummaryServices, code: string): Promise<JoinSummary> {
  const { waitlist, restaurant } = await resolve(s, code);
  const [line, images] = await Promise.all([s.waitees.placesInLine(waitlist.value.id), publicImages(s, restaurant.value)]);
  // The join page does not know the party's size yet: it shows what a couple joining now would be quoted.
  const quote = quoteForJoining(line, 2, quoteContextOf(waitlist.value, s.now()));
  return {
    restaurantId: restaurant.value.id,
    waitlistId: waitlist.value.id,
    restaurantName: restaurant.value.name,
    waitlistName: waitlist.value.name,
    open: waitlist.value.open,
    partiesAhead: line.length,
    estimatedWaitMinutes: quote.minutes,
    estimatedWaitRange: { low: quote.low, high: quote.high },
    defaultPhoneCountry: restaurantCountry(restaurant.value),
    consentText: consentText(restaurant.value.name),
    ...images,
  };
}

const consentText = (restaurantName: string) =>
  `I agree to receive text messages from ${restaurantName} about my place in line. ${textConsentWording}.`;

/** Counts one more event under `key`, or refuses with 429 and when to try again. */
async function countAgainst(s: Pick<Services, 'rateCounters' | 'now'>, key: string, limit: number, what: string): Promise<void> {
  const refused = { retryAfterSeconds: 0 };
  const outcome = await writeConditionally({
    read: () => s.rateCounters.get(key),
    change: (current) => {
      const admission = admitToWindow(current, s.now(), limit, 3_600_000);
      if (admission.admitted) return admission.next;
      refused.retryAfterSeconds = admission.retryAfterSeconds;
      return null;
    },
    write: (next, etag) => s.rateCounters.save(key, next, etag),
    policy: conflictPolicies.contended,
  });
  if (outcome.kind === 'unchanged') {
    recordLockout('join-code');
    const seconds = refused.retryAfterSeconds;
    throw new DomainError('too-many-attempts', `At most ${limit} codes ${what} an hour; try again in ${seconds} seconds.`, {
      limit,
      retryAfterSeconds: seconds,
    });
  }
  if (outcome.kind !== 'written') throw new VersionConflict(key);
}

/** The number in E.164, read in the restaurant's country when it has no country code. */
function phoneIn(raw: string, country: CountryCode | null): string {
  const parsed = parsePhoneNumberFromString(raw, country ?? undefined);
  if (parsed?.isValid() !== true) {
    throw new DomainError(
      'validation',
      `The body /phone: not a valid phone number${country === null ? '; give it with its country code, such as +14155550123' : ` in ${country}, or give its country code`}.`,
      { field: 'phone' },
    );
  }
  return parsed.number;
}

export interface StartJoinRequest {
  readonly name: string;
  readonly partySize: number;
  readonly phone: string;
}

export interface JoinStarted {
  readonly joinId: string;
  readonly expiresAt: string;
  readonly triesLeft: number;
}

/** A code on its way, or (a signed-in customer whose account's phone is this one, already verified) the party in line at once. */
export type JoinStart =
  { readonly kind: 'code-sent'; readonly started: JoinStarted } | { readonly kind: 'joined'; readonly confirmed: JoinConfirmed };

/**
 * Starts an account-less join: the guest's details wait in a join request, and the phone gets a
 * one-time code through the outbox like every text. Counted first, per number (across restaurants)
 * and per client address, so the restaurant's number cannot be made to text strangers in bulk.
 */
export async function startJoin(
  s: JoinServices,
  caller: Caller | null,
  code: string,
  request: StartJoinRequest,
  clientAddress: string,
  log: Log,
): Promise<JoinStart> {
  const { waitlist, restaurant } = await resolve(s, code);
  if (!waitlist.value.open) throw closedLine();
  const phone = phoneIn(request.phone, restaurantCountry(restaurant.value));
  const user = caller === null ? null : await s.users.get(caller.userId);
  if (caller !== null && user === null) throw new DomainError('unauthenticated', 'Your account no longer exists.');
  const now = s.now().toISOString();
  const fields = {
    id: randomUUID(),
    restaurantId: restaurant.value.id,
    waitlistId: waitlist.value.id,
    name: request.name,
    partySize: request.partySize,
    phone,
    consentedAt: now,
    createdAt: now,
    waiteeId: randomUUID(),
    customerId: user?.value.id ?? null,
  };
  if (user !== null && user.value.phone === phone && user.value.phoneVerifiedAt != null) {
    // Proven before with a code: nothing to text, no code to count.
    const { waitee } = await admit(s, { ...newJoinRequest(fields), confirmedAt: now }, waitlist.value);
    return { kind: 'joined', confirmed: { waiteeId: waitee.id, statusUrl: statusUrlOf(s, waitee.statusToken) } };
  }
  await countAgainst(s, `code-number:${phone}`, s.config.joins.codesPerNumberPerHour, 'to one phone number');
  await countAgainst(s, `code-address:${clientAddress}`, s.config.joins.codesPerAddressPerHour, 'from one address');
  const join = newJoinRequest(fields);
  const text = codeText(join, restaurant.value, now);
  // The text's due entry makes the producer's sweep send it should the enqueue below fail, as for every text.
  const saved = await s.notifications.createJoinWith(join, text, [enqueueWork(text)]);
  await enqueueNow(s, saved.notifications, log);
  return { kind: 'code-sent', started: { joinId: join.id, expiresAt: join.expiresAt, triesLeft: join.triesLeft } };
}

function codeText(join: JoinRequest, restaurant: Restaurant, now: string): Notification {
  return {
    id: randomUUID(),
    waitlistId: join.waitlistId,
    restaurantId: join.restaurantId,
    waiteeId: join.waiteeId,
    kind: 'join-code',
    to: join.phone,
    message: `${codePlaceholder} is your code to join the line at ${restaurant.name.slice(0, 40)}. It expires in ${joinCodePolicy.lifetimeMinutes} min. ${textConsentWording}.`,
    ...unsentState(now),
  };
}

export interface JoinConfirmed {
  readonly waiteeId: string;
  readonly statusUrl: string;
}

/**
 * Confirms a join with its code: a wrong code uses up a try (written under the request's ETag, so
 * parallel guesses each count), the right one puts the party in line with its phone verified.
 * Confirming again with the right code answers the same party.
 */
export async function confirmJoin(
  s: JoinServices,
  code: string,
  confirmation: { joinId: string; code: string },
): Promise<{ replayed: boolean; confirmed: JoinConfirmed }> {
  const { waitlist } = await resolve(s, code);
  // Set by the read-modify-write below (closures: a plain `let` would not be seen as changed).
  const tried = { right: false, triesLeft: joinCodePolicy.tries as number };
  const outcome = await writeConditionally({
    read: () => s.joinRequests.get(waitlist.value.id, confirmation.joinId),
    change: (join): JoinRequest | null => {
      // Every try used up: this guess is refused whatever it is (checkTryAllowed says so).
      if (join.confirmedAt === null && join.triesLeft <= 0) recordLockout('join-code');
      checkTryAllowed(join, s.now());
      // The code is derived from the party id the join will create (JoinCodes), as the consumer does when it texts it.
      tried.right = s.joinCodes.matches(join.waiteeId, confirmation.code);
      if (join.confirmedAt !== null) return null;
      tried.triesLeft = tried.right ? join.triesLeft : join.triesLeft - 1;
      return tried.right ? { ...join, confirmedAt: s.now().toISOString() } : { ...join, triesLeft: tried.triesLeft };
    },
    write: (next, etag) => s.joinRequests.replace(next, etag),
    policy: conflictPolicies.contended,
  });
  if (outcome.kind === 'missing') throw unknownJoin();
  if (outcome.kind === 'lost') throw new VersionConflict(confirmation.joinId);
  if (!tried.right) throw wrongCode(outcome.value.confirmedAt === null ? tried.triesLeft : joinCodePolicy.tries);
  const { waitee, created } = await admit(s, outcome.value, waitlist.value);
  if (outcome.value.customerId !== null) await markPhoneVerified(s, outcome.value.customerId, outcome.value.phone);
  return { replayed: !created, confirmed: { waiteeId: waitee.id, statusUrl: statusUrlOf(s, waitee.statusToken) } };
}

const unknownJoin = () => new DomainError('not-found', 'No such join for this link: start the join again to get a code.');

/** The signed-in customer proved their account's phone: later joins with it need no code. */
async function markPhoneVerified(s: Pick<Services, 'users' | 'now'>, userId: string, phone: string): Promise<void> {
  await writeConditionally({
    read: () => s.users.get(userId),
    change: (user): User | null =>
      user.phone === phone && user.phoneVerifiedAt == null ? { ...user, phoneVerifiedAt: s.now().toISOString() } : null,
    write: (next, etag) => s.users.replace(next, etag),
    policy: conflictPolicies.contended,
  });
}

/** The confirmed join's party, put in line under the line's cap (once: its id is fixed by the join). */
async function admit(s: JoinServices, join: JoinRequest, waitlist: Waitlist): Promise<{ waitee: Waitee; created: boolean }> {
  const existing = await s.waitees.get(join.waitlistId, join.waiteeId);
  if (existing !== null) return { waitee: existing.value, created: false };
  if (!waitlist.open) throw closedLine();
  const statusToken = randomBytes(12).toString('base64url');
  const now = s.now();
  const joined: Waitee = {
    ...joinLine({
      id: join.waiteeId,
      waitlistId: join.waitlistId,
      restaurantId: join.restaurantId,
      name: join.name,
      phone: join.phone,
      partySize: join.partySize,
      notes: null,
      source: 'customer',
      customerId: join.customerId,
      statusToken,
      joinedAt: now.toISOString(),
    }),
    phoneVerified: true,
    onMyWayAt: null,
  };
  const { created, lineBefore } = await joinCappedLine(s, {
    waitlistId: join.waitlistId,
    id: joined.id,
    cap: lineCap(s, join.waitlistId),
    closed: closedLine,
    // Indexes first, the party last (as every join): a crash in between leaves a link or place pointing at nothing.
    before: async () => {
      if (join.customerId !== null) {
        const place = { userId: join.customerId, restaurantId: join.restaurantId, waitlistId: join.waitlistId, waiteeId: joined.id };
        await claimPlaceInLine(s, { ...place, joinedAt: joined.joinedAt });
      }
      await s.statusLinks.create({ id: statusToken, restaurantId: join.restaurantId, waitlistId: join.waitlistId, waiteeId: joined.id });
    },
    // The line as the cap counted it, the moment before this party joined: its quote without another query.
    party: (line) => ({ ...joined, joinQuote: quoteAtJoin(line, joined.id, joined.partySize, quoteContextOf(waitlist, now)) }),
  });
  if (created !== null) {
    recordLineParties(joined, lineBefore.filter((place) => place.id !== joined.id).length + 1);
    return { waitee: created.value, created: true };
  }
  const raced = await s.waitees.get(join.waitlistId, join.waiteeId);
  if (raced === null) throw new Error('waitee create conflicted but nothing is stored');
  return { waitee: raced.value, created: false };
}
