import { randomUUID } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { HttpHandler, HttpResponseInit } from '@azure/functions';
import type { ServicesProvider } from '../../src/application/services.js';
import type { HttpFunction } from '../../src/functions/catalog-types.js';
import { dispatch, methodNotAllowed, methodsOf } from '../../src/functions/http/dispatch.js';
import { clientAddressHeader, maxBodyBytes } from '../../src/functions/http/endpoint.js';
import { problemResponse, problemTypes } from '../../src/functions/http/problem.js';
import { closeServer, listenOnLoopback } from '../loopback.js';
import { isPreflight, preflightHeaders, responseCorsHeaders } from './cors.js';
import { describeError, HttpRequest, HttpResponse, invocationContext } from './invocation.js';
import { staticSite, type StaticSite } from './static-host.js';

/** A request to a host route, its body read. */
export interface HostRequest {
  readonly method: string;
  readonly url: URL;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
}

/**
 * A route the host serves outside the function catalog and the `api/` prefix: the runtime's own
 * webhooks (`/runtime/webhooks/eventgrid`) and developer pages (`/dev/sms`). Paths match
 * case-insensitively, as the Functions host's do.
 */
export interface HostRoute {
  readonly path: string;
  /** Also answers every path below `path` (`/api/dev/traces/{traceId}`); the handler reads the rest from the URL. */
  readonly andBelow?: boolean;
  readonly handle: (request: HostRequest) => HttpResponseInit | Promise<HttpResponseInit>;
}

interface CompiledRoute {
  readonly fn: HttpFunction;
  readonly pattern: RegExp;
  readonly names: readonly string[];
  readonly literalSegments: number;
}

/** Azure Functions route templates (`v1/things/{id}`) as regular expressions; literal routes win over parameters. */
function compile(fn: HttpFunction): CompiledRoute {
  const names: string[] = [];
  const segments = fn.route.split('/');
  const source = segments
    .map((segment) => {
      const param = /^\{(\w+)\}$/.exec(segment);
      if (param?.[1] !== undefined) {
        names.push(param[1]);
        return '([^/]+)';
      }
      return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    })
    .join('/');
  return { fn, pattern: new RegExp(`^${source}/?$`), names, literalSegments: segments.length - names.length };
}

/** A malformed %-escape stays as it is: the route's own validation then refuses it with a 400, as Azure does. */
function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

async function readRequestBody(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/**
 * The body, read up to just past `limit`: once more than `limit` bytes are declared or have arrived,
 * reading stops (`cut`), so a 40 MiB upload costs the host 64 KiB, not 40 MiB. The pipeline still
 * gives the answer (413, or the token endpoint's own error format): it sees a body over the limit.
 */
function readBoundedBody(request: IncomingMessage, limit: number): Promise<{ body: Buffer; cut: boolean }> {
  if (Number(request.headers['content-length'] ?? '0') > limit) return Promise.resolve({ body: Buffer.alloc(0), cut: true });
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer): void => {
      chunks.push(chunk);
      size += chunk.length;
      if (size <= limit) return;
      request.off('data', onData);
      request.pause();
      resolve({ body: Buffer.concat(chunks), cut: true });
    };
    request.on('data', onData);
    request.once('end', () => {
      resolve({ body: Buffer.concat(chunks), cut: false });
    });
    request.once('error', reject);
  });
}

/**
 * After a body cut short the rest is never read: the connection closes once the answer is out (a
 * grace second lets the client read it before the socket goes).
 */
function closeAfterAnswer(request: IncomingMessage, response: ServerResponse): void {
  response.once('finish', () => {
    setTimeout(() => request.socket.destroy(), 1_000).unref();
  });
}

/**
 * The Functions host runs on Kestrel, whose request headers limit (MaxRequestHeadersTotalSize) is
 * 32 KiB; node's default is 16 KiB. Past it the answer is a 431 problem, not node's empty one.
 */
export const maxHeaderBytes = 32 * 1024;

