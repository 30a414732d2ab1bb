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

/** Milliseconds to import `main` alone, in a fresh stand-in Functions worker (scripts/functions-worker.ts). */
function workerImportMs(worker: string, packageDir: string): number {
  const result = spawnSync(process.execPath, [worker, packageDir, 'import-time'], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`functions worker on ${packageDir} exited with ${String(result.status)}: ${result.stderr}`);
  return (JSON.parse(result.stdout) as { importMs: number }).importMs;
}

/** Milliseconds to import the four Azure SDKs at once in a fresh process, as the app did before they were deferred. */
function eagerSdkImportMs(): number {
  const sdks = ['@azure/cosmos', '@azure/service-bus', '@azure/communication-sms', '@azure/identity'];
  const script = `const started = performance.now(); await Promise.all(${JSON.stringify(sdks)}.map((name) => import(name))); console.log(performance.now() - started);`;
  const result = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
    encoding: 'utf8',
    cwd: fileURLToPath(new URL('../..', import.meta.url)),
  });
  if (result.status !== 0) throw new Error(`eager SDK import exited with ${String(result.status)}: ${result.stderr}`);
  return Number(result.stdout.trim());
}

/**
 * The app entry's import (what a new Functions worker pays before it can serve anything), from the
 * tsc build with node_modules and from the bundle, against an eager import of all the SDKs.
 */
export function benchEntryImport(bundleDir: string, worker: string): void {
  const repository = fileURLToPath(new URL('../..', import.meta.url));
  const sdks: number[] = [];
  const unbundled: number[] = [];
  const bundled: number[] = [];
  for (let i = 0; i < runs; i++) {
    sdks.push(eagerSdkImportMs());
    unbundled.push(workerImportMs(worker, repository));
    bundled.push(workerImportMs(worker, bundleDir));
  }
  const sdkMedian = median(sdks);
  console.log(`entry import, in a fresh worker (median of ${runs} processes each)`);
  console.log(`  eager import of the 4 Azure SDKs    ${fmt(sdkMedian).padStart(7)} ms`);
  console.log(
    `  app entry, dist/src + node_modules  ${fmt(median(unbundled)).padStart(7)} ms   ratio ${fmt(median(unbundled) / sdkMedian, 2)}x`,
  );
  console.log(
    `  app entry, bundle                   ${fmt(median(bundled)).padStart(7)} ms   ratio ${fmt(median(bundled) / sdkMedian, 2)}x`,
  );
}
