/**
 * The deployment package (`npm run package`, docs/deploy.md): built into a temporary directory,
 * started in a child process the way the Functions worker starts it (scripts/functions-worker.ts:
 * `@azure/functions-core` provided, package.json `main` imported), and driven over HTTP against the
 * local stack.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoOwner } from '../../bench/owner.js';
import { startIdentityEndpoint } from '../../local/identity/endpoint.js';
import { startFunctionsWorker, type FunctionsWorkerProcess } from '../../scripts/functions-worker-process.js';
import type { Lockfile } from '../../scripts/package-lock-subset.js';
import { buildFunctionPackage, loadedBy, packageEntry, repoRoot, type FunctionPackage } from '../../scripts/package.js';
import type { Registration } from '../../scripts/functions-worker.js';
import { functions } from '../../src/functions/catalog.js';
import { methodsOf } from '../../src/functions/http/dispatch.js';
import { joinLinkOf } from '../guest/support.js';
import { blobRequest, confirm, smallPng, upload } from '../uploads/support.js';
import { Api, newVenue, useLocalStack, type Json } from '../support/stack.js';

const sdkPackages = [
  '@azure/cosmos',
  '@azure/service-bus',
  '@azure/core-amqp',
  '@azure/identity',
  '@azure/communication-sms',
  '@azure/storage-blob',
  '@azure/monitor-opentelemetry',
];

const stack = useLocalStack();

let dir = '';
let pkg: FunctionPackage;
let worker = '';

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'waitlist-package-'));
  pkg = await buildFunctionPackage({ dir: join(dir, 'package'), zip: join(dir, 'function-app.zip') });
  worker = join(dir, 'functions-worker.mjs');
  // The stand-in worker imports only node builtins: transpiled, not bundled with anything of the app.
  await build({
    absWorkingDir: repoRoot,
    entryPoints: ['scripts/functions-worker.ts'],
    outfile: worker,
    format: 'esm',
    platform: 'node',
    logLevel: 'warning',
  });
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** The Azure SDKs whose code is in these output files of the bundle. */
function sdksIn(outputs: readonly string[]): string[] {
  const inputs = outputs.flatMap((output) => Object.keys(pkg.metafile.outputs[output]?.inputs ?? {}));
  return sdkPackages.filter((name) => inputs.some((input) => input.includes(`node_modules/${name}/`)));
}

/** The file URL of the chunk that holds each SDK (the first output a dynamic import of its module loads). */
function sdkChunkUrls(): Record<'cosmos' | 'serviceBus' | 'sms' | 'identity', string> {
  const chunkUrl = (entryPoint: string) => {
    const [chunk] = loadedBy(pkg.metafile, entryPoint);
    if (chunk === undefined) throw new Error(`no chunk for ${entryPoint}`);
    return pathToFileURL(join(repoRoot, chunk)).href;
  };
  const identity =
    Object.values(pkg.metafile.outputs).find((o) => o.entryPoint?.includes('node_modules/@azure/identity/'))?.entryPoint ?? '';
  return {
    cosmos: chunkUrl('src/adapters/cosmos/client.ts'),
    serviceBus: chunkUrl('src/adapters/servicebus/notification-queue.ts'),
    sms: chunkUrl('src/adapters/sms/sms-gateway.ts'),
    identity: chunkUrl(identity),
  };
}

/** Which SDK chunks a worker started with FUNCTIONS_WORKER_TRACE_IMPORTS=1 has imported so far. */
async function sdkChunksImported(workerUrl: string): Promise<string[]> {
  const imported = (await (await fetch(`${workerUrl}/_worker/imports`)).json()) as string[];
  expect(imported).toContain(pathToFileURL(join(pkg.dir, packageEntry)).href);
  return Object.entries(sdkChunkUrls()).flatMap(([sdk, url]) => (imported.includes(url) ? [sdk] : []));
}

/** The version of sharp installed here (its own package.json), which the package must ask the platform for. */
const installedSharp = async (): Promise<string> =>
  (JSON.parse(await readFile(join(repoRoot, 'node_modules', 'sharp', 'package.json'), 'utf8')) as { version: string }).version;

const readJson = async <T>(...path: string[]): Promise<T> => JSON.parse(await readFile(join(...path), 'utf8')) as T;

