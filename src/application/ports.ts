/**
 * What the application needs from the outside world, in its own terms. Each port is implemented by
 * exactly one adapter per Azure service (src/adapters); the application and the functions never
 * import an adapter, only these interfaces (eslint.config.js enforces it, docs/architecture.md says
 * why). Ports store and fetch: rules about what to write when live in the application.
 */
import type { DayRollup } from '../domain/analytics.js';
import type { LoginAttempts } from '../domain/login-throttle.js';
import type { RateWindow } from '../domain/join.js';
import type {
  Invitation,
  JoinLink,
  JoinRequest,
  Membership,
  Place,
  RefreshFamily,
  Restaurant,
  StatusLink,
  User,
  Versioned,
  Waitee,
  Waitlist,
} from '../domain/model.js';
import type { DueWork, DueWorkKind, Notification } from '../domain/notification.js';
import type { WaiteeInLine, WaiteeStatus } from '../domain/waitee.js';

/** One page of a query, and the token that reads the next (null on the last page). */
export interface Page<T> {
  readonly items: T[];
  readonly continuationToken: string | null;
}

export interface PageRequest {
  readonly limit: number;
  readonly continuationToken: string | null;
}

/**
 * A conditional write lost: the stored version is no longer the one the caller read (HTTP 412 from
 * the store). The application decides whether to read again and retry (conditional-write.ts).
 */
export class VersionConflict extends Error {
  constructor(readonly what: string) {
    super(`${what} changed since it was read (ETag mismatch)`);
    this.name = 'VersionConflict';
  }
}

/** A conditional write found nothing to change: the document was removed since it was read. */
export class GoneSinceRead extends Error {
  constructor(readonly what: string) {
    super(`${what} was removed since it was read`);
    this.name = 'GoneSinceRead';
  }
}

/** The store cannot read a continuation token (the client's input was altered or is from elsewhere). */
export class InvalidContinuationToken extends Error {
  constructor() {
    super('the continuation token is not one the store issued');
    this.name = 'InvalidContinuationToken';
  }
}

export interface UserRepository {
  /** Reserves an address for a user; false when another user holds it. */
  claimEmail(emailLower: string, userId: string): Promise<boolean>;
  releaseEmail(emailLower: string): Promise<void>;
  userIdForEmail(emailLower: string): Promise<string | null>;
  create(user: User): Promise<Versioned<User> | null>;
  get(userId: string): Promise<Versioned<User> | null>;
  /** Replaces the user if its ETag still matches; VersionConflict otherwise. */
  replace(user: User, etag: string): Promise<Versioned<User>>;
  loginAttempts(emailLower: string): Promise<Versioned<LoginAttempts> | null>;
  /** Saves attempts if nobody else did in between (etag null: first record); false on a race. */
  saveLoginAttempts(emailLower: string, attempts: LoginAttempts, etag: string | null): Promise<boolean>;
  putMembership(membership: Membership): Promise<void>;
  deleteMembership(userId: string, restaurantId: string): Promise<void>;
  memberships(userId: string): Promise<Membership[]>;
  /** Records the customer's place in a line; false when they already hold one there. */
  claimPlace(place: Place): Promise<boolean>;
  place(userId: string, waitlistId: string): Promise<Versioned<Place> | null>;
  /** Takes over a place whose waitee has left the line; false when someone else took it first. */
  replacePlace(place: Place, etag: string): Promise<boolean>;
  /** Frees the customer's place in a line, unless it already belongs to a newer waitee. */
  removePlace(userId: string, waitlistId: string, waiteeId: string): Promise<void>;
  places(userId: string): Promise<Place[]>;
}

/** A membership, a waitlist and its restaurant read together; each is null when missing. */
export interface MemberAndWaitlist {
  readonly membership: Membership | null;
  readonly waitlist: Versioned<Waitlist> | null;
  /** The waitlist's restaurant (its name goes into texts); null when the waitlist is missing. */
  readonly restaurant: Restaurant | null;
}

