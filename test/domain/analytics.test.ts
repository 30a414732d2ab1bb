import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  addFigures,
  emptyRollup,
  leavingEvent,
  localTimeOf,
  percentile,
  rangeOf,
  summarize,
  textEvent,
  withEvent,
  type DayRollup,
  type RollupEvent,
} from '../../src/domain/analytics.js';
import type { Waitee } from '../../src/domain/model.js';
import type { Notification } from '../../src/domain/notification.js';

const party = (overrides: Partial<Waitee>): Waitee => ({
  id: '6f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4b',
  waitlistId: 'wl',
  restaurantId: 'r',
  name: 'Ada',
  phone: null,
  partySize: 2,
  notes: null,
  status: 'seated',
  source: 'staff',
  customerId: null,
  statusToken: 'token',
  joinedAt: '2026-12-01T18:00:00.000Z',
  notifiedAt: null,
  seatedAt: '2026-12-01T18:30:00.000Z',
  endedAt: '2026-12-01T18:30:00.000Z',
  updatedAt: '2026-12-01T18:30:00.000Z',
  ...overrides,
});

function counted(events: readonly RollupEvent[], start: DayRollup = emptyRollup('r', 'wl', '2026-12-01')): DayRollup {
  return events.reduce((rollup, event) => withEvent(rollup, event) ?? rollup, start);
}

const leftOf = (waitee: Waitee, timeZone = 'UTC'): RollupEvent => {
  const dated = leavingEvent(waitee, timeZone);
  if (dated === null) throw new Error('expected the party to have left');
  return dated.event;
};

describe('localTimeOf', () => {
  it('gives the day and hour in the restaurant time zone, not UTC', () => {
    expect(localTimeOf('2026-12-01T23:30:00.000Z', 'Europe/Paris')).toEqual({ date: '2026-12-02', hour: 0 });
    expect(localTimeOf('2026-12-01T03:30:00.000Z', 'America/New_York')).toEqual({ date: '2026-11-30', hour: 22 });
    expect(localTimeOf('2026-12-01T00:00:00.000Z', 'UTC')).toEqual({ date: '2026-12-01', hour: 0 });
  });
});

describe('leavingEvent', () => {
  it('counts a party on the day and hour it joined, with its wait and quote', () => {
    const dated = leavingEvent(party({ joinQuote: { minutes: 20, low: 15, high: 25 } }), 'Europe/Paris');
    expect(dated).toEqual({
      waitlistId: 'wl',
      date: '2026-12-01',
      event: {
        kind: 'left',
        key: 'p6f1c2a3b4d5e4f608a7b9c0d1e2f3a4b',
        status: 'seated',
        joinedHour: 19,
        waitMinutes: 30,
        quote: { minutes: 20, low: 15, high: 25 },
      },
    });
  });

  it('has nothing to count while the party is in line', () => {
    expect(leavingEvent(party({ status: 'waiting', seatedAt: null, endedAt: null }), 'UTC')).toBeNull();
    expect(leavingEvent(party({ status: 'notified', seatedAt: null, endedAt: null }), 'UTC')).toBeNull();
  });
});

describe('withEvent', () => {
  it('counts seated, no-show and cancelled parties, waits, quote errors and join hours', () => {
    const rollup = counted([
      leftOf(party({ id: '00000000-0000-4000-8000-000000000001', joinQuote: { minutes: 20, low: 15, high: 25 } })),
      leftOf(
        party({
          id: '00000000-0000-4000-8000-000000000002',
          seatedAt: '2026-12-01T18:10:00.000Z',
          joinQuote: { minutes: 30, low: 25, high: 35 },
        }),
      ),
      leftOf(
        party({ id: '00000000-0000-4000-8000-000000000003', status: 'no_show', seatedAt: null, joinedAt: '2026-12-01T20:05:00.000Z' }),
      ),
      leftOf(party({ id: '00000000-0000-4000-8000-000000000004', status: 'cancelled', seatedAt: null })),
      leftOf(party({ id: '00000000-0000-4000-8000-000000000005', seatedAt: '2026-12-01T19:00:00.000Z' })),
    ]);
    expect(rollup.figures).toMatchObject({
      parties: 5,
      seated: 3,
      noShow: 1,
      cancelled: 1,
      waitMinutesTotal: 30 + 10 + 60,
      waitHistogram: { '30': 1, '10': 1, '60': 1 },
      quoted: 2,
      quoteErrorMinutesTotal: 10 + 20,
      withinRange: 0,
    });
    expect(rollup.figures.joinedByHour[18]).toBe(4);
    expect(rollup.figures.joinedByHour[20]).toBe(1);
  });

  it('changes nothing for an event counted already (a replay)', () => {
    const event = leftOf(party({}));
    const once = counted([event]);
    expect(withEvent(once, event)).toBeNull();
    expect(counted([event, event, event]).figures).toEqual(once.figures);
  });

  it('counts a text outcome once per text and outcome', () => {
    const text = {
      id: '11111111-2222-4333-8444-555555555555',
      waitlistId: 'wl',
      status: 'sent',
      sentAt: '2026-12-01T18:00:00.000Z',
      deliveredAt: null,
      failedAt: null,
    } as Notification;
    const sent = textEvent(text, 'UTC');
    const delivered = textEvent({ ...text, status: 'delivered', deliveredAt: '2026-12-01T18:00:05.000Z' }, 'UTC');
    expect(textEvent({ ...text, status: 'sending' }, 'UTC')).toBeNull();
    if (sent === null || delivered === null) throw new Error('expected text events');
    const rollup = counted([sent.event, sent.event, delivered.event, delivered.event]);
    expect(rollup.figures).toMatchObject({ textsSent: 1, textsDelivered: 1, textsFailed: 0 });
  });

  it('keeps the histogram bounded: waits past 12 hours share the last bucket', () => {
    const rollup = counted([
      leftOf(party({ id: '00000000-0000-4000-8000-00000000000a', seatedAt: '2026-12-02T18:00:00.000Z' })),
      leftOf(party({ id: '00000000-0000-4000-8000-00000000000b', seatedAt: '2026-12-03T18:00:00.000Z' })),
    ]);
    expect(rollup.figures.waitHistogram).toEqual({ '720': 2 });
  });
});

