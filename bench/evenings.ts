import { uniformFloat64 } from 'pure-rand/distribution/uniformFloat64';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import {
  estimateWaitMinutes,
  quoteWait,
  recordInHourHistory,
  recordSeating,
  sizeBand,
  type HourHistory,
  type Seating,
  type WaitQuote,
} from '../src/domain/estimate.js';

/** One kind of evening at a walk-in restaurant: who arrives when, in what groups, and what tables there are. */
export interface Evening {
  readonly name: string;
  /** Parties arriving per hour, one entry per hour from opening. */
  readonly arrivalsPerHour: readonly number[];
  /** Party sizes and their relative weights. */
  readonly sizeMix: readonly (readonly [size: number, weight: number])[];
  /** Table capacities and how many of each. */
  readonly tables: readonly (readonly [capacity: number, count: number])[];
  readonly defaultWaitMinutes: number;
}

export const evenings: readonly Evening[] = [
  {
    name: 'quiet weeknight',
    arrivalsPerHour: [10, 18, 22, 16, 8],
    sizeMix: [
      [2, 6],
      [3, 1],
      [4, 3],
      [6, 1],
    ],
    tables: [
      [2, 6],
      [4, 5],
      [6, 2],
    ],
    defaultWaitMinutes: 15,
  },
  {
    name: 'Friday rush',
    arrivalsPerHour: [20, 36, 44, 38, 20],
    sizeMix: [
      [2, 6],
      [3, 2],
      [4, 4],
      [5, 1],
      [6, 1],
    ],
    tables: [
      [2, 6],
      [4, 5],
      [6, 2],
    ],
    defaultWaitMinutes: 20,
  },
  {
    name: 'large-party night',
    arrivalsPerHour: [10, 18, 22, 18, 8],
    sizeMix: [
      [2, 3],
      [4, 3],
      [6, 3],
      [8, 2],
    ],
    tables: [
      [2, 4],
      [4, 5],
      [6, 3],
      [8, 2],
    ],
    defaultWaitMinutes: 20,
  },
];

/** The median of recent waits (before), the position-aware quote on tonight's exits alone (after), and blended with past weeks (blend). */
type Estimator = 'before' | 'after' | 'blend';
export const estimators: readonly Estimator[] = ['before', 'after', 'blend'];

interface Party {
  readonly size: number;
  readonly joinedAt: number;
  readonly patienceMinutes: number;
  readonly noShow: boolean;
  readonly quotes: Record<Estimator, WaitQuote>;
}

/** A party seated from the line: what each estimator quoted when it joined, and what it waited. */
export interface Outcome {
  readonly quotes: Record<Estimator, WaitQuote>;
  readonly waitedMinutes: number;
}

const openedAt = Date.parse('2026-03-06T17:00:00.000Z');
const weekMs = 7 * 86_400_000;
const noShowShare = 0.05;
const meanPatienceMinutes = 70;
const diningMinutes = (size: number) => 40 + 10 * sizeBand(size);

/** A seeded random source, so an evening replays the same way for every estimator and every run. */
function randomSource(seed: number) {
  const generator = xoroshiro128plus(seed);
  const uniform = () => uniformFloat64(generator);
  return {
    uniform,
    exponential: (mean: number) => -Math.log(1 - uniform()) * mean,
    poisson(mean: number): number {
      let count = 0;
      for (let product = uniform(); product > Math.exp(-mean); product *= uniform()) count++;
      return count;
    },
    pick<T>(weighted: readonly (readonly [T, number])[]): T {
      const total = weighted.reduce((sum, [, weight]) => sum + weight, 0);
      let left = uniform() * total;
      for (const [value, weight] of weighted) {
        left -= weight;
        if (left < 0) return value;
      }
      const last = weighted.at(-1);
      if (last === undefined) throw new Error('pick needs at least one choice');
      return last[0];
    },
  };
}

/**
 * Replays one evening, after `weeksBefore` earlier weeks of the same evening (each with its own
 * seed) whose exits build the weekday×hour history the blend reads, as the waitlist keeps it.
 */
export function simulateEvening(evening: Evening, seed: number, weeksBefore = 0): Outcome[] {
  let hourHistory: HourHistory = {};
  for (let week = weeksBefore; week > 0; week--) {
    hourHistory = replayEvening(evening, randomSource(seed * 1000 + week), openedAt - week * weekMs, hourHistory).hourHistory;
  }
  return replayEvening(evening, randomSource(seed), openedAt, hourHistory).outcomes;
}

