import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { fmt, median } from './stats.js';

const runs = 10;

function wallMs(args: readonly string[]): number {
  const started = performance.now();
  const result = spawnSync(process.execPath, args, { stdio: 'ignore' });
  if (result.status !== 0) throw new Error(`node ${args.join(' ')} exited with ${String(result.status)}`);
  return performance.now() - started;
}

/** The function app's cold import (what a new Functions worker pays) against an empty Node start. */
export function benchColdImport(): void {
  const entry = fileURLToPath(new URL('../src/index.js', import.meta.url));
  const baseline: number[] = [];
  const app: number[] = [];
  for (let i = 0; i < runs; i++) {
    baseline.push(wallMs(['-e', '0']));
    app.push(wallMs(['--input-type=module', '-e', `await import(${JSON.stringify(entry)})`]));
  }
  const baseMedian = median(baseline);
  const appMedian = median(app);
  console.log(
    `cold import   node -e 0: ${fmt(baseMedian)} ms   function app: ${fmt(appMedian)} ms   ratio ${fmt(appMedian / baseMedian, 2)}x   (+${fmt(appMedian - baseMedian)} ms, median of ${runs} fresh processes each)`,
  );
}
