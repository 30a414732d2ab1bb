/**
 * A stand-in for the Azure Functions Node.js worker, enough to start a deployment package the way
 * Azure does and to see what it registered: it provides `@azure/functions-core` (the real worker
 * does the same, by hooking `require`), imports the file the package's package.json `main` names,
 * and then lists the registrations or serves the HTTP ones on loopback, one invocation at a time
 * through the programming model the app registered (the library's own RPC conversions, as the host's).
 *
 *   node functions-worker.js <package dir> list          prints the registrations as JSON
 *   node functions-worker.js <package dir> serve [port]  prints {"url": …} once listening
 *   node functions-worker.js <package dir> import-time   prints {"importMs": …}, the import of `main` alone
 *
 * The app settings come from the environment, as in Azure. With FUNCTIONS_WORKER_TRACE_IMPORTS=1
 * it records every module the app imports (a loader hook) and `serve` answers
 * `GET /_worker/imports` with their URLs, so a test can see which chunks a request loaded.
 * Dev tooling: never shipped.
 */
import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import Module, { register } from 'node:module';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { MessageChannel } from 'node:worker_threads';

/** What `app.http`, `app.timer`… hand the worker: a name and its bindings (RpcBindingInfo, camelCased). */
export interface Registration {
  readonly name: string;
  readonly bindings: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
}

interface RpcHttpResponse {
  readonly statusCode?: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: { readonly bytes?: Uint8Array; readonly string?: string };
}

interface InvocationModel {
  getArguments(): Promise<{ context: unknown; inputs: unknown[] }>;
  invokeFunction(context: unknown, inputs: unknown[], handler: unknown): Promise<unknown>;
  getResponse(context: unknown, result: unknown): Promise<{ returnValue?: { http?: RpcHttpResponse } | null }>;
}

interface ProgrammingModel {
  getInvocationModel(coreContext: unknown): InvocationModel;
}

const registrations: { registration: Registration; callback: unknown }[] = [];
let programmingModel: ProgrammingModel | undefined;

const coreApi = {
  setProgrammingModel: (model: ProgrammingModel) => {
    programmingModel = model;
  },
  getProgrammingModel: () => programmingModel,
  registerFunction: (registration: Registration, callback: unknown) => {
    registrations.push({ registration, callback });
    return { dispose: () => undefined };
  },
  registerHook: () => ({ dispose: () => undefined }),
  log: (level: string, category: string, message: string) => {
    if (level === 'error' || level === 'critical') console.error(`[${category}] ${message}`);
  },
};

function provideCoreApi(): void {
  type Require = (this: NodeJS.Module, id: string) => unknown;
  const prototype = Module.prototype as unknown as { require: Require };
  const original = prototype.require;
  prototype.require = function require(this: NodeJS.Module, id: string) {
    return id === '@azure/functions-core' ? coreApi : original.call(this, id);
  };
}

/** The URL of every module imported from here on, through a resolve hook that reports back on a port. */
function traceImports(): readonly string[] {
  const imported: string[] = [];
  const { port1, port2 } = new MessageChannel();
  port1.on('message', (url: string) => imported.push(url));
  port1.unref();
  const hooks = `let port;
export function initialize(data) { port = data.port; }
export async function resolve(specifier, context, next) { const resolved = await next(specifier, context); port.postMessage(resolved.url); return resolved; }`;
  register(`data:text/javascript,${encodeURIComponent(hooks)}`, { data: { port: port2 }, transferList: [port2] });
  return imported;
}

function triggerOf(registration: Registration): Readonly<Record<string, unknown>> & { readonly bindingName: string } {
  const entry = Object.entries(registration.bindings).find(([, binding]) => binding.direction === 'in');
  if (entry === undefined) throw new Error(`function ${registration.name} has no trigger binding`);
  return { ...entry[1], bindingName: entry[0] };
}

interface HttpRoute {
  readonly registration: Registration;
  readonly callback: unknown;
  readonly pattern: RegExp;
  readonly names: readonly string[];
  readonly methods: readonly string[];
  readonly literalSegments: number;
}