/** What node cannot parse never reaches a handler: answer on the socket, as problem+json where the cause is known. */
function answerClientError(error: NodeJS.ErrnoException, socket: Duplex): void {
  if (!socket.writable || error.code === 'ECONNRESET') {
    socket.destroy();
    return;
  }
  if (error.code !== 'HPE_HEADER_OVERFLOW') {
    socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
    return;
  }
  const correlationId = randomUUID();
  const problem = problemResponse('headers-too-large', {
    detail: `The request headers must be at most ${maxHeaderBytes} bytes in all.`,
    correlationId,
    extensions: { limit: maxHeaderBytes },
  });
  const body = JSON.stringify(problem.jsonBody);
  const headers = new Headers(problem.headers);
  headers.set('content-length', String(Buffer.byteLength(body)));
  headers.set('connection', 'close');
  const status = problemTypes['headers-too-large'].status;
  socket.end(`HTTP/1.1 ${status} Request Header Fields Too Large\r\n${[...headers].map(([n, v]) => `${n}: ${v}\r\n`).join('')}\r\n${body}`);
}

async function send(response: ServerResponse, init: HttpResponseInit): Promise<void> {
  const converted = new HttpResponse(init);
  const body = Buffer.from(await converted.arrayBuffer());
  // Set one by one rather than passed to writeHead, so the access log line can read them back (getHeader).
  converted.headers.forEach((value, name) => {
    response.setHeader(name, value);
  });
  response.writeHead(converted.status);
  response.end(body);
}

/** Answers a CORS preflight (true), or adds the CORS headers an actual response to this origin gets (false). */
function handleCors(request: IncomingMessage, response: ServerResponse, allowedOrigins: readonly string[]): boolean {
  if (isPreflight(request.method ?? 'GET', request.headers)) {
    response.writeHead(200, { ...preflightHeaders(request.headers, allowedOrigins), 'content-length': '0' });
    response.end();
    return true;
  }
  for (const [name, value] of Object.entries(responseCorsHeaders(request.headers, allowedOrigins))) response.setHeader(name, value);
  return false;
}

/**
 * The host's line for an API request, as JSON like the functions' lines: the route template, not the
 * path (a status link's path is its token), and the trace and correlation ids the answer carries.
 */
function accessLogLine(
  method: string,
  route: string,
  params: Readonly<Record<string, string>>,
  response: ServerResponse,
  started: number,
): string {
  const traceresponse = String(response.getHeader('traceresponse') ?? '').split('-');
  const correlationId = response.getHeader('x-correlation-id');
  const { restaurantId } = params;
  return JSON.stringify({
    level: 'info',
    message: `${method} ${route} → ${response.statusCode} (${(performance.now() - started).toFixed(1)} ms)`,
    ...(traceresponse.length === 4 ? { traceId: traceresponse[1], spanId: traceresponse[2] } : {}),
    ...(typeof correlationId === 'string' ? { correlationId } : {}),
    ...(restaurantId === undefined ? {} : { restaurantId }),
    source: 'local-host',
  });
}

function hostRouteMatches(route: HostRoute, pathname: string): boolean {
  const [path, asked] = [route.path.toLowerCase(), pathname.toLowerCase()];
  return asked === path || (route.andBelow === true && asked.startsWith(`${path}/`));
}

interface MatchedRoute {
  readonly route: CompiledRoute;
  readonly params: Record<string, string>;
}

function matchRoute(routes: readonly CompiledRoute[], path: string): MatchedRoute | undefined {
  for (const route of routes) {
    const match = route.pattern.exec(path);
    if (match !== null) return { route, params: Object.fromEntries(route.names.map((name, i) => [name, safeDecode(match[i + 1] ?? '')])) };
  }
  return undefined;
}

/** One invocation of a matched function, as the Functions host makes it: method, bounded body, HttpRequest, response. */
async function invoke(call: {
  readonly request: IncomingMessage;
  readonly response: ServerResponse;
  readonly url: URL;
  readonly invocationId: string;
  readonly matched: MatchedRoute;
  readonly handler: HttpHandler;
  readonly log: (line: string) => void;
}): Promise<void> {
  const { request, response, url, invocationId, matched, log } = call;
  const method = request.method ?? 'GET';
  if (!(methodsOf(matched.route.fn) as string[]).includes(method.toUpperCase())) {
    // Before the body and before HttpRequest: fetch's Request refuses TRACE, TRACK and CONNECT outright.
    await send(response, methodNotAllowed(matched.route.fn, method, { correlationId: invocationId, instance: url.pathname }));
    return;
  }
  const { body, cut } = await readBoundedBody(request, maxBodyBytes);
  if (cut) {
    response.setHeader('connection', 'close');
    closeAfterAnswer(request, response);
  }
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers))
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
  // As API Management does in Azure: the address is the connection's, whatever the client sent.
  headers[clientAddressHeader] = request.socket.remoteAddress ?? 'unknown';
  const httpRequest = new HttpRequest({
    method,
    url: url.toString(),
    headers,
    query: Object.fromEntries(url.searchParams),
    params: matched.params,
    ...(body.length > 0 ? { body: { bytes: body } } : {}),
  });
  const result = await call.handler(httpRequest, invocationContext({ invocationId, functionName: matched.route.fn.name, log }));
  await send(
    response,
    result instanceof HttpResponse
      ? { status: result.status, headers: result.headers, body: Buffer.from(await result.arrayBuffer()) }
      : result,
  );
}

