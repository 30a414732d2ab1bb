import type { WaitQuote } from './estimate.js';
import type { Waitee } from './model.js';
import type { Notification } from './notification.js';

/**
 * Analytics from per-day rollups (docs/architecture.md, Analytics rollups): one document per
 * waitlist and day (the restaurant's time zone) holding counts and sums only — never a name, phone
 * or note — so reading a year is one small partition read and retention never has to touch it.
 */

/** Whole minutes kept apart in the wait histogram; longer waits share the last bucket. */
export const longestTrackedWaitMinutes = 720;

/** A range may span at most this many days; without `from` it spans the default. */
export const maxRangeDays = 400;
export const defaultRangeDays = 28;

const dayMs = 86_400_000;

export interface DayFigures {
  /** Parties that joined this day and have left the line: seated + noShow + cancelled. */
  readonly parties: number;
  readonly seated: number;
  readonly noShow: number;
  readonly cancelled: number;
  /** Sum of seated parties' waits (seatedAt − joinedAt), in minutes, unrounded. */
  readonly waitMinutesTotal: number;
  /**
   * Seated parties by wait rounded to the whole minute (key), capped at longestTrackedWaitMinutes:
   * at most 721 keys however busy the day. Buckets (not a sample) because they merge exactly across
   * days and waitlists, so the median and 90th percentile of any range are exact to the minute.
   */
  readonly waitHistogram: Readonly<Record<string, number>>;
  /** Seated parties that had a quote at join, the sum of |quote − wait| and how many waited within the range. */
  readonly quoted: number;
  readonly quoteErrorMinutesTotal: number;
  readonly withinRange: number;
  /** Parties counted above by the hour they joined (0–23); the weekday is the day's. */
  readonly joinedByHour: readonly number[];
  readonly textsSent: number;
  readonly textsFailed: number;
  readonly textsDelivered: number;
}

export interface DayRollup {
  readonly restaurantId: string;
  readonly waitlistId: string;
  /** YYYY-MM-DD in the restaurant's time zone. */
  readonly date: string;
  /**
   * Absent on the day's document of parties; `t0`…`t7` on the documents its texts are spread over,
   * so a burst of texts (every consumer counting at once) contends on eight documents, not one.
   */
  readonly shard?: string;
  readonly figures: DayFigures;
  /**
   * The events already counted (a kind letter and the party's or text's id without dashes:
   * 33 characters each), so a replayed event changes nothing. Ids only: nothing personal.
   */
  readonly counted: readonly string[];
}

export type LeftStatus = 'seated' | 'no_show' | 'cancelled';
export type TextOutcome = 'sent' | 'failed' | 'delivered';

export type RollupEvent =
  | {
      readonly kind: 'left';
      readonly key: string;
      readonly status: LeftStatus;
      readonly joinedHour: number;
      /** Minutes from joining to being seated; null unless seated. */
      readonly waitMinutes: number | null;
      readonly quote: WaitQuote | null;
    }
  | { readonly kind: 'text'; readonly key: string; readonly outcome: TextOutcome };

/** Where an event is counted: the waitlist's document of that day. */
export interface DatedEvent {
  readonly waitlistId: string;
  readonly date: string;
  readonly shard?: string;
  readonly event: RollupEvent;
}

export function emptyFigures(): DayFigures {
  return {
    parties: 0,
    seated: 0,
    noShow: 0,
    cancelled: 0,
    waitMinutesTotal: 0,
    waitHistogram: {},
    quoted: 0,
    quoteErrorMinutesTotal: 0,
    withinRange: 0,
    joinedByHour: new Array<number>(24).fill(0),
    textsSent: 0,
    textsFailed: 0,
    textsDelivered: 0,
  };
}

export function emptyRollup(restaurantId: string, waitlistId: string, date: string, shard?: string): DayRollup {
  return { restaurantId, waitlistId, date, ...(shard === undefined ? {} : { shard }), figures: emptyFigures(), counted: [] };
}

export const textShards = 8;

const eventKey = (kind: string, id: string): string => `${kind}${id.replace(/-/g, '')}`;

interface LocalTime {
  readonly date: string;
  readonly hour: number;
}

/** One formatter per time zone: building an Intl.DateTimeFormat costs far more than formatting with it. */
const wallClocks = new Map<string, Intl.DateTimeFormat>();

