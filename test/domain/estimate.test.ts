import { describe, expect, it } from 'vitest';
import { estimateWaitMinutes, historyLimit, recordSeating, sizeBand, type Seating } from '../../src/domain/estimate.js';

const now = new Date('2026-03-01T20:00:00.000Z');
const minutesAgo = (m: number) => new Date(now.getTime() - m * 60_000).toISOString();
const seating = (partySize: number, waitedMinutes: number, seatedMinutesAgo = 10): Seating => ({
  partySize,
  waitedMinutes,
  seatedAt: minutesAgo(seatedMinutesAgo),
});
const estimate = (partySize: number, history: Seating[], joinedMinutesAgo = 0, defaultWaitMinutes = 15) =>
  estimateWaitMinutes({ partySize, joinedAt: minutesAgo(joinedMinutesAgo), now, history, defaultWaitMinutes });

describe('size bands', () => {
  it.each([
    [1, 1],
    [2, 1],
    [3, 2],
    [4, 2],
    [5, 3],
    [6, 3],
    [7, 4],
    [12, 4],
    [50, 4],
  ])('a party of %i is in band %i', (size, band) => {
    expect(sizeBand(size)).toBe(band);
  });
});

describe('seating history', () => {
  it('keeps the newest first and at most the limit', () => {
    let history: Seating[] = [];
    for (let i = 0; i < historyLimit + 5; i++) history = recordSeating(history, seating(2, i));
    expect(history).toHaveLength(historyLimit);
    expect(history[0]?.waitedMinutes).toBe(historyLimit + 4);
    expect(history.at(-1)?.waitedMinutes).toBe(5);
  });

  it('does not modify the history it is given', () => {
    const history = [seating(2, 1)];
    recordSeating(history, seating(2, 2));
    expect(history).toEqual([seating(2, 1)]);
  });
});

describe('estimated wait', () => {
  it('uses the waitlist default when there is no history', () => {
    expect(estimate(2, [], 0, 25)).toBe(25);
  });

  it('needs at least three similar recent seatings before trusting history', () => {
    expect(estimate(2, [seating(2, 40), seating(1, 40)], 0, 15)).toBe(15);
    expect(estimate(2, [seating(2, 40), seating(1, 40), seating(2, 40)], 0, 15)).toBe(40);
  });

  it('takes the median of similar parties (odd and even counts)', () => {
    expect(estimate(2, [seating(2, 10), seating(2, 50), seating(1, 20)])).toBe(20);
    expect(estimate(2, [seating(2, 10), seating(2, 50), seating(1, 20), seating(2, 30)])).toBe(25);
  });

  it('ignores parties of other sizes and seatings older than three hours', () => {
    const history = [seating(8, 90), seating(8, 90), seating(8, 90), seating(2, 90, 181), seating(2, 90, 200), seating(2, 90, 400)];
    expect(estimate(2, history, 0, 12)).toBe(12);
    expect(estimate(7, history, 0, 12)).toBe(90);
    expect(estimate(2, [seating(2, 30, 179), seating(2, 30, 100), seating(2, 30, 1)], 0, 12)).toBe(30);
  });

  it('subtracts the time already waited, rounds to whole minutes and never goes below zero', () => {
    expect(estimate(2, [], 10, 25)).toBe(15);
    expect(estimate(2, [], 10.4, 25)).toBe(15);
    expect(estimate(2, [], 10.6, 25)).toBe(14);
    expect(estimate(2, [], 60, 25)).toBe(0);
  });
});
