import { sizeBand } from '../../../src/domain/estimate.js';
import type { components } from '../api/schema.js';

type Waitee = components['schemas']['Waitee'];

/** How a party's wait stands against what it was quoted; the row's colour and its words. */
export type QuoteStanding = 'on-time' | 'late' | 'very-late';

/**
 * Minutes past the quote before a late party turns "very late" (red): a quarter of the quote, but
 * never less than 10 minutes. A fixed margin alone would turn a 60-minute quote red at 61+10, which
 * hosts accept as normal slippage on a busy night; a proportional one alone would turn a 4-minute
 * quote red at 6 minutes, before anyone could act on it.
 */
export function lateMargin(quotedMinutes: number): number {
  return Math.max(10, Math.round(quotedMinutes * 0.25));
}

export function quoteStanding(waitedMinutes: number, quotedMinutes: number): QuoteStanding {
  if (waitedMinutes <= quotedMinutes) return 'on-time';
  return waitedMinutes - quotedMinutes <= lateMargin(quotedMinutes) ? 'late' : 'very-late';
}

/** The words that go with the colour, so the standing never rests on colour alone. */
export function quoteText(waitedMinutes: number, quotedMinutes: number): string {
  const over = Math.round(waitedMinutes - quotedMinutes);
  switch (quoteStanding(waitedMinutes, quotedMinutes)) {
    case 'on-time':
      return `Waited ${Math.round(waitedMinutes)} of ${quotedMinutes} min quoted`;
    case 'late':
      return `Late: ${over} min past the ${quotedMinutes} min quote`;
    case 'very-late':
      return `Very late: ${over} min past the ${quotedMinutes} min quote`;
  }
}

type QuotedParty = Pick<Waitee, 'partySize' | 'joinedAt' | 'estimatedWaitMinutes' | 'quotedWaitMinutes'>;

/**
 * The total wait a party in line was quoted: the quote the server kept when it joined
 * (`quotedWaitMinutes`), the point the host stand is measured against. A party that joined before
 * quotes were kept has none; its quote is read back from the minutes still to wait while those
 * are above zero (waited plus left), and once they reach zero, from a party of the same size band
 * still inside its own, and failing that is the waitlist's default wait.
 */
export function quotedMinutes(party: QuotedParty, line: readonly QuotedParty[], defaultWaitMinutes: number, now: Date): number {
  if (party.quotedWaitMinutes !== null) return party.quotedWaitMinutes;
  const quoteOf = (p: QuotedParty): number | null =>
    p.estimatedWaitMinutes !== null && p.estimatedWaitMinutes > 0
      ? Math.round(minutesSince(p.joinedAt, now) + p.estimatedWaitMinutes)
      : null;
  const own = quoteOf(party);
  if (own !== null) return own;
  for (const other of line) {
    if (sizeBand(other.partySize) !== sizeBand(party.partySize)) continue;
    const quote = quoteOf(other);
    if (quote !== null) return quote;
  }
  return defaultWaitMinutes;
}

function minutesSince(iso: string, now: Date): number {
  return Math.max(0, (now.getTime() - Date.parse(iso)) / 60_000);
}

/**
 * About what a party of this size joining now would be quoted, before it is saved (the server
 * says the real quote once it is): it joins behind every party of its band, so it waits what the
 * last of them still waits plus one more gap between two of them (the last two's difference, or
 * with one party ahead its whole wait). With nobody of its band in line it is the waitlist's
 * default wait, as the server quotes the first of a band with no history.
 */
export function quoteForNewParty(partySize: number, line: readonly QuotedParty[], defaultWaitMinutes: number): number {
  const band = line
    .filter((p) => sizeBand(p.partySize) === sizeBand(partySize) && p.estimatedWaitMinutes !== null)
    .map((p) => p.estimatedWaitMinutes ?? 0);
  const last = band.at(-1);
  if (last === undefined) return defaultWaitMinutes;
  const gap = last - (band.at(-2) ?? 0);
  return last + Math.max(1, gap);
}