/** What a wall clock in the time zone (IANA name) shows at the instant: "YYYY-MM-DDTHH:MM:SS". */
function wallClockOf(date: Date, timeZone: string): string {
  let format = wallClocks.get(timeZone);
  if (format === undefined) {
    format = new Intl.DateTimeFormat('en-CA', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hourCycle: 'h23',
    });
    wallClocks.set(timeZone, format);
  }
  const parts = format.formatToParts(date);
  const part = (type: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === type)?.value ?? '';
  return `${part('year')}-${part('month')}-${part('day')}T${part('hour')}:${part('minute')}:${part('second')}`;
}

/** The calendar day and hour of an instant in a time zone (IANA name). */
export function localTimeOf(instant: string, timeZone: string): LocalTime {
  const local = wallClockOf(new Date(instant), timeZone);
  return { date: local.slice(0, 10), hour: Number(local.slice(11, 13)) };
}

const minutesBetween = (from: string, to: string): number => (Date.parse(to) - Date.parse(from)) / 60_000;

/** The event a party that left the line contributes, on the day it joined; null while it is in line. */
export function leavingEvent(waitee: Waitee, timeZone: string): DatedEvent | null {
  if (waitee.status !== 'seated' && waitee.status !== 'no_show' && waitee.status !== 'cancelled') return null;
  const joined = localTimeOf(waitee.joinedAt, timeZone);
  const seated = waitee.status === 'seated' ? (waitee.seatedAt ?? waitee.updatedAt) : null;
  return {
    waitlistId: waitee.waitlistId,
    date: joined.date,
    event: {
      kind: 'left',
      key: eventKey('p', waitee.id),
      status: waitee.status,
      joinedHour: joined.hour,
      waitMinutes: seated === null ? null : Math.max(0, minutesBetween(waitee.joinedAt, seated)),
      quote: waitee.joinQuote ?? null,
    },
  };
}

/** The event a text's outcome contributes, on the day it happened; null while it is not settled. */
export function textEvent(notification: Notification, timeZone: string): DatedEvent | null {
  const outcome = notification.status;
  const at =
    outcome === 'sent'
      ? notification.sentAt
      : outcome === 'delivered'
        ? notification.deliveredAt
        : outcome === 'failed'
          ? notification.failedAt
          : null;
  if (at === null || (outcome !== 'sent' && outcome !== 'delivered' && outcome !== 'failed')) return null;
  return {
    waitlistId: notification.waitlistId,
    date: localTimeOf(at, timeZone).date,
    shard: `t${parseInt(notification.id.slice(-2), 16) % textShards}`,
    event: { kind: 'text', key: eventKey(outcome.charAt(0), notification.id), outcome },
  };
}

function withLeaving(figures: DayFigures, event: Extract<RollupEvent, { kind: 'left' }>): DayFigures {
  const joinedByHour = figures.joinedByHour.map((count, hour) => (hour === event.joinedHour ? count + 1 : count));
  const counted = { ...figures, parties: figures.parties + 1, joinedByHour };
  if (event.status === 'no_show') return { ...counted, noShow: figures.noShow + 1 };
  if (event.status === 'cancelled') return { ...counted, cancelled: figures.cancelled + 1 };
  const wait = event.waitMinutes ?? 0;
  const bucket = String(Math.min(Math.round(wait), longestTrackedWaitMinutes));
  const quote = event.quote;
  return {
    ...counted,
    seated: figures.seated + 1,
    waitMinutesTotal: figures.waitMinutesTotal + wait,
    waitHistogram: { ...figures.waitHistogram, [bucket]: (figures.waitHistogram[bucket] ?? 0) + 1 },
    ...(quote === null
      ? {}
      : {
          quoted: figures.quoted + 1,
          quoteErrorMinutesTotal: figures.quoteErrorMinutesTotal + Math.abs(quote.minutes - wait),
          withinRange: figures.withinRange + (wait >= quote.low && wait <= quote.high ? 1 : 0),
        }),
  };
}

function withText(figures: DayFigures, outcome: TextOutcome): DayFigures {
  if (outcome === 'sent') return { ...figures, textsSent: figures.textsSent + 1 };
  if (outcome === 'delivered') return { ...figures, textsDelivered: figures.textsDelivered + 1 };
  return { ...figures, textsFailed: figures.textsFailed + 1 };
}

/** The rollup with the event counted, or null when it was counted already (a replay). */
export function withEvent(rollup: DayRollup, event: RollupEvent): DayRollup | null {
  if (rollup.counted.includes(event.key)) return null;
  const figures = event.kind === 'left' ? withLeaving(rollup.figures, event) : withText(rollup.figures, event.outcome);
  return { ...rollup, figures, counted: [...rollup.counted, event.key] };
}

