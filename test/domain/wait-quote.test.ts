import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  exitOf,
  quoteForJoining,
  quotesInLine,
  quoteWait,
  rangeText,
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
  readonly defaultWaitMinutes: number;
}

const seating: fc.Arbitrary<PastExit> = fc.record({
  partySize: fc.integer({ min: 1, max: 12 }),
  waitedMinutes: fc.integer({ min: 0, max: 120 }),
  seatedMinute: fc.integer({ min: 0, max: 240 }),
  left: fc.boolean(),
});
const lineState: fc.Arbitrary<LineState> = fc.record({
  partySize: fc.integer({ min: 1, max: 12 }),
  aheadInBand: fc.integer({ min: 0, max: 40 }),
  waitingMinutes: fc.integer({ min: 0, max: 180 }),
  nowMinute: fc.integer({ min: 240, max: 300 }),
  history: fc.array(seating, { maxLength: 50 }),
  defaultWaitMinutes: fc.integer({ min: 0, max: 120 }),
});

function inputOf(state: LineState): LineQuoteInput {
  const history: Seating[] = state.history
    .filter((s) => s.seatedMinute <= state.nowMinute)
    .map((s) => ({ partySize: s.partySize, waitedMinutes: s.waitedMinutes, seatedAt: minute(s.seatedMinute).toISOString(), left: s.left }));
  return {
    partySize: state.partySize,
    aheadInBand: state.aheadInBand,
    bandWaitingSince: minute(state.nowMinute - state.waitingMinutes).toISOString(),
    now: minute(state.nowMinute),
    history,
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

// Seeds apart from the benchmark's (bench/estimates.ts), so the estimator is not tuned to what it is judged on.
describe.each(evenings)('on simulated evenings: $name', (evening) => {
  it('the position-aware quote is closer to the real wait than the old median, over ten evenings', () => {
    const outcomes = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10].flatMap((seed) => simulateEvening(evening, seed));
    expect(outcomes.length).toBeGreaterThan(100);
    expect(accuracyOf(outcomes, 'after').meanAbsoluteError).toBeLessThan(accuracyOf(outcomes, 'before').meanAbsoluteError);
    expect(accuracyOf(outcomes, 'after').shareWithinRange).toBeGreaterThan(accuracyOf(outcomes, 'before').shareWithinRange);
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
