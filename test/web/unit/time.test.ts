import { describe, expect, it } from 'vitest';
import { agoText, durationText, isToday, todaysService, waitedMinutes, waitedUntilOffered } from '../../../web/src/lib/time.js';
import { at, party } from './party.js';

describe('agoText and durationText', () => {
  const now = at('2026-12-01T20:00:00.000Z');

  it('says "just now" under a minute, whole minutes after', () => {
    expect(agoText('2026-12-01T19:59:30.000Z', now)).toBe('just now');
    expect(agoText('2026-12-01T19:56:00.000Z', now)).toBe('4 min ago');
    expect(agoText('2026-12-01T19:55:01.000Z', now)).toBe('4 min ago');
  });

  it('says hours and minutes past an hour', () => {
    expect(agoText('2026-12-01T18:55:00.000Z', now)).toBe('1 h 5 min ago');
    expect(durationText(120)).toBe('2 h');
    expect(durationText(44.6)).toBe('45 min');
  });

  it('never says a time in the future (device clocks drift)', () => {
    expect(agoText('2026-12-01T20:03:00.000Z', now)).toBe('just now');
  });
});

describe('waited minutes', () => {
  const now = at('2026-12-01T19:40:00.000Z');

  it('runs until now in line and stops when the party is seated', () => {
    expect(waitedMinutes(party({ joinedAt: '2026-12-01T19:10:00.000Z' }), now)).toBe(30);
    expect(
      waitedMinutes(
        party({ joinedAt: '2026-12-01T19:10:00.000Z', seatedAt: '2026-12-01T19:25:00.000Z', endedAt: '2026-12-01T19:25:00.000Z' }),
        now,
      ),
    ).toBe(15);
  });

  it('counts against the quote only until the party was told its table is ready', () => {
    const notified = party({ status: 'notified', joinedAt: '2026-12-01T19:10:00.000Z', notifiedAt: '2026-12-01T19:22:00.000Z' });
    expect(waitedUntilOffered(notified, now)).toBe(12);
    expect(waitedUntilOffered(party({ joinedAt: '2026-12-01T19:10:00.000Z' }), now)).toBe(30);
  });
});

describe("today's service", () => {
  it("is today's date in the restaurant's time zone, not UTC's", () => {
    // 07:30 UTC on 2 December is still 1 December in Los Angeles.
    const now = at('2026-12-02T07:30:00.000Z');
    expect(isToday('2026-12-02T03:00:00.000Z', now, 'America/Los_Angeles')).toBe(true);
    expect(isToday('2026-12-01T07:00:00.000Z', now, 'America/Los_Angeles')).toBe(false);
    expect(isToday('2026-12-01T07:00:00.000Z', now, 'UTC')).toBe(false);
  });

  it("sorts today's ended parties by how they left, latest first, with the average wait of those seated", () => {
    const now = at('2026-12-01T21:00:00.000Z');
    const seatedEarly = party({
      id: 'a',
      status: 'seated',
      joinedAt: '2026-12-01T19:00:00.000Z',
      seatedAt: '2026-12-01T19:10:00.000Z',
      endedAt: '2026-12-01T19:10:00.000Z',
    });
    const seatedLate = party({
      id: 'b',
      status: 'seated',
      joinedAt: '2026-12-01T19:00:00.000Z',
      seatedAt: '2026-12-01T19:25:00.000Z',
      endedAt: '2026-12-01T19:25:00.000Z',
    });
    const noShow = party({ id: 'c', status: 'no_show', endedAt: '2026-12-01T20:00:00.000Z' });
    const cancelled = party({ id: 'd', status: 'cancelled', endedAt: '2026-12-01T20:10:00.000Z' });
    const yesterday = party({ id: 'e', status: 'seated', seatedAt: '2026-11-30T20:00:00.000Z', endedAt: '2026-11-30T20:00:00.000Z' });
    const inLine = party({ id: 'f' });
    const service = todaysService([seatedEarly, noShow, yesterday, seatedLate, cancelled, inLine], now, 'UTC');
    expect(service.seated.map((p) => p.id)).toEqual(['b', 'a']);
    expect(service.noShows.map((p) => p.id)).toEqual(['c']);
    expect(service.cancelled.map((p) => p.id)).toEqual(['d']);
    expect(service.averageWaitMinutes).toBe(18);
  });

  it('has no average wait before the first seating', () => {
    expect(todaysService([], at('2026-12-01T21:00:00.000Z'), 'UTC').averageWaitMinutes).toBeNull();
  });
});
