import { randomUUID } from 'node:crypto';
import type { DomainError } from '../domain/errors.js';
import { conflictPolicies, writeConditionally } from './conditional-write.js';
import type { Versioned, Waitee } from '../domain/model.js';
import type { WaiteeInLine } from '../domain/waitee.js';
import { VersionConflict, type Admission, type Admissions, type CapScope, type LineWithAdmissions } from './ports.js';
import type { Services } from './services.js';

/**
 * Caps that hold under concurrency (docs/architecture.md, Caps). A capped set (a line, a
 * restaurant's waitlists, a user's restaurants) is counted from the store itself, never from a
 * counter, so nothing can drift when members leave; the admissions document beside it serialises
 * the check. A line's party is written in one transactional batch with that document, under the
 * ETag of the read that counted the line (joinCappedLine). The other caps' members are in other
 * partitions or containers than their document, so each admission is written there as a claim,
 * under its ETag, together with the count that allowed it, and the next one counts it even before
 * its insert lands (insertUnderCap).
 */

type AdmissionServices = Pick<Services, 'admissions' | 'now'>;

/**
 * How long a claim whose insert never showed up still counts: far longer than any request lives
 * (Functions' HTTP limit is 230 s), so only a crashed request's claim expires.
 */
const claimLifetimeMs = 5 * 60_000;

export interface Cap {
  readonly scope: CapScope;
  readonly limit: number;
  /** The answer when the set is full. */
  readonly full: () => DomainError;
  /** The ids of the set's current members (a single-partition query). */
  readonly members: () => Promise<readonly string[]>;
  /**
   * Whether a claim's insert landed and its member has left the set since (a party seated between
   * two joins), so its claim stops counting at once instead of when it expires.
   */
  readonly left?: (id: string) => Promise<boolean>;
}

const live = (claim: { readonly at: string }, now: Date) => now.getTime() - Date.parse(claim.at) < claimLifetimeMs;

/** The admissions still worth keeping, and the members and claims the cap counts. */
async function counted(cap: Cap, current: Admissions, now: Date): Promise<{ pending: Admission[]; ids: Set<string> }> {
  const members = new Set(await cap.members());
  const unlisted = current.pending.filter((claim) => !members.has(claim.id) && live(claim, now));
  const gone = await Promise.all(unlisted.map(async (claim) => (cap.left === undefined ? false : cap.left(claim.id))));
  const pending = unlisted.filter((_, i) => gone[i] !== true);
  return { pending, ids: new Set([...members, ...pending.map((claim) => claim.id)]) };
}

/** The ticket of a request's claim (or closing), to give back or reopen with. */
type AdmissionTicket = string;

/** Claims a place for `id` under the cap, or throws its `full` answer (or `closed` while the set is closing). */
async function admit(s: AdmissionServices, cap: Cap, id: string, closed: () => DomainError = cap.full): Promise<AdmissionTicket> {
  const ticket = randomUUID();
  const outcome = await writeConditionally({
    read: () => s.admissions.get(cap.scope),
    change: async (current) => {
      const now = s.now();
      if (current.closing != null && live(current.closing, now)) throw closed();
      const { pending, ids } = await counted(cap, current, now);
      if (!ids.has(id) && ids.size >= cap.limit) throw cap.full();
      return { ...current, pending: [...pending, { id, ticket, at: now.toISOString() }] };
    },
    write: (next, etag) => s.admissions.save(cap.scope, next, etag),
    policy: conflictPolicies.contended,
  });
  if (outcome.kind !== 'written') throw new VersionConflict(`admissions of ${cap.scope.kind}`);
  return ticket;
}

/**
 * Inserts `id` into a capped set: claims its place, runs `insert`, and gives the place back if the
 * insert fails, so a refused or failed insert never holds a place.
 */
export async function insertUnderCap<T>(
  s: AdmissionServices,
  cap: Cap,
  id: string,
  insert: () => Promise<T>,
  closed: () => DomainError = cap.full,
): Promise<T> {
  const ticket = await admit(s, cap, id, closed);
  try {
    return await insert();
  } catch (error) {
    await giveBack(s, cap.scope, ticket);
    throw error;
  }
}

/** A party joining a capped line: what the line's cap checks, and what the join writes. */
export interface LineJoin {
  readonly waitlistId: string;
  /** The party's id: fixed by the request, so a retry finds the party it already made. */
  readonly id: string;
  readonly cap: Pick<Cap, 'limit' | 'full'>;
  /** The answer while the line is closing (its waitlist being deleted). */
  readonly closed: () => DomainError;
  /** What must exist before the party (its indexes): written once, after the first count that admits it. */
  readonly before: () => Promise<void>;
  /** The party, given the line as counted the moment before it joins (its quote comes from there). */
  readonly party: (lineBefore: readonly WaiteeInLine[]) => Waitee;
}