export interface LocalHttpHost {
  readonly port: number;
  readonly baseUrl: string;
  close(): Promise<void>;
}

/**
 * Serves the function catalog the way the Functions host does: `api/` route prefix (host.json),
 * route parameters parsed from the template, the same HttpRequest/InvocationContext types.
 */
export async function startHttpHost(options: {
  readonly functions: readonly HttpFunction[];
  readonly services: ServicesProvider;
  readonly port: number;
  readonly routePrefix: string;
  readonly hostRoutes?: readonly HostRoute[];
  /** Origins answered with CORS on API routes (CORS_ALLOWED_ORIGINS; APIM does this in Azure). */
  readonly corsAllowedOrigins?: () => Promise<readonly string[]>;
  /** The staff SPA served at `/` outside the route prefix (default: the build in dist/web). */
  readonly webApp?: StaticSite;
  readonly log?: (line: string) => void;
}): Promise<LocalHttpHost> {
  const routes = options.functions.map(compile).sort((a, b) => b.literalSegments - a.literalSegments);
  const dispatchers = new Map(routes.map((r) => [r.fn, dispatch(r.fn, options.services)]));
  const log = options.log ?? (() => undefined);
  const webApp = options.webApp ?? staticSite();

  const server: Server = createServer({ maxHeaderSize: maxHeaderBytes }, (request, response) => {
    void (async () => {
      const started = performance.now();
      const url = new URL(request.url ?? '/', `http://${request.headers.host ?? '127.0.0.1'}`);
      const hostRoute = options.hostRoutes?.find((r) => hostRouteMatches(r, url.pathname));
      if (hostRoute !== undefined) {
        const body = await readRequestBody(request);
        await send(response, await hostRoute.handle({ method: request.method ?? 'GET', url, headers: request.headers, body }));
        log(`${request.method ?? 'GET'} ${url.pathname} → ${response.statusCode} (${(performance.now() - started).toFixed(1)} ms)`);
        return;
      }
      const prefix = `/${options.routePrefix}/`;
      const path = url.pathname.startsWith(prefix) ? url.pathname.slice(prefix.length) : null;
      const page = path === null ? await webApp.serve(request.method ?? 'GET', url.pathname, request.headers['accept-encoding']) : null;
      if (page !== null) {
        await send(response, page);
        return;
      }
      if (path !== null && handleCors(request, response, (await options.corsAllowedOrigins?.()) ?? [])) return;
      const invocationId = randomUUID();
      const matched = path === null ? undefined : matchRoute(routes, path);
      if (matched === undefined) {
        await send(
          response,
          problemResponse('not-found', {
            detail: `No API route matches ${url.pathname}.`,
            correlationId: invocationId,
            instance: url.pathname,
          }),
        );
        return;
      }
      const handler = dispatchers.get(matched.route.fn);
      if (handler === undefined) throw new Error('route without dispatcher');
      await invoke({ request, response, url, invocationId, matched, handler, log });
      log(accessLogLine(request.method ?? 'GET', `/${options.routePrefix}/${matched.route.fn.route}`, matched.params, response, started));
    })().catch((error: unknown) => {
      log(`local host failure: ${describeError(error)}`);
      if (response.headersSent) {
        response.end();
        return;
      }
      const correlationId = randomUUID();
      void send(
        response,
        problemResponse('internal', { detail: `The local host failed. Correlation id ${correlationId}.`, correlationId }),
      );
    });
  });
  server.on('clientError', answerClientError);
  server.keepAliveTimeout = 30_000;
  const port = await listenOnLoopback(server, options.port);
  return { port, baseUrl: `http://127.0.0.1:${port}`, close: () => closeServer(server) };
}
