import { describe, expect, it } from 'vitest';
import {
  addDays,
  axisMax,
  busiestCell,
  dayLabel,
  daysInRange,
  heatCells,
  heatSteps,
  hourSpan,
  labelledDays,
  percentText,
  presetRange,
  rangeProblem,
  waitPoints,
  type Analytics,
  type AnalyticsDay,
} from '../../../web/src/analytics/shape.js';

/** A heatmap as the API sends it (7 × 24 zeros) with the given cells set: [day, hour, count]. */
function heatmap(...cells: [number, number, number][]): Analytics['heatmap'] {
  const rows = Array.from({ length: 7 }, () => Array.from({ length: 24 }, () => 0));
  for (const [day, hour, count] of cells) {
    const row = rows[day];
    if (row !== undefined) row[hour] = count;
  }
  return rows;
}

const day = (date: string, overrides: Partial<AnalyticsDay> = {}): AnalyticsDay => ({
  date,
  parties: 0,
  seated: 0,
  noShow: 0,
  cancelled: 0,
  averageWaitMinutes: null,
  ...overrides,
});

describe('date ranges', () => {
  it('counts presets back from the restaurant’s today, today included, across month and year ends', () => {
    expect(presetRange(7, '2026-12-01')).toEqual({ from: '2026-11-25', to: '2026-12-01' });
    expect(presetRange(28, '2026-03-01')).toEqual({ from: '2026-02-02', to: '2026-03-01' });
    expect(presetRange(90, '2027-01-15')).toEqual({ from: '2026-10-18', to: '2027-01-15' });
    expect(daysInRange(presetRange(90, '2027-01-15'))).toBe(90);
    expect(addDays('2026-10-25', 1)).toBe('2026-10-26');
  });

  it('says what to fix in a custom range, and takes up to 400 days', () => {
    expect(rangeProblem({ from: '', to: '2026-12-01' })).toBe('Choose the first day.');
    expect(rangeProblem({ from: '2026-12-01', to: '' })).toBe('Choose the last day.');
    expect(rangeProblem({ from: '2026-12-02', to: '2026-12-01' })).toBe('The first day is after the last day: swap them.');
    expect(rangeProblem({ from: '2025-10-27', to: '2026-12-01' })).toBe('Choose at most 400 days.');
    expect(rangeProblem({ from: '2025-10-28', to: '2026-12-01' })).toBeNull();
    expect(rangeProblem({ from: '2026-12-01', to: '2026-12-01' })).toBeNull();
  });
});

describe('the heatmap', () => {
  it('finds the busiest day and hour, the earlier in the week on a tie, and none without parties', () => {
    expect(busiestCell(heatmap([4, 19, 3], [1, 12, 5], [5, 20, 5]))).toEqual({ day: 1, hour: 12, count: 5, level: 4 });
    expect(busiestCell(heatmap())).toBeNull();
  });

  it('splits 1..busiest into at most four colour steps of whole parties, with no empty step', () => {
    expect(heatSteps(10)).toEqual([
      { level: 1, min: 1, max: 2 },
      { level: 2, min: 3, max: 5 },
      { level: 3, min: 6, max: 7 },
      { level: 4, min: 8, max: 10 },
    ]);
    expect(heatSteps(2)).toEqual([
      { level: 1, min: 1, max: 1 },
      { level: 2, min: 2, max: 2 },
    ]);
    expect(heatSteps(0)).toEqual([]);
  });

  it('gives every cell of the week a step: none for no party, the top one for the busiest', () => {
    const cells = heatCells(heatmap([0, 0, 1], [6, 23, 10], [3, 18, 6]));
    expect(cells).toHaveLength(7 * 24);
    expect(cells.find((c) => c.day === 6 && c.hour === 23)?.level).toBe(4);
    expect(cells.find((c) => c.day === 3 && c.hour === 18)?.level).toBe(3);
    expect(cells.find((c) => c.day === 0 && c.hour === 0)?.level).toBe(1);
    expect(cells.filter((c) => c.level === 0)).toHaveLength(7 * 24 - 3);
  });

  it('names an hour as the span it covers, midnight included', () => {
    expect(hourSpan(19)).toBe('19:00–20:00');
    expect(hourSpan(23)).toBe('23:00–00:00');
  });
});

describe('the trends', () => {
  it('rounds the value axis up to 1, 2 or 5 × 10ⁿ, ignoring days without a figure', () => {
    expect(axisMax([])).toBe(1);
    expect(axisMax([0, null])).toBe(1);
    expect(axisMax([3, null, 7])).toBe(10);
    expect(axisMax([12])).toBe(20);
    expect(axisMax([41.5])).toBe(50);
    expect(axisMax([200])).toBe(200);
  });

  it('labels the first and last day and evenly between', () => {
    expect(labelledDays(28)).toEqual([0, 9, 18, 27]);
    expect(labelledDays(3)).toEqual([0, 1, 2]);
    expect(labelledDays(0)).toEqual([]);
  });

  it('plots the average wait only on days with a seating', () => {
    const days = [day('2026-11-29', { averageWaitMinutes: 12 }), day('2026-11-30'), day('2026-12-01', { averageWaitMinutes: 30.5 })];
    expect(waitPoints(days)).toEqual([
      { index: 0, minutes: 12 },
      { index: 2, minutes: 30.5 },
    ]);
  });

  it('names days and shares in words', () => {
    expect(dayLabel('2026-12-01', 'en-GB')).toBe('Tue 1 Dec');
    expect(percentText(0.254)).toBe('25%');
    expect(percentText(null)).toBe('–');
  });
});
