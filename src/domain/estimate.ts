/** A seated party's size and how long it waited, kept per waitlist as recent history. */
export interface Seating {
  readonly partySize: number;
  readonly waitedMinutes: number;
  readonly seatedAt: string;
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
    .filter((s) => sizeBand(s.partySize) === band && Date.parse(s.seatedAt) >= since)
    .map((s) => s.waitedMinutes);
  const typical = similar.length >= minimumSamples ? median(similar) : input.defaultWaitMinutes;
  const waited = (input.now.getTime() - Date.parse(input.joinedAt)) / 60_000;
  return Math.max(0, Math.round(typical - waited));
}