/**
 * Puts a party in a capped line: one query reads the line's places and its admissions document,
 * and one transactional batch rewrites that document under the ETag read and creates the party, so
 * a join that lost a race to another join (or to the closing) writes nothing and counts again. No
 * claim is written, so none is left to give back or to look up later. Claims still in the document
 * from the claim protocol count until their party is listed or they expire. `created` is null when
 * the party already exists (an idempotent retry); `lineBefore` is the line the admitting count saw.
 * A join refused on a count after a lost race (the line filled or closed meanwhile) leaves its
 * indexes pointing at nothing, as a crash between them and the party would: ignored on read.
 */
export async function joinCappedLine(
  s: AdmissionServices,
  join: LineJoin,
): Promise<{ created: Versioned<Waitee> | null; lineBefore: readonly WaiteeInLine[] }> {
  let lineBefore: readonly WaiteeInLine[] = [];
  let prepared = false;
  const outcome = await writeConditionally<LineWithAdmissions, Versioned<Waitee> | null>({
    read: async () => {
      const line = await s.admissions.lineWithAdmissions(join.waitlistId);
      return { value: line, etag: line.admissions.etag };
    },
    change: async (line) => {
      const now = s.now();
      const current = line.admissions.value;
      if (current.closing != null && live(current.closing, now)) throw join.closed();
      const members = new Set(line.places.map((place) => place.id));
      const pending = current.pending.filter((claim) => !members.has(claim.id) && live(claim, now));
      const ids = new Set([...members, ...pending.map((claim) => claim.id)]);
      if (!ids.has(join.id) && ids.size >= join.cap.limit) throw join.cap.full();
      if (!prepared) await join.before();
      prepared = true;
      lineBefore = line.places;
      return { ...line, admissions: { ...line.admissions, value: { pending, closing: current.closing ?? null } } };
    },
    write: (line, etag) => s.admissions.admitToLine(join.party(line.places), line.admissions.value, etag),
    policy: conflictPolicies.contended,
  });
  if (outcome.kind !== 'written') throw new VersionConflict('admissions of line');
  return { created: outcome.result, lineBefore };
}

/**
 * insertUnderCap for a set whose members may leave a moment after they arrive, without a trace the
 * cap could ask about (an invitation answered at once): the claim is given back as soon as the
 * insert is stored, where the set lists it, so it never counts on after its member has gone.
 */
export async function insertUnderCapAndRelease<T>(s: AdmissionServices, cap: Cap, id: string, insert: () => Promise<T>): Promise<T> {
  const ticket = await admit(s, cap, id);
  try {
    return await insert();
  } finally {
    await giveBack(s, cap.scope, ticket);
  }
}

/** Gives back a claim whose insert did not happen; a claim left behind by a crash expires on its own. */
async function giveBack(s: AdmissionServices, scope: CapScope, ticket: AdmissionTicket): Promise<void> {
  await writeConditionally({
    read: () => s.admissions.get(scope),
    change: (current) =>
      current.pending.some((claim) => claim.ticket === ticket)
        ? { ...current, pending: current.pending.filter((claim) => claim.ticket !== ticket) }
        : null,
    write: (next, etag) => s.admissions.save(scope, next, etag),
    policy: conflictPolicies.background,
  }).catch(() => undefined);
}

/**
 * Closes the set to new admissions and counts what is in it or on its way in. The closing is
 * written under the admissions' ETag, so every admission either came before it (and is counted
 * here) or sees it and is refused.
 */
export async function closeAdmissions(s: AdmissionServices, cap: Cap): Promise<{ ticket: AdmissionTicket; inside: number }> {
  const ticket = randomUUID();
  let inside = 0;
  const outcome = await writeConditionally({
    read: () => s.admissions.get(cap.scope),
    change: async (current) => {
      const now = s.now();
      const { pending, ids } = await counted(cap, current, now);
      inside = ids.size;
      // The last closer takes over: only it may reopen, so an earlier closer's reopening cannot undo a later close.
      return { pending, closing: { ticket, at: now.toISOString() } };
    },
    write: (next, etag) => s.admissions.save(cap.scope, next, etag),
    policy: conflictPolicies.contended,
  });
  if (outcome.kind !== 'written') throw new VersionConflict(`admissions of ${cap.scope.kind}`);
  return { ticket, inside };
}

/** Reopens a set this request closed, unless a later closer has taken over. */
export async function reopenAdmissions(s: AdmissionServices, scope: CapScope, ticket: AdmissionTicket): Promise<void> {
  await writeConditionally({
    read: () => s.admissions.get(scope),
    change: (current) => (current.closing?.ticket === ticket ? { ...current, closing: null } : null),
    write: (next, etag) => s.admissions.save(scope, next, etag),
    policy: conflictPolicies.contended,
  });
}
