import type { components } from '../api/schema.js';

export type Analytics = components['schemas']['Analytics'];
export type AnalyticsDay = components['schemas']['AnalyticsDay'];

/** The API's heatmap rows, Monday first (Analytics.heatmap). */
export const weekdays = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'] as const;

/** The longest range the API answers (openapi AnalyticsFrom). */
export const maxRangeDays = 400;

export const presets = [7, 28, 90] as const;
export type Preset = (typeof presets)[number];

export interface DateRange {
  readonly from: string;
  readonly to: string;
}

const dayMs = 86_400_000;
const datePattern = /^\d{4}-\d{2}-\d{2}$/;

/** A calendar date (YYYY-MM-DD) moved by whole days: calendar arithmetic, the same in every time zone. */
export function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * dayMs).toISOString().slice(0, 10);
}

/** Days from `from` to `to`, both included. */
export function daysInRange(range: DateRange): number {
  return Math.round((Date.parse(`${range.to}T00:00:00Z`) - Date.parse(`${range.from}T00:00:00Z`)) / dayMs) + 1;
}

/** The last `days` days up to and including `today` (the restaurant's today, lib/time.ts dayIn). */
export function presetRange(days: Preset, today: string): DateRange {
  return { from: addDays(today, 1 - days), to: today };
}

/** Why a custom range cannot be shown, in words; null when the API will take it. */
export function rangeProblem(range: DateRange): string | null {
  if (!datePattern.test(range.from) || Number.isNaN(Date.parse(range.from))) return 'Choose the first day.';
  if (!datePattern.test(range.to) || Number.isNaN(Date.parse(range.to))) return 'Choose the last day.';
  if (range.from > range.to) return 'The first day is after the last day: swap them.';
  if (daysInRange(range) > maxRangeDays) return `Choose at most ${maxRangeDays} days.`;
  return null;
}

export interface HeatCell {
  /** 0 = Monday. */
  readonly day: number;
  readonly hour: number;
  readonly count: number;
  /** 0 (no parties) .. heatLevels − 1 (the busiest). */
  readonly level: number;
}

/** Colour steps of the heatmap, "none" included. */
export const heatLevels = 5;

/** The count range each non-empty colour step stands for, for the legend: level 1..4. */
export interface HeatStep {
  readonly level: number;
  readonly min: number;
  readonly max: number;
}

/**
 * The colour steps for a busiest cell of `max`: level 0 is no party, the others split 1..max into
 * equal bands of whole parties (fewer steps when max is small, so no step is empty by construction).
 */
export function heatSteps(max: number): HeatStep[] {
  const bands = Math.min(heatLevels - 1, max);
  const steps: HeatStep[] = [];
  for (let level = 1; level <= bands; level += 1) {
    const min = Math.floor(((level - 1) * max) / bands) + 1;
    steps.push({ level, min, max: Math.floor((level * max) / bands) });
  }
  return steps;
}

export function heatCells(heatmap: Analytics['heatmap']): HeatCell[] {
  const max = Math.max(0, ...heatmap.flat());
  const steps = heatSteps(max);
  return heatmap.flatMap((hours, day) =>
    hours.map((count, hour) => ({ day, hour, count, level: count === 0 ? 0 : (steps.find((s) => count <= s.max)?.level ?? 0) })),
  );
}

/** The day and hour most parties joined in; the earliest in the week on a tie; null without parties. */
export function busiestCell(heatmap: Analytics['heatmap']): HeatCell | null {
  let best: HeatCell | null = null;
  for (const cell of heatCells(heatmap)) if (cell.count > 0 && (best === null || cell.count > best.count)) best = cell;
  return best;
}

/** "19:00–20:00": the hour a heatmap cell covers, on the restaurant's 24-hour clock. */
export function hourSpan(hour: number): string {
  const pad = (h: number): string => `${String(h % 24).padStart(2, '0')}:00`;
  return `${pad(hour)}–${pad(hour + 1)}`;
}

/** The top of a chart's value axis: the smallest 1, 2 or 5 × 10ⁿ at or above the largest value (at least 1). */
export function axisMax(values: readonly (number | null)[]): number {
  const largest = Math.max(0, ...values.filter((v): v is number => v !== null));
  if (largest <= 1) return 1;
  const magnitude = 10 ** Math.floor(Math.log10(largest));
  return [1, 2, 5, 10].map((f) => f * magnitude).find((candidate) => candidate >= largest) ?? 10 * magnitude;
}

/** Indexes of the days labelled under a trend chart: the first, the last and evenly between, at most `count`. */
export function labelledDays(length: number, count = 4): number[] {
  if (length <= 0) return [];
  if (length <= count) return Array.from({ length }, (_, i) => i);
  return Array.from({ length: count }, (_, i) => Math.round((i * (length - 1)) / (count - 1)));
}

/** "Mon 1 Dec": a day of the range, named as a host reads a calendar. */
export function dayLabel(date: string, locale?: string): string {
  return new Intl.DateTimeFormat(locale, { timeZone: 'UTC', weekday: 'short', day: 'numeric', month: 'short' }).format(
    new Date(`${date}T00:00:00Z`),
  );
}

/** A share (0..1) as a whole percentage; a dash when there is none. */
export function percentText(share: number | null): string {
  return share === null ? '–' : `${Math.round(share * 100)}%`;
}

/** The trend of waits: the days with a seating, as points (index in the range, minutes); gaps stay gaps. */
export function waitPoints(days: readonly AnalyticsDay[]): { index: number; minutes: number }[] {
  return days.flatMap((day, index) => (day.averageWaitMinutes === null ? [] : [{ index, minutes: day.averageWaitMinutes }]));
}