/** Sums figures (days, waitlists); histograms merge bucket by bucket. */
export function addFigures(a: DayFigures, b: DayFigures): DayFigures {
  const waitHistogram: Record<string, number> = { ...a.waitHistogram };
  for (const [bucket, count] of Object.entries(b.waitHistogram)) waitHistogram[bucket] = (waitHistogram[bucket] ?? 0) + count;
  return {
    parties: a.parties + b.parties,
    seated: a.seated + b.seated,
    noShow: a.noShow + b.noShow,
    cancelled: a.cancelled + b.cancelled,
    waitMinutesTotal: a.waitMinutesTotal + b.waitMinutesTotal,
    waitHistogram,
    quoted: a.quoted + b.quoted,
    quoteErrorMinutesTotal: a.quoteErrorMinutesTotal + b.quoteErrorMinutesTotal,
    withinRange: a.withinRange + b.withinRange,
    joinedByHour: a.joinedByHour.map((count, hour) => count + (b.joinedByHour[hour] ?? 0)),
    textsSent: a.textsSent + b.textsSent,
    textsFailed: a.textsFailed + b.textsFailed,
    textsDelivered: a.textsDelivered + b.textsDelivered,
  };
}

/**
 * The p-quantile (0..1) of the values a histogram counts, interpolated linearly between the two
 * nearest ranks (the common "type 7" definition: the median of 10 and 20 is 15); null when empty.
 */
export function percentile(histogram: Readonly<Record<string, number>>, p: number): number | null {
  const buckets = Object.entries(histogram)
    .map(([value, count]) => [Number(value), count] as const)
    .filter(([, count]) => count > 0)
    .sort(([a], [b]) => a - b);
  const total = buckets.reduce((sum, [, count]) => sum + count, 0);
  if (total === 0) return null;
  const valueAt = (rank: number): number => {
    let seen = 0;
    for (const [value, count] of buckets) {
      seen += count;
      if (rank < seen) return value;
    }
    return buckets[buckets.length - 1]?.[0] ?? 0;
  };
  const h = (total - 1) * p;
  const lower = Math.floor(h);
  const below = valueAt(lower);
  return below + (h - lower) * (valueAt(Math.min(lower + 1, total - 1)) - below);
}

const share = (part: number, whole: number): number | null => (whole === 0 ? null : part / whole);
const round2 = (value: number | null): number | null => (value === null ? null : Math.round(value * 100) / 100);

export interface AnalyticsDay {
  readonly date: string;
  readonly parties: number;
  readonly seated: number;
  readonly noShow: number;
  readonly cancelled: number;
  readonly averageWaitMinutes: number | null;
}

export interface AnalyticsSummary {
  readonly from: string;
  readonly to: string;
  readonly timeZone: string;
  readonly parties: number;
  readonly seated: number;
  readonly noShow: number;
  readonly cancelled: number;
  readonly rates: {
    readonly seated: number | null;
    readonly noShow: number | null;
    readonly cancelled: number | null;
    readonly dropOff: number | null;
  };
  readonly wait: { readonly averageMinutes: number | null; readonly medianMinutes: number | null; readonly p90Minutes: number | null };
  readonly quoteAccuracy: {
    readonly quoted: number;
    readonly meanAbsoluteErrorMinutes: number | null;
    readonly withinRangeShare: number | null;
  };
  readonly texts: { readonly sent: number; readonly failed: number; readonly delivered: number };
  /** 7 rows, Monday first, of 24 hourly counts. */
  readonly heatmap: readonly (readonly number[])[];
  readonly days: readonly AnalyticsDay[];
}

/** Every date from `from` to `to`, inclusive (YYYY-MM-DD, calendar arithmetic in UTC). */
export function datesBetween(from: string, to: string): string[] {
  const dates: string[] = [];
  for (let t = Date.parse(`${from}T00:00:00Z`); t <= Date.parse(`${to}T00:00:00Z`); t += dayMs) {
    dates.push(new Date(t).toISOString().slice(0, 10));
  }
  return dates;
}

/** The date `days` after `date` (before, when negative). */
export function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * dayMs).toISOString().slice(0, 10);
}

const daysFromTo = (from: string, to: string): number =>
  Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / dayMs);

/** 0 for Monday … 6 for Sunday. */
const weekdayOf = (date: string): number => (new Date(`${date}T00:00:00Z`).getUTCDay() + 6) % 7;

