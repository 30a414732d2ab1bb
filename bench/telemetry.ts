import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { metrics } from '@opentelemetry/api';
import { buildSync } from 'esbuild';
import { registerLocalMetrics } from '../local/metrics.js';
import { recordLocalSpans } from '../local/telemetry.js';
import { startLocalStack } from '../local/stack.js';
import { recordHttpRequest } from '../src/application/metrics.js';
import { demoOwner } from './owner.js';
import { fmt, median, throughput, timeEach } from './stats.js';

const partiesInLine = 50;
const pageSize = 50;
const throughputRequests = 2000;
const concurrency = 8;
const rounds = 10;
const coldRuns = 10;

const signed = (ms: number): string => `${ms < 0 ? '' : '+'}${fmt(ms)}`;

/** Telemetry switched on: the local providers registered and recording, as `npm start` and the tests run. */
function telemetryOn(): void {
  registerLocalMetrics();
  recordLocalSpans(true);
}

/** Telemetry switched off: no meter provider (no-op instruments) and spans not recorded (non-recording, as with no provider). */
function telemetryOff(): void {
  metrics.disable();
  recordLocalSpans(false);
}

/**
 * What telemetry costs GET waitees: the same requests on the same stack with the providers
 * registered and without, in interleaved rounds (the median of each), so load drifting on the
 * machine weighs on both alike.
 */
async function benchThroughput(): Promise<number> {
  const stack = await startLocalStack({ port: 0, passwordHashCost: 10, timers: false });
  try {
    const { headers, waiteesUrl } = await demoOwner(stack);
    for (let i = 0; i < partiesInLine; i++) {
      const added = await fetch(waiteesUrl, { method: 'POST', headers, body: JSON.stringify({ name: `Party ${i}`, partySize: 2 }) });
      if (added.status !== 201) throw new Error(`seeding failed: ${added.status}`);
    }
    const get = async () => {
      const response = await fetch(`${waiteesUrl}?limit=${pageSize}`, { headers });
      if (response.status !== 200) throw new Error(`GET waitees: ${response.status}`);
      await response.arrayBuffer();
    };
    await timeEach(100, get);
    const off: number[] = [];
    const on: number[] = [];
    for (let round = 0; round < rounds; round++) {
      telemetryOff();
      off.push(await throughput(throughputRequests / rounds, concurrency, get));
      telemetryOn();
      on.push(await throughput(throughputRequests / rounds, concurrency, get));
    }
    const [offRps, onRps] = [median(off), median(on)];
    console.log(
      `telemetry, GET waitees (${partiesInLine} parties, page of ${pageSize}; ${throughputRequests} requests each at concurrency ${concurrency} in ${rounds} interleaved rounds, median)`,
    );
    console.log(`  off (no meters, no spans) ${fmt(offRps, 0).padStart(6)} req/s`);
    console.log(
      `  on (meters and spans)     ${fmt(onRps, 0).padStart(6)} req/s   ratio on/off ${fmt(onRps / offRps, 3)}x   cost ${fmt((1 - onRps / offRps) * 100)} % (goal ≤ 10 %)`,
    );
    return offRps;
  } finally {
    telemetryOn();
    await stack.close();
  }
}

/** Milliseconds a fresh process spends on `script` (an ES module body), timed inside it, so Node's own start is left out. */
function importMs(script: string): number {
  const timed = `const started = performance.now(); ${script}; console.log(performance.now() - started);`;
  const result = spawnSync(process.execPath, ['--input-type=module', '-e', timed], {
    encoding: 'utf8',
    cwd: fileURLToPath(new URL('../..', import.meta.url)),
  });
  if (result.status !== 0) throw new Error(`node -e exited with ${String(result.status)}: ${result.stderr}`);
  return Number(result.stdout.trim().split('\n').at(-1));
}

/**
 * The app entry's cold import in a fresh process, bare (it carries `@opentelemetry/api`, a no-op
 * without a provider) and after the local SDK set-up (the meter provider registered first, as
 * local/stack.ts does); and the API package alone, what telemetry adds to every cold start.
 */
