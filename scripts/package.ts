/**
 * `npm run package`: the function app as Azure runs it, one esbuild bundle, in `dist/package` (what
 * azd ships: azure.yaml's `dist`) and zipped to `dist/function-app.zip` (what deploy.yml ships).
 * See docs/deploy.md, The deployment package.
 *
 * - `@azure/functions-core` stays outside: the Functions worker provides it at run time.
 * - ESM output with a `createRequire` banner, so the CommonJS dependencies inside can still `require`.
 * - Split chunks: each SDK sits in the chunk of the dynamic import that needs it (src/composition),
 *   so importing the entry loads none of them.
 * - Of the Azure Monitor distro's @opentelemetry/sdk-node, the exporters and configuration it never
 *   reaches are stubs (`distroUnreachedOnly`): a quarter of the zip.
 * - A package.json of its own whose `main` is the bundled entry (the host reads `main`) and whose only
 *   dependency is sharp, at the version the repository installs, with a package-lock.json of sharp's
 *   tree taken from the root lock: Flex Consumption's remote build installs it (no node_modules ship).
 */
import { execFile } from 'node:child_process';
import { mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { build, type Metafile, type Plugin } from 'esbuild';
import { lockSubset, type Lockfile } from './package-lock-subset.js';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', ...(import.meta.url.includes('/dist/') ? ['..'] : []));

/** Where `npm run package` writes, relative to the repository: azure.yaml's `dist` and deploy.yml's artifact. */
export const packageDir = 'dist/package';
export const packageZip = 'dist/function-app.zip';

/** The bundled entry, relative to the package root: package.json `main`. */
export const packageEntry = 'index.js';

export interface FunctionPackage {
  readonly dir: string;
  readonly zip: string;
  readonly zipBytes: number;
  /** Every file in the zip, relative to its root. */
  readonly files: readonly string[];
  readonly metafile: Metafile;
}

/**
 * Zod's namespace export (`z`, which the schemas use) holds every locale of its error messages,
 * a quarter of the bundle's entry; the app speaks English only. `z.locales` keeps `en` (the default).
 */
const englishZodOnly: Plugin = {
  name: 'english-zod-only',
  setup(esbuild) {
    esbuild.onResolve({ filter: /^\.\.\/locales\/index\.js$/ }, ({ importer }) =>
      /node_modules\/zod\/v4\/(classic|core)\//.test(importer) ? { path: 'zod-locales', namespace: 'english-zod-only' } : undefined,
    );
    esbuild.onLoad({ filter: /.*/, namespace: 'english-zod-only' }, () => ({
      contents: "export { default as en } from './en.js';",
      resolveDir: join(repoRoot, 'node_modules', 'zod', 'v4', 'locales'),
    }));
  },
};

/**
 * The Azure Monitor distro builds its SDK with `new NodeSDK({ metricReaders, spanProcessors,
 * logRecordProcessors, sampler, … })` (@azure/monitor-opentelemetry, dist/esm/index.js) and never calls
 * `startNodeSDK`. @opentelemetry/sdk-node requires these at load, but uses them only on paths that
 * configuration closes (build/src/sdk.js, utils.js, start.js, create-from-config.js):
 * - the OTLP log exporters: only when no log record processors are given (`configureLoggerProviderFromEnv`);
 * - Prometheus and the OTLP metric exporters: only when no metric readers are given (`getMetricReadersFromEnv`);
 * - Zipkin and the OTLP trace exporters: only when no span processors are given (`getSpanProcessorsFromEnv`);
 * - @opentelemetry/configuration, the OTLP exporter bases (and the metric exporter's temporality
 *   enum): only in the `…FromConfiguration` helpers of `startNodeSDK`'s file-based configuration.
 * Replaced only where sdk-node imports them (nothing else in the bundle does): with them go gRPC,
 * protobufjs, the OTLP transformer and yaml. Each stub loads, and throws on first use, naming this file.
 */
const sdkNodeUnreached = [
  '@opentelemetry/configuration',
  '@opentelemetry/exporter-logs-otlp-grpc',
  '@opentelemetry/exporter-logs-otlp-http',
  '@opentelemetry/exporter-logs-otlp-proto',
  '@opentelemetry/exporter-metrics-otlp-grpc',
  '@opentelemetry/exporter-metrics-otlp-http',
  '@opentelemetry/exporter-metrics-otlp-proto',
  '@opentelemetry/exporter-prometheus',
  '@opentelemetry/exporter-trace-otlp-grpc',
  '@opentelemetry/exporter-trace-otlp-http',
  '@opentelemetry/exporter-trace-otlp-proto',
  '@opentelemetry/exporter-zipkin',
  '@opentelemetry/otlp-exporter-base',
  '@opentelemetry/otlp-grpc-exporter-base',
];

/** The message a stub of `specifier` throws when something uses it after all. */
export const leftOutMessage = (specifier: string): string =>
  `${specifier} was left out of the bundle: scripts/package.ts (sdkNodeUnreached) found no path of the Azure Monitor distro that uses it`;

export const distroUnreachedOnly: Plugin = {
  name: 'distro-unreached-only',
  setup(esbuild) {
    const names = new Set(sdkNodeUnreached);
    esbuild.onResolve({ filter: /^@opentelemetry\// }, ({ path, importer }) =>
      names.has(path) && importer.includes('/node_modules/@opentelemetry/sdk-node/')
        ? { path, namespace: 'distro-unreached-only' }
        : undefined,
    );
    // A module that loads (sdk-node requires it at the top) and throws on any use of an export.
    esbuild.onLoad({ filter: /.*/, namespace: 'distro-unreached-only' }, ({ path }) => ({
      contents: `const message = ${JSON.stringify(leftOutMessage(path))};
module.exports = new Proxy({}, { get: (_, name) => { if (typeof name === 'symbol' || name === '__esModule') return undefined; throw new Error(message); } });`,
      loader: 'js',
    }));
  },
};

/**
 * What the bundle leaves to the platform's `npm install` (remote build): sharp, whose prebuilt addon
 * and libvips cannot be bundled, and which npm then picks for the platform it runs on (Azure:
 * linux-x64, glibc). Only its JavaScript would fit in the bundle; installed whole, its code and its
 * addon always come from the same release.
 */
const platformInstalled = ['sharp'];

const createRequireBanner =
  "import { createRequire as __waitlistCreateRequire } from 'node:module'; const require = __waitlistCreateRequire(import.meta.url);";

/** Builds the package into `dir` (emptied first) and zips it to `zip`. */
export async function buildFunctionPackage(options: { dir: string; zip: string }): Promise<FunctionPackage> {
  const { dir, zip } = options;
  await rm(dir, { recursive: true, force: true });
  await rm(zip, { force: true });
  await mkdir(dir, { recursive: true });
  const result = await build({
    absWorkingDir: repoRoot,
    entryPoints: { index: 'src/index.ts' },
    outdir: dir,
    chunkNames: 'chunks/[name]-[hash]',
    bundle: true,
    splitting: true,
    platform: 'node',
    format: 'esm',
    // Flex Consumption runs Node 22; Node 20 is the oldest the repo supports (package.json engines).
    target: 'node20',
    external: ['@azure/functions-core', ...platformInstalled],
    banner: { js: createRequireBanner },
    minify: true,
    legalComments: 'none',
    metafile: true,
    plugins: [englishZodOnly, distroUnreachedOnly],
    logLevel: 'warning',
  });
  const manifest = JSON.parse(await readFile(join(repoRoot, 'package.json'), 'utf8')) as {
    name: string;
    version: string;
    engines: unknown;
  };
  const rootLock = JSON.parse(await readFile(join(repoRoot, 'package-lock.json'), 'utf8')) as Lockfile;
  const { dependencies, lock } = lockSubset(rootLock, { ...manifest, dependencies: platformInstalled });
  // No scripts: the remote build runs `npm run build` when there is one (Oryx), and nothing is left to build.
  const packageJson = {
    name: manifest.name,
    version: manifest.version,
    private: true,
    type: 'module',
    main: packageEntry,
    engines: manifest.engines,
    dependencies,
  };
  await writeFile(join(dir, 'package.json'), `${JSON.stringify(packageJson, null, 2)}\n`);
  await writeFile(join(dir, 'package-lock.json'), `${JSON.stringify(lock, null, 2)}\n`);
  await writeFile(join(dir, 'host.json'), await readFile(join(repoRoot, 'host.json')));
  await mkdir(dirname(zip), { recursive: true });
  // -X: no extra file attributes, so the same code makes the same zip.
  await promisify(execFile)('zip', ['-qrX', resolve(zip), '.'], { cwd: dir });
  const { stdout } = await promisify(execFile)('unzip', ['-Z1', resolve(zip)]);
  const files = stdout.split('\n').filter((line) => line !== '' && !line.endsWith('/'));
  return { dir, zip, zipBytes: (await stat(zip)).size, files, metafile: result.metafile };
}

/**
 * The output files (metafile keys) that load when `entryPoint` (a source path, relative to the
 * repository) is imported: the entry or the dynamic import's chunk, and its static imports,
 * transitively. Its own dynamic imports wait for the code that calls them.
 */
export function loadedBy(metafile: Metafile, entryPoint: string): string[] {
  const start = Object.keys(metafile.outputs).find((file) => metafile.outputs[file]?.entryPoint === entryPoint);
  if (start === undefined) throw new Error(`${entryPoint} is neither the entry nor a dynamic import of the bundle`);
  const seen = new Set<string>();
  const visit = (file: string): void => {
    if (seen.has(file)) return;
    seen.add(file);
    for (const { path, kind } of metafile.outputs[file]?.imports ?? [])
      if (kind === 'import-statement' && path in metafile.outputs) visit(path);
  };
  visit(start);
  return [...seen];
}

async function main(): Promise<void> {
  const built = await buildFunctionPackage({ dir: join(repoRoot, packageDir), zip: join(repoRoot, packageZip) });
  console.log(
    `${relative(repoRoot, built.zip)}: ${(built.zipBytes / 1e6).toFixed(2)} MB, ${built.files.length} files (${relative(repoRoot, built.dir)})`,
  );
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await main();
