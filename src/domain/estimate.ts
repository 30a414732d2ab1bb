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

/**
 * The exits of one weekday×hour over past weeks, each week weighing e^(-weeks ago / memory), so old
 * weeks fade instead of falling off at a cliff and the summary stays one small cell whatever its age.
 * A type, not an interface: stored on the waitlist document, it must fit the SDK's JSON index signature.
 */
export type HourCell = {
  /** When the cell was last counted into, in weeks since the epoch: the weights are relative to it. */
  readonly week: number;
  /** Parties seated from the line, by size band (index = band − 1). */
  readonly seated: readonly number[];
  /** Parties that left without a table, by size band. */
  readonly left: readonly number[];
  /** Minutes somebody of the band was waiting (counted once where waits overlap), by size band: what the rates are per. */
  readonly waiting: readonly number[];
  /** Minutes somebody of any band was waiting. */
  readonly lineWaiting: number;
};

/** Exits by UTC weekday and hour, keyed `weekday-hour` (0 = Sunday): "5-19" is Friday 19:00–20:00 UTC. */
export type HourHistory = { readonly [weekdayHour: string]: HourCell };

const weekMs = 7 * 86_400_000;
/** How fast old weeks stop counting: a week 8 weeks ago weighs e^-1 of this one. */
export const hourMemoryWeeks = 8;
/**
 * Weighted parties a weekday×hour needs before its history is used (TablesReady asks for 50 in 8
 * weeks); with the weights, a steady 10 parties a week reach it in 8 weeks.
 */
export const hourHistoryMinimum = 50;
/** Weighted seatings a band needs in the weekday×hour before its own rate is used rather than the whole line's. */
const bandHistoryMinimum = 10;
/** How many seatings' worth of evidence a weekday×hour's history counts as next to tonight's seatings. */
const historyPriorSeatings = 3;
const bands = 4;

const weekOf = (instant: number) => instant / weekMs;
const cellKeyOf = (instant: number) => {
  const at = new Date(instant);
  return `${at.getUTCDay()}-${at.getUTCHours()}`;
};
const fadedBy = (from: number, to: number) => Math.exp(-Math.max(0, to - from) / hourMemoryWeeks);
/** Numbers are kept to a few decimals (counts to 2, minutes to 1, the week to about a minute): enough for the rates, and the waitlist document stays small. */
const kept = (value: number, decimals = 2) => Math.round(value * 10 ** decimals) / 10 ** decimals;

/** The minutes of [from, to] that none of `others` covers (all epoch ms). */
function uncoveredMinutes(from: number, to: number, others: readonly (readonly [number, number])[]): number {
  let uncovered = 0;
  let cursor = from;
  for (const [start, end] of [...others].sort((x, y) => x[0] - y[0])) {
    if (start > cursor) uncovered += Math.min(start, to) - cursor;
    cursor = Math.max(cursor, end);
    if (cursor >= to) break;
  }
  return (uncovered + Math.max(0, to - cursor)) / 60_000;
}

const waitOf = (exit: Seating): [number, number] => {
  const to = Date.parse(exit.seatedAt);
  return [to - exit.waitedMinutes * 60_000, to];
};

/**
 * The weekday×hour history with one more party that left the line counted where it left. The minutes
 * it waited that no earlier exit in `recent` (the waitlist's recent history, before this one) had
 * waited too count as minutes the band, and the line, were waiting: the rates of past weeks are then
 * per minute of waiting, as tonight's are.
 */
