import type { components } from '../api/schema.js';

type Waitee = components['schemas']['Waitee'];

const minuteMs = 60_000;

export function minutesBetween(fromIso: string, to: Date): number {
  return Math.max(0, (to.getTime() - Date.parse(fromIso)) / minuteMs);
}

/** "just now", "4 min ago", "1 h 5 min ago": whole minutes, rounded down, as a host reads a clock. */
export function agoText(iso: string, now: Date): string {
  const minutes = Math.floor(minutesBetween(iso, now));
  return minutes < 1 ? 'just now' : `${durationText(minutes)} ago`;
}

/** "45 min", "1 h", "2 h 5 min". */
export function durationText(minutes: number): string {
  const whole = Math.round(minutes);
  if (whole < 60) return `${whole} min`;
  const hours = Math.floor(whole / 60);
  const rest = whole % 60;
  return rest === 0 ? `${hours} h` : `${hours} h ${rest} min`;
}

/**
 * Minutes a party has waited: from joining until it was seated or left the line, or until now while
 * it is in line. Measured the way the server measures a seating (src/application/waitees.ts).
 */
export function waitedMinutes(party: Pick<Waitee, 'joinedAt' | 'seatedAt' | 'endedAt'>, now: Date): number {
  const end = party.seatedAt ?? party.endedAt;
  return minutesBetween(party.joinedAt, end === null ? now : new Date(end));
}

/**
 * Minutes waited until the table was offered: a notified party's wait against its quote stops when
 * it was told its table is ready, whether or not it has come to the stand yet.
 */
export function waitedUntilOffered(party: Pick<Waitee, 'joinedAt' | 'notifiedAt' | 'status'>, now: Date): number {
  const until = party.status === 'notified' && party.notifiedAt !== null ? new Date(party.notifiedAt) : now;
  return minutesBetween(party.joinedAt, until);
}

/** The calendar day of an instant in a time zone, as YYYY-MM-DD. */
export function dayIn(timeZone: string, instant: Date): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(instant);
}

/** Whether an instant falls on today's date in the restaurant's time zone (not the device's). */
export function isToday(iso: string, now: Date, timeZone: string): boolean {
  return dayIn(timeZone, new Date(iso)) === dayIn(timeZone, now);
}

/** The clock time of an instant in the restaurant's time zone, such as "7:42 PM". */
export function clockTime(iso: string, timeZone: string, locale?: string): string {
  return new Intl.DateTimeFormat(locale, { timeZone, hour: 'numeric', minute: '2-digit' }).format(new Date(iso));
}

export interface TodaysService {
  readonly seated: readonly Waitee[];
  readonly noShows: readonly Waitee[];
  readonly cancelled: readonly Waitee[];
  /** Mean wait of the parties seated today, in whole minutes; null before the first seating. */
  readonly averageWaitMinutes: number | null;
}

/** Today's parties that left the line, by how they left, latest first, with today's average wait. */
export function todaysService(parties: readonly Waitee[], now: Date, timeZone: string): TodaysService {
  const today = parties
    .filter((p) => p.endedAt !== null && isToday(p.endedAt, now, timeZone))
    .sort((a, b) => (b.endedAt ?? '').localeCompare(a.endedAt ?? ''));
  const seated = today.filter((p) => p.status === 'seated');
  const waits = seated.map((p) => waitedMinutes(p, now));
  return {
    seated,
    noShows: today.filter((p) => p.status === 'no_show'),
    cancelled: today.filter((p) => p.status === 'cancelled'),
    averageWaitMinutes: waits.length === 0 ? null : Math.round(waits.reduce((sum, w) => sum + w, 0) / waits.length),
  };
}
