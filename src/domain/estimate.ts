import type { Waitee, Waitlist } from './model.js';
import { inLineOrder, type WaiteeInLine } from './waitee.js';

/**
 * A party that went out of the line: its size, how long it waited, and when it went, kept per
 * waitlist as recent history. Most were seated; `left` marks one that gave up or never came (the
 * line moves for those too). Records written before `left` existed are seatings.
 */
export interface Seating {
  readonly partySize: number;
  readonly waitedMinutes: number;
  readonly seatedAt: string;
  readonly left?: boolean;
}

export const historyLimit = 50;
const historyWindowMs = 3 * 60 * 60 * 1000;
const minimumSamples = 3;

/** Parties of similar size share tables: 1–2, 3–4, 5–6, 7+. */
export function sizeBand(partySize: number): number {
  return Math.min(Math.ceil(partySize / 2), 4);
}

export function recordSeating(history: readonly Seating[], seating: Seating): Seating[] {
  return [seating, ...history].slice(0, historyLimit);
}

/** The history entry of a party that has just left the line: seated, or gone without a table (cancelled or no-show). */
export function exitOf(party: Pick<Waitee, 'partySize' | 'joinedAt' | 'status' | 'seatedAt' | 'endedAt' | 'updatedAt'>): Seating {
  const at = party.seatedAt ?? party.endedAt ?? party.updatedAt;
  const waitedMinutes = (Date.parse(at) - Date.parse(party.joinedAt)) / 60_000;
  return { partySize: party.partySize, waitedMinutes, seatedAt: at, ...(party.status === 'seated' ? {} : { left: true }) };
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[middle] ?? 0) : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
}

export interface EstimateInput {
  readonly partySize: number;
  readonly joinedAt: string;
  readonly now: Date;
  readonly history: readonly Seating[];
  readonly defaultWaitMinutes: number;
}

/**
 * Minutes left to wait: the typical total wait of similar parties seated in the last three hours
 * (median, at least three samples), or the waitlist's default wait when there is no such history,
 * less the time already waited. Never below zero.
 */
export function estimateWaitMinutes(input: EstimateInput): number {
  const since = input.now.getTime() - historyWindowMs;
  const band = sizeBand(input.partySize);
  const similar = input.history
    .filter((s) => s.left !== true && sizeBand(s.partySize) === band && Date.parse(s.seatedAt) >= since)
    .map((s) => s.waitedMinutes);
  const typical = similar.length >= minimumSamples ? median(similar) : input.defaultWaitMinutes;
  const waited = (input.now.getTime() - Date.parse(input.joinedAt)) / 60_000;
  return Math.max(0, Math.round(typical - waited));
}

/** A wait quote: the point a host is measured against, and the range a guest is shown. */
// A type, not an interface: stored in documents, it must fit the SDK's JSON index signature.
export type WaitQuote = {
  readonly minutes: number;
  readonly low: number;
  readonly high: number;
};

/** A range of minutes as a guest reads it: "15–25 min", or "20 min" when it has no width. */
export function rangeText(range: Pick<WaitQuote, 'low' | 'high'>): string {
  return range.low === range.high ? `${range.low} min` : `${range.low}–${range.high} min`;
}

export interface LineQuoteInput {
  readonly partySize: number;
  /** Parties ahead of this one that compete for the same tables (the same size band). */
  readonly aheadInBand: number;
  /** The earliest join among the band's parties still waiting (this party's own join when it is the first). */
  readonly bandWaitingSince: string;
  readonly now: Date;
  readonly history: readonly Seating[];
  readonly defaultWaitMinutes: number;
}

/** How fast old seatings stop counting: a seating an hour ago weighs e^-1 of one now. */
const rateMemoryMinutes = 60;
/** The default wait counts as this many seatings' worth of evidence, so a first seating does not swing the quote. */
const priorSeatings = 1;