export function recordInHourHistory(history: HourHistory, exit: Seating, recent: readonly Seating[]): HourHistory {
  const [from, atMs] = waitOf(exit);
  const key = cellKeyOf(atMs);
  const week = weekOf(atMs);
  const empty = () => new Array<number>(bands).fill(0);
  const cell = history[key] ?? { week, seated: empty(), left: empty(), waiting: empty(), lineWaiting: 0 };
  const fade = fadedBy(cell.week, week);
  const band = sizeBand(exit.partySize) - 1;
  const earlier = recent.map(waitOf);
  const earlierInBand = recent.filter((s) => sizeBand(s.partySize) - 1 === band).map(waitOf);
  const bandWaiting = uncoveredMinutes(from, atMs, earlierInBand);
  const counted = (counts: readonly number[], add: number, decimals = 2) =>
    counts.map((n, i) => kept(n * fade + (i === band ? add : 0), decimals));
  return {
    ...history,
    [key]: {
      week: kept(Math.max(cell.week, week), 4),
      seated: counted(cell.seated, exit.left === true ? 0 : 1),
      left: counted(cell.left, exit.left === true ? 1 : 0),
      waiting: counted(cell.waiting, bandWaiting, 1),
      lineWaiting: kept(cell.lineWaiting * fade + uncoveredMinutes(from, atMs, earlier), 1),
    },
  };
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
  /** The same weekday and hour in past weeks; absent or thin, the waitlist's default stands in. */
  readonly hourHistory?: HourHistory;
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

/** What the rates start from before tonight's exits: this many seatings and exits over these minutes. */
interface Prior {
  readonly seatings: number;
  readonly exits: number;
  readonly minutes: number;
}

/** A prior worth `priorSeatings` seatings, one every `minutesPerSeating`: the waitlist's default, or the whole line's rate. */
const thinPrior = (minutesPerSeating: number): Prior => ({
  seatings: priorSeatings,
  exits: priorSeatings,
  minutes: priorSeatings * minutesPerSeating,
});

/**
 * Rates over the recent history, smoothed: entries weighted by how recent they are, over the time
 * their parties were waiting (a band nobody waits for is not slow, only idle), plus the prior. The
 * party's own band is waiting now, so a line where nobody is seated slows down as the minutes pass
 * instead of keeping a stale rate.
 */
function ratesOf(input: LineQuoteInput, entries: readonly TimedExit[], prior: Prior): Rates {
  const nowMs = input.now.getTime();
  const weight = (atMs: number) => Math.exp(-(nowMs - atMs) / 60_000 / rateMemoryMinutes);
  const observed = (of: readonly TimedExit[]) => of.reduce((sum, s) => sum + weight(s.atMs), 0);
  const seated = observed(entries.filter((s) => s.left !== true));
  const horizonMs = nowMs - historyWindowMs;
  const waiting: [number, number][] = entries.map((s) => [Math.max(horizonMs, s.atMs - s.waitedMinutes * 60_000), s.atMs]);
  waiting.push([Math.max(horizonMs, Date.parse(input.bandWaitingSince)), nowMs]);
  waiting.sort((x, y) => x[0] - y[0]);
  const watched = weightedBusyMinutes(waiting, nowMs) + prior.minutes;
  return {
    seatingsPerMinute: (seated + prior.seatings) / watched,
    exitsPerMinute: (observed(entries) + prior.exits) / watched,
    evidence: seated + prior.seatings,
  };
}

/** A history entry with its time parsed once (epoch ms), since the rates read it several times. */
type TimedExit = Seating & { readonly atMs: number };

interface BandRates extends Rates {
  /** How much of the band's rate still rests on the waitlist's default: 1 with no history, towards 0 as seatings come in. */
  readonly defaultShare: number;
}

const total = (counts: readonly number[]) => counts.reduce((sum, n) => sum + n, 0);

/**
 * The priors the weekday×hour's history gives, when it has enough parties: the whole line's, and the
 * band's own when the band was seated often enough there (null: the whole line's rate stands in).
 * The hour (and the age of its weeks) is the one the band's line began, so the prior holds still while
 * the band waits: with no seating the quote keeps growing, it does not jump down when the clock passes
 * the hour.
 */
function hourPriorsOf(input: LineQuoteInput, band: number): { readonly whole: Prior; readonly own: Prior | null } | null {
  const since = Date.parse(input.bandWaitingSince);
  const cell = input.hourHistory?.[cellKeyOf(since)];
  if (cell === undefined) return null;
  const fade = fadedBy(cell.week, weekOf(since));
  const seated = total(cell.seated);
  if ((seated + total(cell.left)) * fade < hourHistoryMinimum || seated === 0 || cell.lineWaiting === 0) return null;
  const priorOf = (seatings: number, left: number, minutes: number): Prior => ({
    seatings: historyPriorSeatings,
    exits: (historyPriorSeatings * (seatings + left)) / seatings,
    minutes: (historyPriorSeatings * minutes) / seatings,
  });
  const bandSeated = cell.seated[band - 1] ?? 0;
  const bandWaiting = cell.waiting[band - 1] ?? 0;
  return {
    whole: priorOf(seated, total(cell.left), cell.lineWaiting),
    own: bandSeated * fade >= bandHistoryMinimum && bandWaiting > 0 ? priorOf(bandSeated, cell.left[band - 1] ?? 0, bandWaiting) : null,
  };
}

/**
 * The rates for the party's size band. A band's own history is thin on a quiet night, so it is
 * shrunk towards the whole line's rate, and that towards a prior: the same weekday and hour in past
 * weeks once there is enough of it, the waitlist's default otherwise.
 */
function bandRates(input: LineQuoteInput, band: number): BandRates {
  const since = input.now.getTime() - historyWindowMs;
  const recent = input.history.map((s): TimedExit => ({ ...s, atMs: Date.parse(s.seatedAt) })).filter((s) => s.atMs >= since);
  const hourPriors = hourPriorsOf(input, band);
  const whole = ratesOf(input, recent, hourPriors?.whole ?? thinPrior(defaultMinutesOf(input)));
  const own = ratesOf(
    input,
    recent.filter((s) => sizeBand(s.partySize) === band),
    hourPriors?.own ?? thinPrior(1 / whole.seatingsPerMinute),
  );
  const defaultShare = hourPriors === null ? (priorSeatings / whole.evidence) * (priorSeatings / own.evidence) : 0;
  return { ...own, defaultShare };
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
export type QuoteContext = Pick<LineQuoteInput, 'now' | 'history' | 'hourHistory' | 'defaultWaitMinutes'>;

/** What every quote on this waitlist shares at this moment. */
export const quoteContextOf = (
  waitlist: Pick<Waitlist, 'recentSeatings' | 'hourHistory' | 'defaultWaitMinutes'>,
  now: Date,
): QuoteContext => ({
  now,
  history: waitlist.recentSeatings,
  hourHistory: waitlist.hourHistory ?? {},
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
