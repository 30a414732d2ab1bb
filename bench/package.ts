import { execFile, execFileSync } from 'node:child_process';
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { startLocalStack } from '../local/stack.js';
import { startFunctionsWorker } from '../scripts/functions-worker-process.js';
import { buildFunctionPackage, repoRoot, type FunctionPackage } from '../scripts/package.js';
import { demoOwner } from './owner.js';
import { benchEntryImport } from './cold-import.js';
import { fmt, median } from './stats.js';

/** The stand-in Functions worker (scripts/functions-worker.ts), as `npm run bench` compiled it. */
export const functionsWorker = fileURLToPath(new URL('../scripts/functions-worker.js', import.meta.url));

const freshWorkers = 7;

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
}

/**
 * What deploy.yml shipped before the bundle, rebuilt without touching the work tree: `dist` but the
 * SPA, the production dependencies (`npm ls --omit=dev`: what `npm prune --omit=dev` keeps),
 * package.json and host.json, zipped the same way.
 */
async function repositoryZip(tmp: string): Promise<{ bytes: number; files: number }> {
  const { stdout } = await promisify(execFile)('npm', ['ls', '--omit=dev', '--all', '--parseable'], { cwd: repoRoot, maxBuffer: 64 << 20 });
  const packageDirs = stdout.split('\n').filter((dir) => dir.includes(`${join(repoRoot, 'node_modules')}/`));
  const files = new Set<string>();
  for (const dir of packageDirs)
    for (const file of await filesUnder(dir)) if (!relative(dir, file).includes('node_modules/')) files.add(relative(repoRoot, file));
  for (const file of await filesUnder(join(repoRoot, 'dist')))
    if (!/^dist\/(web|package)\/|^dist\/function-app\.zip$/.test(relative(repoRoot, file))) files.add(relative(repoRoot, file));
  files.add('package.json').add('host.json');
  const zip = join(tmp, 'repository.zip');
  execFileSync('zip', ['-q', zip, '-@'], { cwd: repoRoot, input: [...files].join('\n') });
  return { bytes: (await stat(zip)).size, files: files.size };
}

/**
 * Fresh worker processes, each from its start to its first GET of the line answered, through the
 * stand-in worker. The package directory has no node_modules (Azure's remote build installs sharp):
 * only uploads load sharp, so a GET of the line runs without it.
 */
async function firstGetMs(
  packageDir: string,
  settings: Record<string, string>,
  url: string,
  headers: Record<string, string>,
): Promise<number[]> {
  const samples: number[] = [];
  for (let i = 0; i < freshWorkers; i++) {
    const started = performance.now();
    const worker = await startFunctionsWorker({ worker: functionsWorker, packageDir, settings });
    try {
      const response = await fetch(`${worker.url}${url}`, { headers });
      if (response.status !== 200) throw new Error(`first GET through the worker: ${response.status} ${await response.text()}`);
      await response.arrayBuffer();
      samples.push(performance.now() - started);
    } finally {
      await worker.stop();
    }
  }
  return samples;
}

/** The deployment zip against what deploy.yml shipped before, and a fresh worker's first GET with each. */
export async function benchPackage(): Promise<void> {
  const tmp = await mkdtemp(join(tmpdir(), 'waitlist-bench-package-'));
  try {
    const pkg = await buildFunctionPackage({ dir: join(tmp, 'package'), zip: join(tmp, 'function-app.zip') });
    await benchZip(pkg, tmp);
    benchEntryImport(pkg.dir, functionsWorker);
    await benchFirstGet(pkg);
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}

async function benchZip(pkg: FunctionPackage, tmp: string): Promise<void> {
  const before = await repositoryZip(tmp);
  console.log('deployment package (zip as deploy.yml and azd ship it)');
  console.log(
    `  before: dist + production node_modules   ${fmt(before.bytes / 1e6, 2).padStart(6)} MB  ${String(before.files).padStart(6)} files`,
  );
  console.log(
    `  npm run package (bundle, sharp by lock)   ${fmt(pkg.zipBytes / 1e6, 2).padStart(6)} MB  ${String(pkg.files.length).padStart(6)} files`,
  );
  console.log(`  ratio ${fmt(pkg.zipBytes / before.bytes, 3)}x bytes, ${fmt(pkg.files.length / before.files, 4)}x files`);
}

async function benchFirstGet(pkg: FunctionPackage): Promise<void> {
  const stack = await startLocalStack({ port: 0, passwordHashCost: 10, timers: false });
  try {
    const { headers, waiteesUrl } = await demoOwner(stack);
    const settings = stack.appSettings;
    const path = waiteesUrl.slice(stack.baseUrl.length);
    const unbundled = median(await firstGetMs(repoRoot, settings, path, headers));
    const bundled = median(await firstGetMs(pkg.dir, settings, path, headers));
    console.log(`fresh worker, process start → first GET of the line answered (median of ${freshWorkers} processes each, local stack)`);
    console.log(`  before: dist/src + node_modules ${fmt(unbundled).padStart(7)} ms`);
    console.log(`  bundle                          ${fmt(bundled).padStart(7)} ms   ratio ${fmt(bundled / unbundled, 2)}x`);
  } finally {
    await stack.close();
  }
}
