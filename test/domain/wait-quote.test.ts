import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  exitOf,
  quoteForJoining,
  quotesInLine,
  quoteWait,
  rangeText,
  recordInHourHistory,
  type HourCell,
  type HourHistory,
  type LineQuoteInput,
  type Seating,
} from '../../src/domain/estimate.js';
import { accuracyOf, evenings, simulateEvening } from '../../bench/evenings.js';

const opened = Date.parse('2026-03-06T18:00:00.000Z');
const minute = (m: number) => new Date(opened + m * 60_000);

interface PastExit {
  readonly partySize: number;
  readonly waitedMinutes: number;
  readonly seatedMinute: number;
  readonly left: boolean;
}
interface LineState {
  readonly partySize: number;
  readonly aheadInBand: number;
  readonly waitingMinutes: number;
  readonly nowMinute: number;
  readonly history: readonly PastExit[];
  /** Past weeks of the hour the band's line began, and of the next hour; below the minimum of parties or above it. */
  readonly hourCells: readonly HourCell[];
  readonly defaultWaitMinutes: number;
}

const seating: fc.Arbitrary<PastExit> = fc.record({
  partySize: fc.integer({ min: 1, max: 12 }),
  waitedMinutes: fc.integer({ min: 0, max: 120 }),
  seatedMinute: fc.integer({ min: 0, max: 240 }),
  left: fc.boolean(),
});
const counts = (max: number) => fc.array(fc.double({ min: 0, max, noNaN: true }), { minLength: 4, maxLength: 4 });
const hourCell: fc.Arbitrary<HourCell> = fc.record({
  week: fc.double({ min: 2_920, max: 2_932, noNaN: true }),
  seated: counts(60),
  left: counts(20),
  waiting: counts(3_000),
  lineWaiting: fc.double({ min: 0, max: 5_000, noNaN: true }),
});
const lineState: fc.Arbitrary<LineState> = fc.record({
  partySize: fc.integer({ min: 1, max: 12 }),
  aheadInBand: fc.integer({ min: 0, max: 40 }),
  waitingMinutes: fc.integer({ min: 0, max: 180 }),
  nowMinute: fc.integer({ min: 240, max: 300 }),
  history: fc.array(seating, { maxLength: 50 }),
  hourCells: fc.array(hourCell, { maxLength: 2 }),
  defaultWaitMinutes: fc.integer({ min: 0, max: 120 }),
});

const cellKey = (at: Date) => `${at.getUTCDay()}-${at.getUTCHours()}`;

function inputOf(state: LineState): LineQuoteInput {
  const history: Seating[] = state.history
    .filter((s) => s.seatedMinute <= state.nowMinute)
    .map((s) => ({ partySize: s.partySize, waitedMinutes: s.waitedMinutes, seatedAt: minute(s.seatedMinute).toISOString(), left: s.left }));
  const since = minute(state.nowMinute - state.waitingMinutes);
  const hourHistory: HourHistory = Object.fromEntries(
    state.hourCells.map((cell, hour) => [cellKey(new Date(since.getTime() + hour * 3_600_000)), cell]),
  );
  return {
    partySize: state.partySize,
    aheadInBand: state.aheadInBand,
    bandWaitingSince: since.toISOString(),
    now: minute(state.nowMinute),
    history,
    hourHistory,
    defaultWaitMinutes: state.defaultWaitMinutes,
  };
}

