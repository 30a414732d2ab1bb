import {
  addDays,
  leavingEvent,
  localIsoOf,
  localTimeOf,
  rangeOf,
  startOfLocalDay,
  summarize,
  textEvent,
  withEvent,
  type AnalyticsSummary,
  type DatedEvent,
} from '../domain/analytics.js';
import { csvOf, type CsvCell } from '../domain/csv.js';
import { DomainError, notFound } from '../domain/errors.js';
import type { Restaurant, Waitee } from '../domain/model.js';
import type { Notification } from '../domain/notification.js';
import { demand } from '../domain/roles.js';
import { memberWith, type Caller } from './access.js';
import { conflictPolicies, writeConditionally } from './conditional-write.js';
import { VersionConflict } from './ports.js';
import type { Services } from './services.js';

/**
 * Analytics (docs/architecture.md, Analytics rollups): parties leaving the line and text outcomes
 * are counted into per-day rollups as they happen; the figures of a range are read from those, one
 * query, never by scanning parties.
 */

export type RollupServices = Pick<Services, 'analytics' | 'restaurants'>;

/** Counts one event in its day's rollup, under the rollup's ETag; a replayed event finds itself counted and writes nothing. */
async function countEvent(s: RollupServices, restaurantId: string, dated: DatedEvent): Promise<void> {
  const outcome = await writeConditionally({
    read: () => s.analytics.day(restaurantId, dated.waitlistId, dated.date, dated.shard),
    change: (current) => withEvent(current, dated.event),
    write: (next, etag) => s.analytics.save(next, etag),
    policy: conflictPolicies.contended,
  });
  if (outcome.kind === 'lost') throw new VersionConflict(`analytics of ${dated.waitlistId} on ${dated.date}`);
}

async function timeZoneOf(s: RollupServices, restaurantId: string): Promise<string | null> {
  return (await s.restaurants.get(restaurantId))?.value.timeZone ?? null;
}

/** Counts a party that left the line (seated, no-show, cancelled) on the day it joined; nothing for a party still in line. */
export async function countLeaving(s: RollupServices, waitee: Waitee, knownTimeZone?: string): Promise<void> {
  if (leavingEvent(waitee, 'UTC') === null) return;
  const timeZone = knownTimeZone ?? (await timeZoneOf(s, waitee.restaurantId));
  const dated = timeZone === null ? null : leavingEvent(waitee, timeZone);
  if (dated !== null) await countEvent(s, waitee.restaurantId, dated);
}

/**
 * Counts a text's outcome (sent, failed, delivered) on the day it happened. Called after the
 * record's write, and again whenever the trigger sees the record already settled, so an outcome
 * whose count failed is counted on the redelivery that failure causes.
 */
async function countTextOutcome(s: RollupServices, notification: Notification): Promise<void> {
  if (textEvent(notification, 'UTC') === null) return;
  const timeZone = notification.timeZone ?? (await timeZoneOf(s, notification.restaurantId));
  const dated = timeZone === null ? null : textEvent(notification, timeZone);
  if (dated !== null) await countEvent(s, notification.restaurantId, dated);
}

/** A text delivered (or undelivered) was sent first: both count, each once. */
export async function countTextOutcomes(s: RollupServices, notification: Notification): Promise<void> {
  if (notification.sentAt !== null && notification.status !== 'sent') await countTextOutcome(s, { ...notification, status: 'sent' });
  await countTextOutcome(s, notification);
}

export interface RangeQuery {
  readonly from?: string | undefined;
  readonly to?: string | undefined;
}

/** The range with its defaults, in the restaurant's days; a reversed or too long one is a validation error naming the parameter. */
export function rangeIn(restaurant: Restaurant, query: RangeQuery, now: Date): { from: string; to: string } {
  const range = rangeOf(query, localTimeOf(now.toISOString(), restaurant.timeZone).date);
  if ('field' in range) {
    throw new DomainError('validation', `The query parameter ${range.field} ${range.message}.`, { field: range.field, where: 'query' });
  }
  return range;
}

type AnalyticsReadServices = Pick<Services, 'analytics' | 'restaurants' | 'now'>;

async function restaurantOf(s: Pick<Services, 'restaurants'>, restaurantId: string): Promise<Restaurant> {
  const restaurant = await s.restaurants.get(restaurantId);
  if (restaurant === null) throw notFound.restaurant();
  return restaurant.value;
}

