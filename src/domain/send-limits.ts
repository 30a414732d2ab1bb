import { DomainError } from './errors.js';
import type { Waitee } from './model.js';

/**
 * How many texts the restaurant's number may send, so that neither a mistake at the host stand nor
 * someone abusing it turns the number into a spam source (docs/api.md, Text limits). Days are UTC.
 */
export interface SendLimits {
  /** "Table ready" texts (the first and every re-page) one party may get in a day. */
  readonly perPartyPerDay: number;
  /** Texts of any kind one phone number may get in a day, across every restaurant. */
  readonly perNumberPerDay: number;
  /** Texts of any kind one restaurant may send in a day. */
  readonly perRestaurantPerDay: number;
}

export const defaultSendLimits: SendLimits = { perPartyPerDay: 3, perNumberPerDay: 10, perRestaurantPerDay: 1000 };

/** What a refusal names: the party's count, the spacing of its re-pages, the number's or the restaurant's day. */
export type LimitScope = 'party' | 'party-spacing' | 'number' | 'restaurant';

export const utcDayOf = (at: string | Date): string => (typeof at === 'string' ? at : at.toISOString()).slice(0, 10);

/** Seconds until the next UTC day begins, when every daily count starts again (at least 1). */
export function secondsUntilNextDay(now: Date): number {
  const next = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1);
  return Math.max(1, Math.ceil((next - now.getTime()) / 1000));
}

/** The refusal every limit gives: 429 at the API, a `failed` text's reason in the consumer. */
export function textLimitReached(scope: LimitScope, limit: number, retryAfterSeconds: number, message: string): DomainError {
  return new DomainError('text-limit-reached', message, { limitScope: scope, limit, retryAfterSeconds });
}

/**
 * Whether the party's phone may be texted: numbers staff entered are trusted (the restaurant
 * vouches for them and they count against the limits), a customer's own number only once it was
 * proved with a one-time code. Parties stored before the flag existed are judged by who added them.
 */
export function phoneTrusted(waitee: Pick<Waitee, 'phoneVerified' | 'source'>): boolean {
  return waitee.phoneVerified ?? waitee.source === 'staff';
}

export const unverifiedNumberReason =
  'not sent: the number was entered by the customer and has not been verified with a one-time code; the restaurant texts only verified numbers (staff can correct the phone to vouch for it)';

/**
 * Refuses one more "table ready" text to the party when it already had its day's share, or when the
 * last one went out less than the grace period ago (the party is still within the time it was given).
 */
export function pageRefusal(
  waitee: Pick<Waitee, 'pagedAt'>,
  gracePeriodMinutes: number,
  limits: Pick<SendLimits, 'perPartyPerDay'>,
  now: Date,
): DomainError | null {
  const today = pagesToday(waitee, now);
  if (today.length >= limits.perPartyPerDay) {
    return textLimitReached(
      'party',
      limits.perPartyPerDay,
      secondsUntilNextDay(now),
      `This party already got ${limits.perPartyPerDay} "table ready" texts today, the most one party is sent; tell them at the host stand instead.`,
    );
  }
  const last = today.at(-1);
  const wait = last === undefined ? 0 : Date.parse(last) + gracePeriodMinutes * 60_000 - now.getTime();
  if (wait > 0) {
    return textLimitReached(
      'party-spacing',
      limits.perPartyPerDay,
      Math.ceil(wait / 1000),
      `This party was texted less than the grace period (${gracePeriodMinutes} min) ago; page them again once it has passed.`,
    );
  }
  return null;
}

/** The party's "table ready" texts of today, oldest first. */
function pagesToday(waitee: Pick<Waitee, 'pagedAt'>, now: Date): string[] {
  return (waitee.pagedAt ?? []).filter((at) => utcDayOf(at) === utcDayOf(now));
}

/** The party after one more "table ready" text; earlier days' entries are dropped, so the list stays short. */
export function withPage<T extends Pick<Waitee, 'pagedAt'>>(waitee: T, now: Date): T {
  return { ...waitee, pagedAt: [...pagesToday(waitee, now), now.toISOString()] };
}