function benchColdImport(): void {
  const entry = JSON.stringify(fileURLToPath(new URL('../src/index.js', import.meta.url)));
  const setUp = JSON.stringify(fileURLToPath(new URL('../local/metrics.js', import.meta.url)));
  const dir = mkdtempSync(join(tmpdir(), 'waitlist-bench-otel-'));
  const bundledApi = JSON.stringify(bundleOfApi(dir));
  const bare: number[] = [];
  const withSdk: number[] = [];
  const api: number[] = [];
  const apiBundled: number[] = [];
  const emptyModule: number[] = [];
  for (let i = 0; i < coldRuns; i++) {
    bare.push(importMs(`await import(${entry})`));
    withSdk.push(importMs(`(await import(${setUp})).registerLocalMetrics(); await import(${entry})`));
    api.push(importMs(`await import('@opentelemetry/api')`));
    apiBundled.push(importMs(`await import(${bundledApi})`));
    emptyModule.push(importMs(`await import('data:text/javascript,')`));
  }
  rmSync(dir, { recursive: true, force: true });
  const [bareMs, sdkMs] = [median(bare), median(withSdk)];
  console.log(`telemetry, cold import (median of ${String(coldRuns)} fresh processes each, timed inside them)`);
  console.log(`  app entry, without SDK set-up          ${fmt(bareMs).padStart(7)} ms`);
  console.log(`  app entry, local meter provider first  ${fmt(sdkMs).padStart(7)} ms   ${signed(sdkMs - bareMs)} ms (local hosts only)`);
  console.log(`  @opentelemetry/api from node_modules   ${fmt(median(api)).padStart(7)} ms   (what the entry carries for telemetry)`);
  const added = median(apiBundled) - median(emptyModule);
  console.log(
    `  @opentelemetry/api bundled (esbuild)   ${fmt(median(apiBundled)).padStart(7)} ms   ${signed(added)} ms over an empty module (as in the deployment bundle; goal ≤ 20 ms)`,
  );
  const major = Number(process.versions.node.split('.')[0]);
  if (major < 22) {
    console.log(`  @azure/monitor-opentelemetry         skipped: it declares node >= 22, this is Node ${process.versions.node}`);
    return;
  }
  const distro = median(Array.from({ length: coldRuns }, () => importMs(`await import('@azure/monitor-opentelemetry')`)));
  console.log(`  @azure/monitor-opentelemetry alone   ${fmt(distro).padStart(7)} ms   (Azure only, imported lazily by src/index.ts)`);
}

/** `@opentelemetry/api` as one esbuild file, the way the deployment bundle (scripts/package.ts) carries it. */
function bundleOfApi(dir: string): string {
  const outfile = join(dir, 'api.mjs');
  buildSync({
    stdin: { contents: "export * from '@opentelemetry/api';", resolveDir: fileURLToPath(new URL('../..', import.meta.url)) },
    bundle: true,
    platform: 'node',
    format: 'esm',
    outfile,
  });
  return outfile;
}

/** What recording one request's metrics costs the request, on and off: the share of telemetry in a request's time. */
function benchRecording(offRps: number): void {
  const calls = 50_000;
  const record = () => {
    recordHttpRequest({
      route: '/v1/restaurants/{restaurantId}/waitlists/{waitlistId}/waitees',
      method: 'GET',
      status: 200,
      seconds: 0.01,
      problemType: undefined,
    });
  };
  const perCallUs = () => {
    const started = performance.now();
    for (let i = 0; i < calls; i++) record();
    return ((performance.now() - started) * 1000) / calls;
  };
  telemetryOff();
  perCallUs();
  const off = median([perCallUs(), perCallUs(), perCallUs()]);
  telemetryOn();
  perCallUs();
  const on = median([perCallUs(), perCallUs(), perCallUs()]);
  // At saturation each request holds the machine for 1/throughput seconds; recording takes this share of it.
  const share = (on - off) / (1e6 / offRps);
  console.log(
    `  recording one request's metrics      ${fmt(on, 2)} µs on, ${fmt(off, 2)} µs off (median of 3 × ${String(calls)} calls): ${fmt(share * 100, 2)} % of a request at the off throughput`,
  );
}

/** `npm run bench`: what telemetry costs, measured in this run against the same run without it. */
export async function benchTelemetry(): Promise<void> {
  benchColdImport();
  benchRecording(await benchThroughput());
}