export interface RestaurantRepository {
  create(restaurant: Restaurant): Promise<Versioned<Restaurant> | null>;
  get(restaurantId: string): Promise<Versioned<Restaurant> | null>;
  replace(restaurant: Restaurant, etag: string): Promise<Versioned<Restaurant>>;
  member(restaurantId: string, userId: string): Promise<Membership | null>;
  /** The caller's membership, the waitlist and its restaurant, read together: what every request on a line checks first. */
  memberAndWaitlist(restaurantId: string, userId: string, waitlistId: string): Promise<MemberAndWaitlist>;
  putMember(membership: Membership): Promise<void>;
  addMember(membership: Membership): Promise<boolean>;
  removeMember(restaurantId: string, userId: string): Promise<boolean>;
  members(restaurantId: string): Promise<Membership[]>;
  createWaitlist(waitlist: Waitlist): Promise<Versioned<Waitlist> | null>;
  waitlist(restaurantId: string, waitlistId: string): Promise<Versioned<Waitlist> | null>;
  replaceWaitlist(waitlist: Waitlist, etag: string): Promise<Versioned<Waitlist>>;
  deleteWaitlist(restaurantId: string, waitlistId: string, etag?: string): Promise<boolean>;
  waitlists(restaurantId: string): Promise<Versioned<Waitlist>[]>;
}

/**
 * Invitations, stored with their restaurant (one per address and restaurant, so inviting again
 * refreshes it), and an index per address that lists where someone is invited. The restaurant's
 * copy decides: an index entry whose invitation is gone or was replaced points at nothing.
 */
export interface InvitationRepository {
  forEmail(restaurantId: string, emailLower: string): Promise<Versioned<Invitation> | null>;
  /** Creates (etag null; VersionConflict when the address has one already) or replaces under the ETag. */
  save(invitation: Invitation, etag: string | null): Promise<Versioned<Invitation>>;
  /** Deletes the restaurant's copy (under the ETag when given); false when it was already gone. */
  delete(invitation: Invitation, etag?: string): Promise<boolean>;
  ofRestaurant(restaurantId: string): Promise<Invitation[]>;
  index(invitation: Invitation): Promise<void>;
  unindex(emailLower: string, invitationId: string): Promise<void>;
  /** Where the address has been invited (the restaurant of each invitation id). */
  indexed(emailLower: string): Promise<InvitationIndexEntry[]>;
  indexEntry(emailLower: string, invitationId: string): Promise<InvitationIndexEntry | null>;
}

export interface InvitationIndexEntry {
  readonly invitationId: string;
  readonly restaurantId: string;
}

/** Where a capped set lives: a line's parties, a restaurant's waitlists or pending invitations, a user's restaurants. */
export type CapScope =
  | { readonly kind: 'line'; readonly waitlistId: string }
  | { readonly kind: 'waitlists'; readonly restaurantId: string }
  | { readonly kind: 'invitations'; readonly restaurantId: string }
  | { readonly kind: 'restaurants'; readonly userId: string }
  /** The texts sent to one phone number on one UTC day, across restaurants (a counter: nothing leaves it). */
  | { readonly kind: 'texts-to-number'; readonly number: string; readonly day: string }
  /** The texts one restaurant sent on one UTC day. */
  | { readonly kind: 'texts-of-restaurant'; readonly restaurantId: string; readonly day: string };

/** One request's claim on a place under a cap, between its check and its insert. */
export interface Admission {
  /** The id the insert will have (a waitee, waitlist, invitation or restaurant id). */
  readonly id: string;
  /** This request's own claim, so giving it back never removes another request's. */
  readonly ticket: string;
  readonly at: string;
}

/** The admissions in flight under one cap, and whether the set is closed to new members. */
export interface Admissions {
  readonly pending: readonly Admission[];
  /** Set while the line is being deleted: no join may be admitted. */
  readonly closing?: { readonly ticket: string; readonly at: string } | null;
}