/**
 * Replays one evening minute by minute: arrivals join the line (unless a table fits at once), the
 * host seats in order of arrival at the smallest free table that fits, guests give up after their
 * patience runs out, a few never answer the text. Each joining party is quoted by every estimator
 * from the same state; only parties seated from the line count towards accuracy.
 */
function replayEvening(
  evening: Evening,
  random: ReturnType<typeof randomSource>,
  opensAt: number,
  pastWeeks: HourHistory,
): { outcomes: Outcome[]; hourHistory: HourHistory } {
  const at = (minute: number) => new Date(opensAt + minute * 60_000);
  const freeAt = evening.tables.flatMap(([capacity, count]) => Array.from({ length: count }, () => ({ capacity, freeFrom: 0 })));
  freeAt.sort((a, b) => a.capacity - b.capacity);
  let line: Party[] = [];
  let history: Seating[] = [];
  let hourHistory = pastWeeks;
  const record = (exit: Seating) => {
    hourHistory = recordInHourHistory(hourHistory, exit, history);
    history = recordSeating(history, exit);
  };
  const outcomes: Outcome[] = [];
  const closingMinute = evening.arrivalsPerHour.length * 60;
  const freeTableFor = (size: number, minute: number) => freeAt.find((t) => t.capacity >= size && t.freeFrom <= minute);

  for (let minute = 0; minute < closingMinute || line.length > 0; minute++) {
    const now = at(minute);
    const leaving = (p: Party) => ({ partySize: p.size, waitedMinutes: minute - p.joinedAt, seatedAt: now.toISOString(), left: true });
    for (const party of line.filter((p) => minute - p.joinedAt >= p.patienceMinutes)) record(leaving(party));
    line = line.filter((p) => minute - p.joinedAt < p.patienceMinutes);
    const stillSeating: Party[] = [];
    for (const party of line) {
      const table = freeTableFor(party.size, minute);
      if (table === undefined) {
        stillSeating.push(party);
      } else if (party.noShow) {
        record(leaving(party));
      } else {
        table.freeFrom = minute + diningMinutes(party.size);
        const waitedMinutes = minute - party.joinedAt;
        record({ partySize: party.size, waitedMinutes, seatedAt: now.toISOString() });
        outcomes.push({ quotes: party.quotes, waitedMinutes });
      }
    }
    line = stillSeating;
    const arrivals = minute < closingMinute ? random.poisson((evening.arrivalsPerHour[Math.floor(minute / 60)] ?? 0) / 60) : 0;
    for (let i = 0; i < arrivals; i++) {
      const size = random.pick(evening.sizeMix);
      const walkIn = freeTableFor(size, minute);
      if (line.length === 0 && walkIn !== undefined) {
        walkIn.freeFrom = minute + diningMinutes(size);
        continue;
      }
      const band = sizeBand(size);
      const joinedAt = now.toISOString();
      const shared = { partySize: size, now, history, defaultWaitMinutes: evening.defaultWaitMinutes };
      const ahead = line.filter((p) => sizeBand(p.size) === band);
      const before = estimateWaitMinutes({ ...shared, joinedAt });
      const position = {
        ...shared,
        aheadInBand: ahead.length,
        bandWaitingSince: ahead[0] === undefined ? joinedAt : at(ahead[0].joinedAt).toISOString(),
      };
      line.push({
        size,
        joinedAt: minute,
        patienceMinutes: random.exponential(meanPatienceMinutes),
        noShow: random.uniform() < noShowShare,
        quotes: {
          before: { minutes: before, low: Math.max(0, before - 5), high: before + 5 },
          after: quoteWait(position),
          blend: quoteWait({ ...position, hourHistory }),
        },
      });
    }
  }
  return { outcomes, hourHistory };
}

export interface Accuracy {
  readonly parties: number;
  readonly meanAbsoluteError: number;
  readonly shareWithinRange: number;
  readonly meanRangeWidth: number;
}

export function accuracyOf(outcomes: readonly Outcome[], estimator: Estimator): Accuracy {
  const errors = outcomes.map((o) => Math.abs(o.quotes[estimator].minutes - o.waitedMinutes));
  const within = outcomes.filter((o) => o.waitedMinutes >= o.quotes[estimator].low && o.waitedMinutes <= o.quotes[estimator].high);
  const widths = outcomes.map((o) => o.quotes[estimator].high - o.quotes[estimator].low);
  const mean = (values: readonly number[]) => values.reduce((sum, v) => sum + v, 0) / Math.max(1, values.length);
  return {
    parties: outcomes.length,
    meanAbsoluteError: mean(errors),
    shareWithinRange: within.length / Math.max(1, outcomes.length),
    meanRangeWidth: mean(widths),
  };
}