describe('position-aware wait quotes', () => {
  it('are never negative, and the point lies within the range', () => {
    fc.assert(
      fc.property(lineState, (state) => {
        const quote = quoteWait(inputOf(state));
        expect(quote.low).toBeGreaterThanOrEqual(0);
        expect(quote.low).toBeLessThanOrEqual(quote.minutes);
        expect(quote.minutes).toBeLessThanOrEqual(quote.high);
      }),
    );
  });

  it('never quote a party less than one ahead of it in the same band', () => {
    fc.assert(
      fc.property(lineState, (state) => {
        const input = inputOf(state);
        const behind = quoteWait({ ...input, aheadInBand: input.aheadInBand + 1 });
        expect(behind.minutes).toBeGreaterThanOrEqual(quoteWait(input).minutes);
      }),
    );
  });

  it('grow with the minutes that pass while nobody is seated, instead of shrinking to zero', () => {
    fc.assert(
      fc.property(lineState, fc.integer({ min: 1, max: 120 }), (state, later) => {
        const input = { ...inputOf(state), history: [] };
        const after = quoteWait({ ...input, now: new Date(input.now.getTime() + later * 60_000) });
        expect(after.minutes).toBeGreaterThanOrEqual(quoteWait(input).minutes);
        expect(after.minutes).toBeGreaterThan(0);
      }),
    );
  });

  it("quote the first party of an evening the waitlist's default, within a range around it, and the second in its band more", () => {
    const first = {
      partySize: 2,
      aheadInBand: 0,
      bandWaitingSince: minute(0).toISOString(),
      now: minute(0),
      history: [],
      defaultWaitMinutes: 20,
    };
    expect(quoteWait(first)).toEqual({ minutes: 20, low: 10, high: 45 });
    const second = quoteWait({ ...first, aheadInBand: 1 });
    expect(second.minutes).toBeGreaterThan(20);
    expect(second.minutes).toBeLessThan(2 * 20);
  });

  it("quote any first party with no history the waitlist's default, and more for every party ahead in its band", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 120 }),
        fc.integer({ min: 1, max: 12 }),
        fc.integer({ min: 1, max: 20 }),
        (defaultWait, size, ahead) => {
          const first = {
            partySize: size,
            aheadInBand: 0,
            bandWaitingSince: minute(0).toISOString(),
            now: minute(0),
            history: [],
            defaultWaitMinutes: defaultWait,
          };
          const quote = quoteWait(first);
          expect(quote.minutes).toBe(defaultWait);
          expect(quote.low).toBeLessThan(defaultWait);
          expect(quote.high).toBeGreaterThan(defaultWait);
          expect(quoteWait({ ...first, aheadInBand: ahead }).minutes).toBeGreaterThan(defaultWait);
        },
      ),
    );
  });

  it('follow the seating rate: a band seated every 5 minutes quotes the third in line about 15 minutes', () => {
    const history: Seating[] = Array.from({ length: 12 }, (_, i) => ({
      partySize: 2,
      waitedMinutes: 10,
      seatedAt: minute(240 - 5 * i).toISOString(),
    }));
    const quote = quoteWait({
      partySize: 2,
      aheadInBand: 2,
      bandWaitingSince: minute(235).toISOString(),
      now: minute(240),
      history,
      defaultWaitMinutes: 30,
    });
    expect(quote.minutes).toBeGreaterThanOrEqual(10);
    expect(quote.minutes).toBeLessThanOrEqual(20);
    expect(quote.low).toBeLessThan(quote.high);
  });
});

describe('the weekday×hour history', () => {
  // Friday 2026-03-06, 19:00 UTC: cell "5-19".
  const friday = Date.parse('2026-03-06T19:00:00.000Z');
  const exitAt = (minutes: number, exit: Omit<Seating, 'seatedAt'>): Seating => ({
    ...exit,
    seatedAt: new Date(friday + minutes * 60_000).toISOString(),
  });
  /** `weeks` past Fridays at 19:00 UTC on which a couple was seated every `every` minutes after a wait of as long. */
  function fridays(weeks: number, perHour: number, every: number): HourHistory {
    let history: HourHistory = {};
    for (let week = weeks; week > 0; week--) {
      let recent: Seating[] = [];
      for (let i = 0; i < perHour; i++) {
        const exit = exitAt(-week * 7 * 1_440 + 1 + i * every, { partySize: 2, waitedMinutes: every });
        history = recordInHourHistory(history, exit, recent);
        recent = [exit, ...recent];
      }
    }
    return history;
  }

  it('counts an exit in its UTC weekday and hour by band, and minutes waited once where waits overlap', () => {
    const first = exitAt(20, { partySize: 2, waitedMinutes: 20 });
    const second = exitAt(30, { partySize: 2, waitedMinutes: 25 });
    const gaveUp = exitAt(35, { partySize: 6, waitedMinutes: 10, left: true });
    let history = recordInHourHistory({}, first, []);
    history = recordInHourHistory(history, second, [first]);
    history = recordInHourHistory(history, gaveUp, [second, first]);
    expect(Object.keys(history)).toEqual(['5-19']);
    const cell = history['5-19'];
    expect(cell?.seated).toEqual([2, 0, 0, 0]);
    expect(cell?.left).toEqual([0, 0, 1, 0]);
    // The couples waited 19:00–19:20 and 19:05–19:30: 30 minutes of waiting in their band; the six 19:25–19:35: 35 in the line.
    // Counts fade continuously, so the first couple's minutes weigh a hair less ten minutes later.
    expect(cell?.waiting.map(Math.round)).toEqual([30, 0, 10, 0]);
    expect(cell?.lineWaiting).toBeCloseTo(35, 1);
  });

  it('lets old weeks fade: a week 8 weeks older counts e^-1 of a party now', () => {
    const old = recordInHourHistory({}, exitAt(-8 * 7 * 1_440, { partySize: 4, waitedMinutes: 10 }), []);
    const now = recordInHourHistory(old, exitAt(0, { partySize: 4, waitedMinutes: 10 }), []);
    expect(now['5-19']?.seated[1]).toBeCloseTo(1 + Math.exp(-1), 2);
  });

  it('quotes the first party from past weeks once they hold enough parties, and the default below that', () => {
    const first = {
      partySize: 2,
      aheadInBand: 0,
      bandWaitingSince: new Date(friday).toISOString(),
      now: new Date(friday),
      history: [],
      defaultWaitMinutes: 30,
    };
    // Twelve couples an hour, each seated after 5 minutes: 8 weeks weigh over 50 parties, 2 weeks under.
    const busy = quoteWait({ ...first, hourHistory: fridays(8, 12, 5) });
    expect(busy.minutes).toBeGreaterThanOrEqual(3);
    expect(busy.minutes).toBeLessThanOrEqual(8);
    expect(quoteWait({ ...first, hourHistory: fridays(2, 12, 5) })).toEqual(quoteWait(first));
    expect(quoteWait({ ...first, aheadInBand: 3, hourHistory: fridays(8, 12, 5) }).minutes).toBeGreaterThan(busy.minutes);
  });
});