/** Minutes of [from, to] (epoch ms, sorted by start, may overlap) weighted by e^(-age / memory), counted once where they overlap. */
function weightedBusyMinutes(intervals: readonly (readonly [number, number])[], nowMs: number): number {
  const memoryMs = rateMemoryMinutes * 60_000;
  const integral = (from: number, to: number) =>
    rateMemoryMinutes * (Math.exp(-(nowMs - to) / memoryMs) - Math.exp(-(nowMs - from) / memoryMs));
  let total = 0;
  let coveredTo = -Infinity;
  for (const [from, to] of intervals) {
    const start = Math.max(from, coveredTo);
    if (to > start) total += integral(start, to);
    coveredTo = Math.max(coveredTo, to);
  }
  return total;
}

interface Rates {
  readonly seatingsPerMinute: number;
  /** Seatings and parties giving up together: how fast the line ahead moves. */
  readonly exitsPerMinute: number;
  /** How many seatings' worth of evidence the rates rest on, the prior included. */
  readonly evidence: number;
}

/**
 * Rates over the recent history, smoothed: entries weighted by how recent they are, over the time
 * their parties were waiting (a band nobody waits for is not slow, only idle), plus a prior worth
 * a couple of seatings at `priorMinutesPerSeating`. The party's own band is waiting now, so a line
 * where nobody is seated slows down as the minutes pass instead of keeping a stale rate.
 */
function ratesOf(input: LineQuoteInput, entries: readonly TimedExit[], priorMinutesPerSeating: number): Rates {
  const nowMs = input.now.getTime();
  const weight = (atMs: number) => Math.exp(-(nowMs - atMs) / 60_000 / rateMemoryMinutes);
  const observed = (of: readonly TimedExit[]) => of.reduce((sum, s) => sum + weight(s.atMs), 0);
  const seated = observed(entries.filter((s) => s.left !== true));
  const horizonMs = nowMs - historyWindowMs;
  const waiting: [number, number][] = entries.map((s) => [Math.max(horizonMs, s.atMs - s.waitedMinutes * 60_000), s.atMs]);
  waiting.push([Math.max(horizonMs, Date.parse(input.bandWaitingSince)), nowMs]);
  waiting.sort((x, y) => x[0] - y[0]);
  const watched = weightedBusyMinutes(waiting, nowMs) + priorSeatings * priorMinutesPerSeating;
  return {
    seatingsPerMinute: (seated + priorSeatings) / watched,
    exitsPerMinute: (observed(entries) + priorSeatings) / watched,
    evidence: seated + priorSeatings,
  };
}

/** A history entry with its time parsed once (epoch ms), since the rates read it several times. */
type TimedExit = Seating & { readonly atMs: number };

interface BandRates extends Rates {
  /** How much of the band's rate still rests on the waitlist's default: 1 with no history, towards 0 as seatings come in. */
  readonly defaultShare: number;
}

/**
 * The rates for the party's size band. A band's own history is thin on a quiet night, so it is
 * shrunk towards the whole line's rate, and that towards the waitlist's default wait.
 */
function bandRates(input: LineQuoteInput, band: number): BandRates {
  const since = input.now.getTime() - historyWindowMs;
  const recent = input.history.map((s): TimedExit => ({ ...s, atMs: Date.parse(s.seatedAt) })).filter((s) => s.atMs >= since);
  const whole = ratesOf(input, recent, defaultMinutesOf(input));
  const own = ratesOf(
    input,
    recent.filter((s) => sizeBand(s.partySize) === band),
    1 / whole.seatingsPerMinute,
  );
  return { ...own, defaultShare: (priorSeatings / whole.evidence) * (priorSeatings / own.evidence) };
}

const defaultMinutesOf = (input: LineQuoteInput) => Math.max(1, input.defaultWaitMinutes);

/** The p-quantile of a gamma distribution with this mean and shape (Wilson–Hilferty), z the standard normal quantile. */
function gammaQuantile(mean: number, shape: number, z: number): number {
  const c = 1 / (9 * shape);
  return mean * Math.max(0, 1 - c + z * Math.sqrt(c)) ** 3;
}

/** Standard normal quantiles of the range a guest is shown: the 20th and 80th percentiles. */
const rangeZ = 0.8416;

/** The shape of the wait of a party at the front when nothing has been seated yet: one gap, resting on the prior alone. */
const priorShape = 1 / (1 + 1 / priorSeatings);