/** One admissions document per capped set, in the set's own partition (see docs/architecture.md, Caps). */
export interface AdmissionRepository {
  /** The scope's admissions; before the first one an empty record whose ETag is '' (nothing stored). */
  get(scope: CapScope): Promise<Versioned<Admissions>>;
  /** Saves if the stored ETag is still `etag` ('' : if none is stored yet); VersionConflict otherwise. */
  save(scope: CapScope, admissions: Admissions, etag: string): Promise<Versioned<Admissions>>;
  /**
   * The version of a day's text counter this process last read or wrote (undefined if none): a
   * conditional write may start from it instead of a read. It may be stale (another process wrote
   * since), which costs a 412 and a read, so nothing may be decided from it that a newer version
   * could undo.
   */
  lastSeen(scope: CapScope): Versioned<Admissions> | undefined;
  /** The line's places (its waitees still in line) and its admissions, read together by one single-partition query. */
  lineWithAdmissions(waitlistId: string): Promise<LineWithAdmissions>;
  /**
   * In one transactional batch of the line's partition: the line's admissions saved under `etag`
   * ('' : created), then the waitee created. VersionConflict when the admissions moved since `etag`
   * (nothing written); null when a waitee with this id exists (an idempotent retry).
   */
  admitToLine(waitee: Waitee, admissions: Admissions, etag: string): Promise<Versioned<Waitee> | null>;
}

/** A line as its cap counts it: its places and its admissions, as of one read. */
export interface LineWithAdmissions {
  readonly places: readonly WaiteeInLine[];
  /** ETag '' when the line has no admissions document yet. */
  readonly admissions: Versioned<Admissions>;
}

export interface WaiteeRepository {
  /** Null when a waitee with this id exists (an idempotent retry). */
  create(waitee: Waitee): Promise<Versioned<Waitee> | null>;
  get(waitlistId: string, waiteeId: string): Promise<Versioned<Waitee> | null>;
  replace(waitee: Waitee, etag: string): Promise<Versioned<Waitee>>;
  delete(waitlistId: string, waiteeId: string, etag?: string): Promise<boolean>;
  /**
   * Deletes the waitee if its ETag still matches and upserts the due entries its removal leaves, in one
   * transactional batch of the waitlist's partition, all or nothing: VersionConflict on a mismatch,
   * false (nothing written) when it is already gone.
   */
  deleteWith(waitee: Pick<Waitee, 'id' | 'waitlistId'>, etag: string, dueWork: readonly DueWork[]): Promise<boolean>;
  /** The waitees still in line (waiting or notified), for positions. */
  line(waitlistId: string): Promise<Versioned<Waitee>[]>;
  /** Waitees that joined in [from, to) (ISO instants), oldest first, at most `limit` of them. */
  joinedBetween(waitlistId: string, from: string, to: string, limit: number): Promise<Waitee[]>;
  /** The id, joining time and party size of each waitee still in line: what positions, quotes and counts need, and no more. */
  placesInLine(waitlistId: string): Promise<WaiteeInLine[]>;
  /**
   * placesInLine and one waitee of the line (null if none), in one query: a move that shows the
   * party's position afterwards reads both at once instead of the party, then the line.
   */
  placesInLineWith(waitlistId: string, waiteeId: string): Promise<{ places: WaiteeInLine[]; waitee: Versioned<Waitee> | null }>;
  /** A page of waitees in joining order, optionally only those in the given statuses. */
  page(waitlistId: string, statuses: readonly WaiteeStatus[] | null, page: PageRequest): Promise<Page<Versioned<Waitee>>>;
}

/** The waitee's new ETag and the notifications as stored, so they can be marked enqueued without a read. */
export interface SavedWithNotifications {
  readonly etag: string;
  readonly notifications: readonly Versioned<Notification>[];
}