function httpRoutes(): HttpRoute[] {
  return registrations
    .filter(({ registration }) => triggerOf(registration).type === 'httpTrigger')
    .map(({ registration, callback }) => {
      const trigger = triggerOf(registration);
      const names: string[] = [];
      const segments = String(trigger.route).split('/');
      const source = segments
        .map((segment) => {
          const param = /^\{(\w+)\}$/.exec(segment)?.[1];
          if (param === undefined) return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
          names.push(param);
          return '([^/]+)';
        })
        .join('/');
      const methods = (trigger.methods as string[]).map((m) => m.toUpperCase());
      return {
        registration,
        callback,
        pattern: new RegExp(`^${source}/?$`, 'i'),
        names,
        methods,
        literalSegments: segments.length - names.length,
      };
    })
    .sort((a, b) => b.literalSegments - a.literalSegments);
}

async function readBody(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** One HTTP invocation as the host makes it: RPC request data in, the model's RPC response out. */
async function invoke(route: HttpRoute, request: IncomingMessage, url: URL, params: Record<string, string>): Promise<RpcHttpResponse> {
  if (programmingModel === undefined) throw new Error('the app registered functions without a programming model');
  const body = await readBody(request);
  const headers = Object.fromEntries(
    Object.entries(request.headers).flatMap(([name, value]) =>
      value === undefined ? [] : [[name, Array.isArray(value) ? value.join(', ') : value]],
    ),
  );
  const invocationId = randomUUID();
  const model = programmingModel.getInvocationModel({
    invocationId,
    metadata: route.registration,
    state: 'invocation',
    log: coreApi.log,
    request: {
      triggerMetadata: {},
      inputData: [
        {
          name: triggerOf(route.registration).bindingName,
          data: {
            http: {
              method: request.method ?? 'GET',
              url: url.toString(),
              headers,
              query: Object.fromEntries(url.searchParams),
              params,
              body: { bytes: body },
            },
          },
        },
      ],
    },
  });
  const { context, inputs } = await model.getArguments();
  const result = await model.invokeFunction(context, inputs, route.callback);
  const response = await model.getResponse(context, result);
  return response.returnValue?.http ?? { statusCode: '204' };
}

async function serve(routePrefix: string, port: number, imported: readonly string[] | undefined): Promise<void> {
  const routes = httpRoutes();
  const answer = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const url = new URL(request.url ?? '/', `http://${request.headers.host ?? '127.0.0.1'}`);
    if (imported !== undefined && url.pathname === '/_worker/imports') {
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(imported));
      return;
    }
    const prefix = `/${routePrefix}/`;
    const path = url.pathname.startsWith(prefix) ? url.pathname.slice(prefix.length) : '';
    for (const route of routes) {
      const match = route.pattern.exec(path);
      if (match === null || !route.methods.includes(request.method ?? 'GET')) continue;
      const params = Object.fromEntries(route.names.map((name, i) => [name, decodeURIComponent(match[i + 1] ?? '')]));
      const http = await invoke(route, request, url, params);
      const body = http.body?.bytes ?? http.body?.string ?? '';
      response.writeHead(Number(http.statusCode ?? '200'), http.headers);
      response.end(body);
      return;
    }
    response.writeHead(404).end();
  };
  const server = createServer((request, response) => {
    answer(request, response).catch((error: unknown) => {
      console.error(error);
      if (!response.headersSent) response.writeHead(500);
      response.end();
    });
  });
  await new Promise<void>((listening) => server.listen(port, '127.0.0.1', listening));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no TCP address');
  console.log(JSON.stringify({ url: `http://127.0.0.1:${address.port}` }));
}

async function main(): Promise<void> {
  const [packageDir = '.', command = 'list', port = '0'] = process.argv.slice(2);
  const root = resolve(packageDir);
  const manifest = JSON.parse(await readFile(join(root, 'package.json'), 'utf8')) as { main?: string };
  const hostJson = JSON.parse(await readFile(join(root, 'host.json'), 'utf8')) as { extensions?: { http?: { routePrefix?: string } } };
  if (manifest.main === undefined) throw new Error(`${join(root, 'package.json')} has no "main": the Functions host would find no app`);
  provideCoreApi();
  const imported = process.env.FUNCTIONS_WORKER_TRACE_IMPORTS === '1' ? traceImports() : undefined;
  const started = performance.now();
  await import(pathToFileURL(join(root, manifest.main)).href);
  if (command === 'import-time') {
    console.log(JSON.stringify({ importMs: performance.now() - started }));
    return;
  }
  if (command === 'list') {
    console.log(JSON.stringify(registrations.map(({ registration }) => registration)));
    return;
  }
  await serve(hostJson.extensions?.http?.routePrefix ?? 'api', Number(port), imported);
}

await main();
