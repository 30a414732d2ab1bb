import { accuracyOf, simulateEvening, evenings, type Outcome } from './evenings.js';
import { fmt } from './stats.js';

/** Seeds of the printed figures; the estimator was never tuned on these (test/domain/wait-quote.test.ts uses others). */
const seeds = [101, 202, 303, 404, 505, 606, 707, 808, 909, 1010];
/** Earlier weeks of the same evening replayed first, so the blend has a weekday×hour history to read. */
const weeksOfHistory = 8;

const cells = (outcomes: readonly Outcome[], estimator: 'before' | 'after' | 'blend') => {
  const accuracy = accuracyOf(outcomes, estimator);
  return `MAE ${fmt(accuracy.meanAbsoluteError).padStart(5)}  within ${fmt(accuracy.shareWithinRange * 100, 0).padStart(3)} %  (${fmt(accuracy.meanRangeWidth, 0).padStart(2)} min wide)`;
};

/**
 * Wait quotes of the old estimator (median of recent waits), the position-aware one on tonight's
 * exits alone, and the same blended with the same weekday and hour of past weeks, on simulated
 * evenings: mean absolute error against the wait each seated party had, and the share of parties
 * seated within the range they were shown (the old estimator showed a point; its range here is
 * the point ± 5 minutes). Without history the blend is the position-aware quote, so the first
 * line of each evening is the fallback to the waitlist's default.
 */
export function benchEstimates(): void {
  console.log(`\nwait quotes on simulated evenings (${seeds.length} seeds each; MAE in minutes; within = seated within the range shown)`);
  for (const evening of evenings) {
    for (const weeks of [0, weeksOfHistory]) {
      const perSeed = seeds.map((seed) => simulateEvening(evening, seed, weeks));
      const outcomes = perSeed.flat();
      const newer = weeks === 0 ? 'after' : 'blend';
      const better = (one: readonly Outcome[], than: 'before' | 'after') =>
        accuracyOf(one, newer).meanAbsoluteError < accuracyOf(one, than).meanAbsoluteError;
      const versusOld = perSeed.filter((one) => better(one, 'before')).length;
      const versusRecent = weeks === 0 ? '' : `, than without history on ${perSeed.filter((one) => better(one, 'after')).length}`;
      console.log(
        `  ${evening.name.padEnd(18)} ${(weeks === 0 ? 'no history' : `${weeks} weeks' history`).padEnd(16)}  ${String(outcomes.length).padStart(4)} seated   ` +
          `old ${cells(outcomes, 'before')}   new ${cells(outcomes, newer)}   new better than old on ${versusOld}/${seeds.length} seeds${versusRecent}`,
      );
    }
  }
}