describe('percentile', () => {
  it('interpolates between the nearest ranks', () => {
    expect(percentile({ '10': 1, '20': 1 }, 0.5)).toBe(15);
    expect(percentile({ '10': 1, '20': 1, '30': 1 }, 0.5)).toBe(20);
    expect(percentile({ '5': 9, '50': 1 }, 0.9)).toBeCloseTo(9.5);
    expect(percentile({ '7': 1 }, 0.9)).toBe(7);
    expect(percentile({}, 0.5)).toBeNull();
  });

  it('agrees with sorting the values themselves, and merging histograms changes no percentile', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 720 }), { minLength: 1, maxLength: 200 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (waits, p) => {
          const histogram: Record<string, number> = {};
          for (const wait of waits) histogram[String(wait)] = (histogram[String(wait)] ?? 0) + 1;
          const sorted = [...waits].sort((a, b) => a - b);
          const h = (sorted.length - 1) * p;
          const lower = sorted[Math.floor(h)] ?? 0;
          const upper = sorted[Math.min(Math.floor(h) + 1, sorted.length - 1)] ?? 0;
          expect(percentile(histogram, p)).toBeCloseTo(lower + (h - Math.floor(h)) * (upper - lower), 6);
        },
      ),
    );
  });
});

describe('summarize', () => {
  it('adds days and waitlists, fills empty days with zeros and lays the heatmap out Monday first', () => {
    // 2026-11-30 is a Monday, 2026-12-06 a Sunday.
    const monday = counted([leftOf(party({ id: '00000000-0000-4000-8000-000000000001' }))], emptyRollup('r', 'a', '2026-11-30'));
    const sunday = counted(
      [
        leftOf(
          party({ id: '00000000-0000-4000-8000-000000000002', status: 'cancelled', seatedAt: null, joinedAt: '2026-12-06T21:00:00.000Z' }),
        ),
      ],
      emptyRollup('r', 'b', '2026-12-06'),
    );
    const outside = counted([leftOf(party({ id: '00000000-0000-4000-8000-000000000003' }))], emptyRollup('r', 'a', '2026-12-08'));
    const summary = summarize([monday, sunday, outside], { from: '2026-11-30', to: '2026-12-07' }, 'UTC');
    expect(summary).toMatchObject({
      parties: 2,
      seated: 1,
      cancelled: 1,
      noShow: 0,
      rates: { seated: 0.5, noShow: 0, cancelled: 0.5, dropOff: 0.5 },
      wait: { averageMinutes: 30, medianMinutes: 30, p90Minutes: 30 },
      quoteAccuracy: { quoted: 0, meanAbsoluteErrorMinutes: null, withinRangeShare: null },
    });
    expect(summary.days).toHaveLength(8);
    expect(summary.days[0]).toEqual({ date: '2026-11-30', parties: 1, seated: 1, noShow: 0, cancelled: 0, averageWaitMinutes: 30 });
    expect(summary.days[1]).toEqual({ date: '2026-12-01', parties: 0, seated: 0, noShow: 0, cancelled: 0, averageWaitMinutes: null });
    expect(summary.heatmap[0]?.[18]).toBe(1);
    expect(summary.heatmap[6]?.[21]).toBe(1);
    expect(summary.heatmap.flat().reduce((a, b) => a + b, 0)).toBe(2);
  });

  it('answers nulls, not zeros or NaN, where nothing was counted', () => {
    const summary = summarize([], { from: '2026-12-01', to: '2026-12-01' }, 'UTC');
    expect(summary.rates).toEqual({ seated: null, noShow: null, cancelled: null, dropOff: null });
    expect(summary.wait).toEqual({ averageMinutes: null, medianMinutes: null, p90Minutes: null });
  });

  it('gives the same totals whatever order the days are added in', () => {
    const a = counted([leftOf(party({ id: '00000000-0000-4000-8000-000000000001' }))]).figures;
    const b = counted([leftOf(party({ id: '00000000-0000-4000-8000-000000000002', status: 'no_show', seatedAt: null }))]).figures;
    expect(addFigures(a, b)).toEqual(addFigures(b, a));
  });
});

describe('rangeOf', () => {
  it('defaults to the 28 days ending today', () => {
    expect(rangeOf({}, '2026-12-01')).toEqual({ from: '2026-11-04', to: '2026-12-01' });
    expect(rangeOf({ to: '2026-03-01' }, '2026-12-01')).toEqual({ from: '2026-02-02', to: '2026-03-01' });
  });

  it('refuses a reversed range and one longer than 400 days, naming from', () => {
    expect(rangeOf({ from: '2026-12-02', to: '2026-12-01' }, '2026-12-01')).toMatchObject({ field: 'from' });
    expect(rangeOf({ from: '2025-10-28', to: '2026-12-01' }, '2026-12-01')).toEqual({ from: '2025-10-28', to: '2026-12-01' });
    expect(rangeOf({ from: '2025-10-27', to: '2026-12-01' }, '2026-12-01')).toMatchObject({ field: 'from' });
  });
});