/** Notification records: the outbox, stored beside their waitee with the producer's due entries. */
export interface NotificationRepository {
  /**
   * Replaces the waitee (if its ETag still matches), creates the notifications and upserts the due
   * entries of the waitee's waitlist, in one transactional batch, all or nothing: VersionConflict or
   * GoneSinceRead when the waitee moved or went since it was read (nothing written).
   */
  replaceWaiteeWith(
    waitee: Waitee,
    etag: string,
    notifications: readonly Notification[],
    dueWork: readonly DueWork[],
  ): Promise<SavedWithNotifications>;
  get(waitlistId: string, notificationId: string): Promise<Versioned<Notification> | null>;
  replace(notification: Notification, etag: string): Promise<Versioned<Notification>>;
  forWaitee(waitlistId: string, waiteeId: string): Promise<Notification[]>;
  /** Creates the join request, its code's text and the text's due entry in one batch, all or nothing. */
  createJoinWith(join: JoinRequest, notification: Notification, dueWork: readonly DueWork[]): Promise<SavedWithNotifications>;
}

/** Account-less joins waiting for their code, stored beside the line they join (one partition per waitlist). */
export interface JoinRequestRepository {
  get(waitlistId: string, joinId: string): Promise<Versioned<JoinRequest> | null>;
  replace(join: JoinRequest, etag: string): Promise<Versioned<JoinRequest>>;
  /** Deletes the join requests that made (or would have made) this party; how many there were. */
  deleteForWaitee(waitlistId: string, waiteeId: string): Promise<number>;
}

/** Join link codes → the waitlist they open; the waitlist's `joinCode` says whether a code is still its current one. */
export interface JoinLinkRepository {
  /** False when the code is taken. */
  create(link: JoinLink): Promise<boolean>;
  get(code: string): Promise<JoinLink | null>;
}

/** Sliding-window counters (one-time codes per number and per address), each read and written under its ETag. */
export interface RateCounterRepository {
  /** The window, or an empty one whose ETag is '' (nothing stored yet). */
  get(key: string): Promise<Versioned<RateWindow>>;
  /** Saves if the stored ETag is still `etag` ('' : if none is stored yet); VersionConflict otherwise. */
  save(key: string, window: RateWindow, etag: string): Promise<void>;
}

/** Which rollups a read covers: a whole restaurant, or one of its waitlists. */
export interface AnalyticsScope {
  readonly restaurantId: string;
  readonly waitlistId?: string;
}

/** The per-day analytics rollups (domain/analytics.ts), in the restaurant's partition. */
export interface AnalyticsRepository {
  /** The waitlist's rollup of that day (of its parties, or one shard of its texts), or an empty one whose ETag is '' (nothing stored yet). */
  day(restaurantId: string, waitlistId: string, date: string, shard?: string): Promise<Versioned<DayRollup>>;
  /** Saves if the stored ETag is still `etag` ('' : if none is stored yet); VersionConflict otherwise. */
  save(rollup: DayRollup, etag: string): Promise<Versioned<DayRollup>>;
  /** The figures of the days from..to (inclusive), in one single-partition query; `counted` comes back empty. */
  days(scope: AnalyticsScope, from: string, to: string): Promise<DayRollup[]>;
}

/**
 * The producer's due entries: only outstanding work, so a sweep reads what is due and nothing else.
 * They are written with the save that owes them (NotificationRepository.replaceWaiteeWith,
 * WaiteeRepository.deleteWith), never on their own.
 */
export interface DueWorkRepository {
  /** Entries of these kinds due by `now`, oldest first; a backlog beyond `limit` is left for the next sweep. */
  due(now: Date, limit: number, kinds: readonly DueWorkKind[]): Promise<DueWork[]>;
  done(entry: DueWork): Promise<void>;
  /**
   * Moves up to a hundred entries that the earlier design stored apart from their parties to where
   * they live now, and says how many it moved (0 once none are left): entries a deployment finds,
   * or a worker of the earlier release writes while the new one takes over.
   */
  moveEarlierEntries(): Promise<number>;
}

export interface RefreshTokenRepository {
  create(family: RefreshFamily): Promise<void>;
  get(familyId: string): Promise<Versioned<RefreshFamily> | null>;
  replace(family: RefreshFamily, etag: string): Promise<void>;
}