describe('the deployment package', () => {
  it('holds only the bundle, its package.json (main: the bundled entry), its lock and host.json: no node_modules, at most 1.5 MB zipped', async () => {
    const own = ['package.json', 'package-lock.json', 'host.json', packageEntry];
    expect(pkg.files).toEqual(expect.arrayContaining(own));
    expect(pkg.files.filter((file) => !own.includes(file) && !/^chunks\/[\w.-]+\.js$/.test(file))).toEqual([]);
    expect(pkg.zipBytes).toBeLessThanOrEqual(1_500_000);
    const manifest = await readJson<{ main: string; type: string; scripts?: unknown }>(pkg.dir, 'package.json');
    expect(manifest).toMatchObject({ main: packageEntry, type: 'module' });
    // Oryx runs `npm run build` when package.json has a build script: there is nothing left to build.
    expect(manifest.scripts).toBeUndefined();
    const { stdout } = await promisify(execFile)('unzip', ['-p', pkg.zip, 'host.json']);
    expect(JSON.parse(stdout)).toEqual(JSON.parse(await readFile(join(repoRoot, 'host.json'), 'utf8')));
  });

  it("depends on exactly sharp, at the version installed here, and locks sharp's tree as the repository's lock does", async () => {
    const version = await installedSharp();
    const manifest = await readJson<{ dependencies?: unknown; devDependencies?: unknown }>(pkg.dir, 'package.json');
    expect(manifest.dependencies).toEqual({ sharp: version });
    expect(manifest.devDependencies).toBeUndefined();
    const lock = await readJson<Lockfile>(pkg.dir, 'package-lock.json');
    const rootLock = await readJson<Lockfile>(repoRoot, 'package-lock.json');
    expect(lock.packages['']?.dependencies).toEqual(manifest.dependencies);
    expect(lock.packages['node_modules/sharp']?.version).toBe(version);
    const { '': _root, ...entries } = lock.packages;
    // sharp, its dependencies, and the prebuilt addon and libvips of every platform (npm picks one).
    expect(Object.keys(entries)).toEqual(
      expect.arrayContaining(['node_modules/@img/sharp-linux-x64', 'node_modules/@img/sharp-libvips-linux-x64']),
    );
    for (const [location, entry] of Object.entries(entries)) {
      const inRoot = rootLock.packages[location];
      expect(inRoot, location).toBeDefined();
      expect([entry.version, entry.resolved, entry.integrity], location).toEqual([inRoot?.version, inRoot?.resolved, inRoot?.integrity]);
      expect(entry.integrity, location).toMatch(/^sha512-/);
      expect(entry).not.toHaveProperty('dev');
    }
  });

  it('loads none of the Azure SDKs when the entry is imported, and each only on the path that uses it', () => {
    const loaded = (entryPoint: string) => sdksIn(loadedBy(pkg.metafile, entryPoint));
    expect(loaded('src/index.ts')).toEqual([]);
    expect(loaded('src/adapters/cosmos/client.ts')).toEqual(['@azure/cosmos']);
    expect(loaded('src/adapters/servicebus/notification-queue.ts')).toEqual(['@azure/service-bus', '@azure/core-amqp']);
    expect(loaded('src/adapters/sms/sms-gateway.ts')).toEqual(['@azure/communication-sms']);
    const identity = Object.values(pkg.metafile.outputs).find((o) => o.entryPoint?.includes('node_modules/@azure/identity/'))?.entryPoint;
    expect(identity, 'a chunk of its own for @azure/identity').toBeDefined();
    expect(loaded(identity ?? '')).toEqual(['@azure/identity']);
    // The telemetry root loads at start; the distro only when it is told to start (a connection string is set).
    expect(loaded('src/composition/telemetry.ts')).toEqual([]);
    const distro = Object.values(pkg.metafile.outputs).find((o) =>
      o.entryPoint?.includes('node_modules/@azure/monitor-opentelemetry/'),
    )?.entryPoint;
    expect(distro, 'a chunk of its own for @azure/monitor-opentelemetry').toBeDefined();
    expect(loaded(distro ?? '')).toContain('@azure/monitor-opentelemetry');
  });

  it('leaves out of what loads at start the OpenAPI document and the QR code encoder, which only their own routes use', () => {
    const inputsAtStart = loadedBy(pkg.metafile, 'src/index.ts').flatMap((output) =>
      Object.keys(pkg.metafile.outputs[output]?.inputs ?? {}),
    );
    expect(inputsAtStart.length).toBeGreaterThan(0);
    expect(inputsAtStart.filter((input) => input === 'openapi/openapi.json' || /node_modules\/(qrcode|pngjs)\//.test(input))).toEqual([]);
  });

  it('registers exactly the functions of the catalog, with their triggers', async () => {
    const { stdout } = await promisify(execFile)(process.execPath, [worker, pkg.dir, 'list'], { env: { PATH: process.env.PATH ?? '' } });
    const registered = (JSON.parse(stdout) as Registration[]).map(({ name, bindings }) => {
      const {
        name: _bindingName,
        direction: _direction,
        properties: _properties,
        ...trigger
      } = Object.values(bindings).find((binding) => binding.direction === 'in') ?? {};
      return { name, trigger };
    });
    const expected = functions.map((fn) => {
      switch (fn.kind) {
        case 'http':
          return { name: fn.name, trigger: { type: 'httpTrigger', route: fn.route, methods: methodsOf(fn), authLevel: 'anonymous' } };
        case 'timer':
          return { name: fn.name, trigger: { type: 'timerTrigger', schedule: fn.schedule } };
        case 'serviceBusQueue':
          return { name: fn.name, trigger: { type: 'serviceBusTrigger', queueName: fn.queueName, connection: fn.connection } };
        case 'eventGrid':
          return { name: fn.name, trigger: { type: 'eventGridTrigger' } };
      }
    });
    expect(registered).toEqual(expected);
  });
});

describe('the deployment package in a fresh worker process, against the local stack', () => {
  let running: FunctionsWorkerProcess | undefined;
  let settings: Record<string, string> = {};
  const workerApi = () => new Api(`${running?.url ?? ''}/api`);

  beforeAll(async () => {
    settings = { ...stack().appSettings };
    running = await startFunctionsWorker({ worker, packageDir: pkg.dir, settings });
  });

  afterAll(async () => {
    await running?.stop();
  });

  it('answers a GET of the line as the local host does, and writes what the local host then reads', async () => {
    const { token, waiteesPath: line } = await demoOwner(stack());
    const added = await workerApi().as(token).post(line, { name: 'Bundled party', partySize: 2 });
    expect(added.status, JSON.stringify(added.body)).toBe(201);
    const viaWorker = await workerApi().as(token).get(line);
    const viaLocalHost = await new Api(stack().apiUrl).as(token).get(line);
    expect(viaWorker.status).toBe(200);
    expect(viaWorker.headers.get('content-type')).toBe(viaLocalHost.headers.get('content-type'));
    expect(viaWorker.body).toEqual(viaLocalHost.body);
    expect(JSON.stringify(viaWorker.body)).toContain('Bundled party');
  });

  it('imports no SDK at start, then Cosmos DB for the first GET of the line, and neither Service Bus, ACS nor @azure/identity', async () => {
    const { token, waiteesPath: line } = await demoOwner(stack());
    const traced = await startFunctionsWorker({
      worker,
      packageDir: pkg.dir,
      settings: { ...settings, FUNCTIONS_WORKER_TRACE_IMPORTS: '1' },
    });
    try {
      expect(await sdkChunksImported(traced.url)).toEqual([]);
      expect((await new Api(`${traced.url}/api`).as(token).get(line)).status).toBe(200);
      expect(await sdkChunksImported(traced.url)).toEqual(['cosmos']);
    } finally {
      await traced.stop();
    }
  });

  it('without keys (as in Azure), fetches a managed-identity token for Cosmos DB, @azure/identity imported for it', async () => {
    const { token, waiteesPath: line } = await demoOwner(stack());
    const identity = await startIdentityEndpoint();
    const { COSMOS_KEY: _key, ...keyless } = settings;
    const traced = await startFunctionsWorker({
      worker,
      packageDir: pkg.dir,
      settings: {
        ...keyless,
        IDENTITY_ENDPOINT: identity.endpoint,
        IDENTITY_HEADER: identity.header,
        FUNCTIONS_WORKER_TRACE_IMPORTS: '1',
        // The Cosmos DB emulator's certificate is self-signed (and expired); only this child trusts it.
        NODE_TLS_REJECT_UNAUTHORIZED: '0',
      },
    });
    try {
      expect(await sdkChunksImported(traced.url)).toEqual([]);
      expect((await new Api(`${traced.url}/api`).as(token).get(line)).status).toBe(200);
      expect(identity.requests().map((r) => [r.resource, r.status])).toContainEqual([new URL(settings.COSMOS_ENDPOINT ?? '').origin, 200]);
      expect(await sdkChunksImported(traced.url)).toEqual(['cosmos', 'identity']);
    } finally {
      await traced.stop();
      await identity.close();
    }
  });

  it('serves the OpenAPI document and a join poster, each from the chunk imported for it', async () => {
    const contract = await workerApi().get('/openapi.json');
    expect(contract.status).toBe(200);
    expect(contract.body).toEqual(JSON.parse(await readFile(join(repoRoot, 'openapi', 'openapi.json'), 'utf8')));
    const code = await joinLinkOf(await newVenue(new Api(stack().apiUrl)));
    const poster = await workerApi().get<string>(`/v1/join/${code}/qr.svg`);
    expect(poster.status).toBe(200);
    expect(poster.headers.get('content-type')).toBe('image/svg+xml');
    expect(poster.body).toMatch(/^<svg [^>]*viewBox/);
  });

  it('answers bad input with the same problem+json as the local host, messages and all', async () => {
    const { token, waiteesPath: line } = await demoOwner(stack());
    const withoutCorrelation = ({ correlationId: _c, instance: _i, ...problem }: Json): Json => problem;
    const unauthenticated = await workerApi().get(line);
    expect(unauthenticated.status).toBe(401);
    expect(unauthenticated.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(withoutCorrelation(unauthenticated.body)).toEqual(withoutCorrelation((await new Api(stack().apiUrl).get(line)).body));
    const invalid = { name: '', partySize: 0 };
    const refused = await workerApi().as(token).post(line, invalid);
    expect(refused.status).toBe(400);
    expect(JSON.stringify(refused.body)).toMatch(/partySize/);
    expect(withoutCorrelation(refused.body)).toEqual(
      withoutCorrelation((await new Api(stack().apiUrl).as(token).post(line, invalid)).body),
    );
  });
});

describe('the deployment package as Flex Consumption installs it (remote build), against the local stack', () => {
  let deployed = '';
  let installed: FunctionsWorkerProcess | undefined;
  let identity: Awaited<ReturnType<typeof startIdentityEndpoint>> | undefined;

  beforeAll(async () => {
    // What the platform does with the zip, done here: unpacked, then its lock installed.
    deployed = join(dir, 'deployed');
    await promisify(execFile)('unzip', ['-q', pkg.zip, '-d', deployed]);
    await promisify(execFile)('npm', ['ci', '--omit=dev', '--ignore-scripts', '--prefer-offline', '--no-audit', '--no-fund'], {
      cwd: deployed,
    });
    // Blob storage takes no keys: the worker's managed-identity tokens come from the local endpoint.
    identity = await startIdentityEndpoint({ log: () => undefined });
    installed = await startFunctionsWorker({
      worker,
      packageDir: deployed,
      settings: {
        ...stack().appSettings,
        IDENTITY_ENDPOINT: identity.endpoint,
        IDENTITY_HEADER: identity.header,
        FUNCTIONS_WORKER_TRACE_IMPORTS: '1',
      },
    });
  });

  afterAll(async () => {
    await installed?.stop();
    await identity?.close();
  });

  it("leaves the lock as it is when installed with the remote build's plain `npm install` (Oryx)", async () => {
    const oryx = join(dir, 'oryx');
    await promisify(execFile)('unzip', ['-q', pkg.zip, '-d', oryx]);
    await promisify(execFile)('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund'], { cwd: oryx });
    expect(await readJson<Lockfile>(oryx, 'package-lock.json')).toEqual(await readJson<Lockfile>(pkg.dir, 'package-lock.json'));
  });

  it('re-encodes an uploaded logo with the sharp npm installed into the package', async () => {
    const { token, restaurantId } = await demoOwner(stack());
    const api = new Api(`${installed?.url ?? ''}/api`).as(token);
    const { ticket, put } = await upload(api, restaurantId, 'logo', { bytes: await smallPng(400, 300), contentType: 'image/png' });
    expect(put.status).toBe(201);
    const confirmed = await confirm(api, restaurantId, ticket.id);
    expect(confirmed.status, JSON.stringify(confirmed.body)).toBe(200);
    const sources = confirmed.body.logo?.sources ?? [];
    expect(sources.map((source) => [source.width, source.height])).toEqual([
      [96, 72],
      [192, 144],
    ]);
    for (const source of sources) expect((await blobRequest('GET', source.url)).headers['content-type']).toBe('image/webp');
    const imported = (await (await fetch(`${installed?.url ?? ''}/_worker/imports`)).json()) as string[];
    const installedSharpUrl = `${pathToFileURL(join(deployed, 'node_modules', 'sharp')).href}/`;
    expect(imported.some((url) => url.startsWith(installedSharpUrl))).toBe(true);
  });
});