/** The figures of a range from its rollups (any waitlists, any order); days without one count zero. */
export function summarize(rollups: readonly DayRollup[], range: { from: string; to: string }, timeZone: string): AnalyticsSummary {
  const byDate = new Map<string, DayFigures>();
  for (const rollup of rollups) {
    if (rollup.date < range.from || rollup.date > range.to) continue;
    byDate.set(rollup.date, addFigures(byDate.get(rollup.date) ?? emptyFigures(), rollup.figures));
  }
  const heatmap = Array.from({ length: 7 }, () => new Array<number>(24).fill(0));
  let total = emptyFigures();
  for (const [date, figures] of byDate) {
    total = addFigures(total, figures);
    const row = heatmap[weekdayOf(date)];
    figures.joinedByHour.forEach((count, hour) => {
      if (row !== undefined) row[hour] = (row[hour] ?? 0) + count;
    });
  }
  const days = datesBetween(range.from, range.to).map((date): AnalyticsDay => {
    const figures = byDate.get(date) ?? emptyFigures();
    const { parties, seated, noShow, cancelled } = figures;
    return { date, parties, seated, noShow, cancelled, averageWaitMinutes: round2(share(figures.waitMinutesTotal, seated)) };
  });
  return {
    ...range,
    timeZone,
    parties: total.parties,
    seated: total.seated,
    noShow: total.noShow,
    cancelled: total.cancelled,
    rates: {
      seated: share(total.seated, total.parties),
      noShow: share(total.noShow, total.parties),
      cancelled: share(total.cancelled, total.parties),
      dropOff: share(total.noShow + total.cancelled, total.parties),
    },
    wait: {
      averageMinutes: round2(share(total.waitMinutesTotal, total.seated)),
      medianMinutes: round2(percentile(total.waitHistogram, 0.5)),
      p90Minutes: round2(percentile(total.waitHistogram, 0.9)),
    },
    quoteAccuracy: {
      quoted: total.quoted,
      meanAbsoluteErrorMinutes: round2(share(total.quoteErrorMinutesTotal, total.quoted)),
      withinRangeShare: share(total.withinRange, total.quoted),
    },
    texts: { sent: total.textsSent, failed: total.textsFailed, delivered: total.textsDelivered },
    heatmap,
    days,
  };
}

const isoDate = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Whether `value` is a real calendar date written YYYY-MM-DD (2026-02-30 is not). */
export function isCalendarDate(value: string): boolean {
  const match = isoDate.exec(value);
  if (match === null) return false;
  const t = Date.parse(`${value}T00:00:00Z`);
  return Number.isFinite(t) && new Date(t).toISOString().slice(0, 10) === value;
}

export type RangeCheck = { readonly from: string; readonly to: string } | { readonly field: 'from' | 'to'; readonly message: string };

/** The range asked for with its defaults filled in (`today` in the restaurant's zone), or what is wrong with it. */
export function rangeOf(asked: { readonly from?: string | undefined; readonly to?: string | undefined }, today: string): RangeCheck {
  const to = asked.to ?? today;
  const from = asked.from ?? addDays(to, 1 - defaultRangeDays);
  if (from > to) return { field: 'from', message: `must not be after to (${to})` };
  if (daysFromTo(from, to) + 1 > maxRangeDays) {
    return { field: 'from', message: `must be less than ${maxRangeDays} days before to (a range spans at most ${maxRangeDays} days)` };
  }
  return { from, to };
}

/** An instant as ISO 8601 local time in a time zone, with that zone's offset then: 2026-12-01T19:05:00+01:00. */
export function localIsoOf(instant: string, timeZone: string): string {
  const date = new Date(instant);
  const local = wallClockOf(date, timeZone);
  const offsetMinutes = Math.round((Date.parse(`${local}Z`) - Math.floor(date.getTime() / 1000) * 1000) / 60_000);
  const sign = offsetMinutes < 0 ? '-' : '+';
  const hours = String(Math.floor(Math.abs(offsetMinutes) / 60)).padStart(2, '0');
  const minutes = String(Math.abs(offsetMinutes) % 60).padStart(2, '0');
  return `${local}${sign}${hours}:${minutes}`;
}

const offsetMinutesAt = (instant: number, timeZone: string): number => {
  const local = localIsoOf(new Date(instant).toISOString(), timeZone);
  const sign = local.charAt(19) === '-' ? -1 : 1;
  return sign * (Number(local.slice(20, 22)) * 60 + Number(local.slice(23, 25)));
};

/** The instant a calendar day begins in a time zone (ISO, UTC). */
export function startOfLocalDay(date: string, timeZone: string): string {
  const midnightUtc = Date.parse(`${date}T00:00:00Z`);
  // Twice: the offset at the first guess may differ from the offset at local midnight (a DST change that day).
  let instant = midnightUtc - offsetMinutesAt(midnightUtc, timeZone) * 60_000;
  instant = midnightUtc - offsetMinutesAt(instant, timeZone) * 60_000;
  return new Date(instant).toISOString();
}