/** Members (owners and staff): the figures of one waitlist over a range of days. */
export async function waitlistAnalytics(
  s: AnalyticsReadServices,
  caller: Caller,
  ids: { readonly restaurantId: string; readonly waitlistId: string },
  query: RangeQuery,
): Promise<AnalyticsSummary> {
  // The membership, the waitlist and its restaurant in one batch of reads.
  const { membership, waitlist, restaurant } = await s.restaurants.memberAndWaitlist(ids.restaurantId, caller.userId, ids.waitlistId);
  if (membership === null) throw notFound.restaurant();
  demand(membership.role, 'read');
  if (waitlist === null || restaurant === null) throw notFound.waitlist();
  const range = rangeIn(restaurant, query, s.now());
  const rollups = await s.analytics.days(ids, range.from, range.to);
  return summarize(rollups, range, restaurant.timeZone);
}

/** Members: the figures of every waitlist of the restaurant (deleted ones included) over a range of days. */
export async function restaurantAnalytics(
  s: AnalyticsReadServices,
  caller: Caller,
  restaurantId: string,
  query: RangeQuery,
): Promise<AnalyticsSummary> {
  const [, restaurant] = await Promise.all([memberWith(s, caller, restaurantId, 'read'), restaurantOf(s, restaurantId)]);
  const range = rangeIn(restaurant, query, s.now());
  const rollups = await s.analytics.days({ restaurantId }, range.from, range.to);
  return summarize(rollups, range, restaurant.timeZone);
}

/** The most rows one export holds; a range with more is refused (export a shorter one), never cut short silently. */
export const maxExportRows = 10_000;

const exportColumns = [
  'waitlist',
  'joined',
  'seated',
  'ended',
  'status',
  'partySize',
  'waitMinutes',
  'quotedMinutes',
  'name',
  'phone',
  'notes',
];

/** A personal field as retention left it: removed fields are empty. */
const held = (value: string | null | undefined): string | null => (value === undefined || value === '' ? null : value);

function exportRow(waitee: Waitee, waitlistName: string, timeZone: string): CsvCell[] {
  const at = (instant: string | null) => (instant === null ? null : localIsoOf(instant, timeZone));
  const waited =
    waitee.status === 'seated' && waitee.seatedAt !== null
      ? Math.round((Date.parse(waitee.seatedAt) - Date.parse(waitee.joinedAt)) / 60_000)
      : null;
  return [
    waitlistName,
    at(waitee.joinedAt),
    at(waitee.seatedAt),
    at(waitee.endedAt),
    waitee.status,
    waitee.partySize,
    waited,
    waitee.joinQuote?.minutes ?? null,
    held(waitee.name),
    held(waitee.phone),
    held(waitee.notes),
  ];
}

export interface PartiesExport {
  readonly filename: string;
  readonly csv: string;
}

/**
 * Owners: every party that joined in the range, in every waitlist, oldest first, as CSV with the
 * personal fields retention has not removed yet. One query per waitlist, each bounded.
 */
export async function exportParties(
  s: Pick<Services, 'restaurants' | 'waitees' | 'now'>,
  caller: Caller,
  restaurantId: string,
  query: RangeQuery,
): Promise<PartiesExport> {
  const [, restaurant] = await Promise.all([memberWith(s, caller, restaurantId, 'export-guest-data'), restaurantOf(s, restaurantId)]);
  const range = rangeIn(restaurant, query, s.now());
  const { timeZone } = restaurant;
  const from = startOfLocalDay(range.from, timeZone);
  const to = startOfLocalDay(addDays(range.to, 1), timeZone);
  const waitlists = await s.restaurants.waitlists(restaurantId);
  const perWaitlist = await Promise.all(
    waitlists.map(async ({ value: waitlist }) =>
      (await s.waitees.joinedBetween(waitlist.id, from, to, maxExportRows + 1)).map((waitee) => ({ waitee, waitlistName: waitlist.name })),
    ),
  );
  const parties = perWaitlist.flat().sort((a, b) => a.waitee.joinedAt.localeCompare(b.waitee.joinedAt));
  if (parties.length > maxExportRows) {
    throw new DomainError(
      'limit-reached',
      `More than ${maxExportRows} parties joined from ${range.from} to ${range.to}; export a shorter range.`,
      {
        limit: maxExportRows,
      },
    );
  }
  return {
    filename: `parties-${range.from}-${range.to}.csv`,
    csv: csvOf([exportColumns, ...parties.map(({ waitee, waitlistName }) => exportRow(waitee, waitlistName, timeZone))]),
  };
}