/**
 * The minutes a party still has to wait: the parties ahead in its band go out of the line (seated,
 * or giving up) at the band's current rate, then the party itself is seated at the band's seating
 * rate. The wait is a sum of such gaps, so it is modelled as a gamma distribution whose shape
 * counts the gaps and shrinks with little evidence for the rates. The quote is its median (what
 * minimises the error a guest feels), the range its 20th to 80th percentile.
 *
 * The waitlist's default is what the owner quotes the party at the front: a median, while the rates
 * take it as a gap's mean, whose median on thin evidence is far lower. So the distribution is
 * shifted up by that difference, weighted by how much the rates still rest on the default: with no
 * history the first party is quoted the default exactly, and the shift fades as seatings come in.
 */
export function quoteWait(input: LineQuoteInput): WaitQuote {
  return quoteAtRates(input, bandRates(input, sizeBand(input.partySize)));
}

/** quoteWait once the band's rates are known: they are the same for every party of a band in a line. */
function quoteAtRates(input: LineQuoteInput, rates: BandRates): WaitQuote {
  const ahead = Math.max(0, input.aheadInBand);
  const mean = ahead / rates.exitsPerMinute + 1 / rates.seatingsPerMinute;
  const shape = 1 / (1 / (ahead + 1) + 1 / rates.evidence);
  const shift = rates.defaultShare * defaultMinutesOf(input) * (1 - gammaQuantile(1, priorShape, 0));
  const quantile = (z: number) => gammaQuantile(mean, shape, z) + shift;
  const minutes = Math.round(quantile(0));
  return {
    minutes,
    low: Math.min(minutes, Math.floor(quantile(-rangeZ) / 5) * 5),
    high: Math.max(minutes, Math.ceil(quantile(rangeZ) / 5) * 5),
  };
}

/** What every quote in a line shares: the moment, the waitlist's history and its default wait. */
export type QuoteContext = Pick<LineQuoteInput, 'now' | 'history' | 'defaultWaitMinutes'>;

/** What every quote on this waitlist shares at this moment. */
export const quoteContextOf = (waitlist: Pick<Waitlist, 'recentSeatings' | 'defaultWaitMinutes'>, now: Date): QuoteContext => ({
  now,
  history: waitlist.recentSeatings,
  defaultWaitMinutes: waitlist.defaultWaitMinutes,
});

/**
 * The quote of every party in the line: each competes only with the parties ahead of it in its
 * size band, so a party of 6 is not pushed back by the parties of 2 that joined before it.
 */
export function quotesInLine(line: readonly WaiteeInLine[], context: QuoteContext): Map<string, WaitQuote> {
  // A band's rates depend on the history and on when the band's first party joined, not on the party: computed once per band.
  const bands = new Map<number, { ahead: number; readonly since: string; readonly rates: BandRates }>();
  const quotes = new Map<string, WaitQuote>();
  for (const party of inLineOrder(line)) {
    const band = sizeBand(party.partySize);
    let seen = bands.get(band);
    if (seen === undefined) {
      const first = { ...context, partySize: party.partySize, aheadInBand: 0, bandWaitingSince: party.joinedAt };
      seen = { ahead: 0, since: party.joinedAt, rates: bandRates(first, band) };
      bands.set(band, seen);
    }
    const input = { ...context, partySize: party.partySize, aheadInBand: seen.ahead, bandWaitingSince: seen.since };
    quotes.set(party.id, quoteAtRates(input, seen.rates));
    seen.ahead++;
  }
  return quotes;
}

/** The quote a party of this size would be given if it joined the line now. */
export function quoteForJoining(line: readonly WaiteeInLine[], partySize: number, context: QuoteContext): WaitQuote {
  const band = sizeBand(partySize);
  const ahead = inLineOrder(line.filter((party) => sizeBand(party.partySize) === band));
  return quoteWait({
    ...context,
    partySize,
    aheadInBand: ahead.length,
    bandWaitingSince: ahead[0]?.joinedAt ?? context.now.toISOString(),
  });
}