// Seeds apart from the benchmark's (bench/estimates.ts), so the estimator is not tuned to what it is judged on.
describe.each(evenings)('on simulated evenings: $name', (evening) => {
  const seeds = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
  it('the position-aware quote is closer to the real wait than the old median, over ten evenings', () => {
    const outcomes = seeds.flatMap((seed) => simulateEvening(evening, seed));
    expect(outcomes.length).toBeGreaterThan(100);
    expect(accuracyOf(outcomes, 'after').meanAbsoluteError).toBeLessThan(accuracyOf(outcomes, 'before').meanAbsoluteError);
    expect(accuracyOf(outcomes, 'after').shareWithinRange).toBeGreaterThan(accuracyOf(outcomes, 'before').shareWithinRange);
  });

  it('blended with 8 past weeks of the same evening, it is closer still, and still beats the old median', () => {
    const outcomes = seeds.flatMap((seed) => simulateEvening(evening, seed, 8));
    const blend = accuracyOf(outcomes, 'blend');
    expect(blend.meanAbsoluteError).toBeLessThan(accuracyOf(outcomes, 'after').meanAbsoluteError);
    expect(blend.meanAbsoluteError).toBeLessThan(accuracyOf(outcomes, 'before').meanAbsoluteError);
    expect(blend.shareWithinRange).toBeGreaterThan(accuracyOf(outcomes, 'before').shareWithinRange);
  });
});

describe('quotes in a line', () => {
  const context = { now: minute(10), history: [], defaultWaitMinutes: 20 };
  const joined = (id: string, partySize: number, at: number) => ({ id, partySize, joinedAt: minute(at).toISOString() });

  it('count only the parties ahead in the same size band, in joining order whatever order they come in', () => {
    const line = [joined('six', 6, 3), joined('couple-2', 2, 1), joined('couple-1', 1, 0), joined('couple-3', 2, 2)];
    const quotes = quotesInLine(line, context);
    const alone = (partySize: number, at: number) =>
      quoteWait({ ...context, partySize, aheadInBand: 0, bandWaitingSince: minute(at).toISOString() });
    expect(quotes.get('six')).toEqual(alone(6, 3));
    expect(quotes.get('couple-1')).toEqual(alone(1, 0));
    expect(quotes.get('couple-2')).toEqual(
      quoteWait({ ...context, partySize: 2, aheadInBand: 1, bandWaitingSince: minute(0).toISOString() }),
    );
    expect(quotes.get('couple-3')).toEqual(
      quoteWait({ ...context, partySize: 2, aheadInBand: 2, bandWaitingSince: minute(0).toISOString() }),
    );
  });

  it('quote a party joining now behind every party of its band in line, and the first of a band its default', () => {
    const line = [joined('couple-1', 2, 0), joined('four', 4, 1)];
    const now = context.now.toISOString();
    expect(quoteForJoining(line, 2, context)).toEqual(
      quoteWait({ ...context, partySize: 2, aheadInBand: 1, bandWaitingSince: minute(0).toISOString() }),
    );
    expect(quoteForJoining(line, 8, context)).toEqual(quoteWait({ ...context, partySize: 8, aheadInBand: 0, bandWaitingSince: now }));
    expect(quoteForJoining([], 8, context).minutes).toBe(20);
  });

  it('record a cancelled or no-show party as having left, a seated one as a seating, with the minutes it waited', () => {
    const party = { partySize: 4, joinedAt: minute(0).toISOString(), updatedAt: minute(30).toISOString() };
    expect(exitOf({ ...party, status: 'seated', seatedAt: minute(25).toISOString(), endedAt: minute(25).toISOString() })).toEqual({
      partySize: 4,
      waitedMinutes: 25,
      seatedAt: minute(25).toISOString(),
    });
    expect(exitOf({ ...party, status: 'cancelled', seatedAt: null, endedAt: minute(12).toISOString() })).toEqual({
      partySize: 4,
      waitedMinutes: 12,
      seatedAt: minute(12).toISOString(),
      left: true,
    });
    expect(exitOf({ ...party, status: 'no_show', seatedAt: null, endedAt: minute(40).toISOString() }).left).toBe(true);
  });

  it('read as a guest reads a range', () => {
    expect(rangeText({ low: 15, high: 25 })).toBe('15–25 min');
    expect(rangeText({ low: 20, high: 20 })).toBe('20 min');
  });
});