export interface StatusLinkRepository {
  create(link: StatusLink): Promise<boolean>;
  get(token: string): Promise<StatusLink | null>;
  /** False when it was already gone. */
  delete(token: string): Promise<boolean>;
}

/** What travels on the notifications queue: enough to point-read the notification record. */
export interface NotificationMessage {
  readonly notificationId: string;
  readonly waitlistId: string;
  /** For the consumer's log lines; messages enqueued before it was added lack it. */
  readonly restaurantId?: string;
  /** The record's trace context (Notification.traceparent), sent as the message's `traceparent` and `Diagnostic-Id` properties, not in the body. */
  readonly traceparent?: string;
}

export interface NotificationQueue {
  /** The message id is the notification id, so a repeat within the queue's window is dropped. */
  send(messages: readonly NotificationMessage[]): Promise<void>;
  close(): Promise<void>;
}

export type SmsOutcome =
  { readonly kind: 'sent'; readonly providerMessageId: string } | { readonly kind: 'rejected'; readonly reason: string };

export interface SmsRequest {
  readonly to: string;
  readonly message: string;
  /** Also the provider's repeatability id: a resend after a crash cannot text twice. */
  readonly notificationId: string;
  /** Echoed in the delivery report. */
  readonly tag: string;
  readonly firstAttemptAt: string;
}

export interface SmsSender {
  /** Throws TransientSmsError when trying again later can help. */
  send(request: SmsRequest): Promise<SmsOutcome>;
}

/** A failure worth retrying later (throttling, provider outage, network): Service Bus redelivers. */
export class TransientSmsError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'TransientSmsError';
  }
}

/**
 * A dependency the readiness probe checks (GET /api/health). `dependency` is a generic name
 * ("storage"), the only thing a caller learns: never an address, a key or the error.
 */
export interface DependencyCheck {
  readonly dependency: string;
  /** Resolves when the dependency answers; rejects (or is aborted through `signal`) when it does not. */
  check(signal: AbortSignal): Promise<void>;
}

export type Clock = () => Date;

/** A blob as the store describes it: its real size, whatever the client declared. */
export interface BlobProperties {
  readonly bytes: number;
}

/**
 * The uploads container (src/adapters/blob). Browsers and phones send and fetch the bytes
 * themselves, through URLs this store signs with a user-delegation key: no account key exists.
 */
export interface BlobStore {
  /** A URL that may create this one blob, once, until `expiresOn`: no read, no overwrite, no other name. */
  uploadUrl(blob: string, expiresOn: Date): Promise<string>;
  /** A read-only URL; the same one for many requests (cached with its key), so browsers cache the image. */
  readUrl(blob: string): Promise<string>;
  properties(blob: string): Promise<BlobProperties | null>;
  read(blob: string): Promise<Buffer>;
  /** Writes a derived file that never changes under its name (a content hash): cached for a year. */
  writeImmutable(blob: string, bytes: Buffer, contentType: string): Promise<void>;
  /** Deletes the blob; nothing when it is already gone. */
  delete(blob: string): Promise<void>;
}

export interface EncodedImage {
  readonly width: number;
  readonly height: number;
  readonly bytes: Buffer;
}

/** Reads what a file really is and re-encodes pictures (src/adapters/blob/images.ts, on sharp and file-type). */
export interface ImageCodec {
  /** The media type the file's magic bytes show; undefined when they match no known type. */
  sniff(bytes: Buffer): Promise<string | undefined>;
  /** Its size in pixels, without decoding it; undefined when it cannot be read as an image. */
  dimensions(bytes: Buffer): Promise<{ readonly width: number; readonly height: number } | undefined>;
  /** Re-encoded as WebP at each width (never wider than the original), turned upright and with its metadata (EXIF, GPS) gone. */
  webp(bytes: Buffer, widths: readonly number[]): Promise<EncodedImage[]>;
}
