import { accuracyOf, estimators, evenings, simulateEvening, type Outcome } from './evenings.js';
import { fmt } from './stats.js';

/** Seeds of the printed figures; the estimator was never tuned on these (test/bench/evenings.test.ts uses others). */
const seeds = [101, 202, 303, 404, 505, 606, 707, 808, 909, 1010];

/**
 * Wait quotes before and after the position-aware estimator, on simulated evenings: mean absolute
 * error against the wait each seated party had, and the share of parties seated within the range
 * they were shown (the old estimator showed a point; its range here is the point ± 5 minutes).
 */
export function benchEstimates(): void {
  console.log(`\nwait quotes on simulated evenings (${seeds.length} seeds each; MAE in minutes; range = what a guest is shown)`);
  for (const evening of evenings) {
    const perSeed = seeds.map((seed) => simulateEvening(evening, seed));
    const outcomes: Outcome[] = perSeed.flat();
    const [before, after] = estimators.map((estimator) => accuracyOf(outcomes, estimator));
    if (before === undefined || after === undefined) throw new Error('two estimators expected');
    const wins = perSeed.filter((one) => accuracyOf(one, 'after').meanAbsoluteError < accuracyOf(one, 'before').meanAbsoluteError).length;
    console.log(
      `  ${evening.name.padEnd(18)} ${String(before.parties).padStart(4)} seated from the line   ` +
        `MAE ${fmt(before.meanAbsoluteError).padStart(5)} → ${fmt(after.meanAbsoluteError).padStart(5)} (${fmt(after.meanAbsoluteError / before.meanAbsoluteError, 2)}x)   ` +
        `within range ${fmt(before.shareWithinRange * 100, 0).padStart(3)} % → ${fmt(after.shareWithinRange * 100, 0).padStart(3)} % ` +
        `(range ${fmt(before.meanRangeWidth, 0)} → ${fmt(after.meanRangeWidth, 0)} min wide)   new better on ${wins}/${seeds.length} seeds`,
    );
  }
}
