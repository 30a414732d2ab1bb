/**
 * A loopback stand-in for Application Insights ingestion (Breeze): it takes the Azure Monitor
 * exporter's POSTs of `/v2.1/track` over HTTPS (the exporter sends its Bearer token over nothing
 * else), gunzips them when the exporter compressed them, keeps every envelope and accepts them all.
 * Anything else (Live Metrics' pings) gets a 200 with no body and is not kept.
 *
 * Test support only: the local stack has no Application Insights; the unbundled app's telemetry is
 * tested with in-memory exporters (test/observability).
 */
import { createServer } from 'node:https';
import type { IncomingMessage } from 'node:http';
import { promisify } from 'node:util';
import { gunzip } from 'node:zlib';
import { closeServer, listenOnLoopback } from '../../local/loopback.js';
import { createLocalTls } from '../../local/tls.js';

/** One telemetry item as the exporter serialises it (the Breeze schema's TelemetryItem, the fields tests read). */
export interface Envelope {
  readonly name: string;
  readonly time: string;
  readonly iKey?: string;
  readonly tags?: Readonly<Record<string, string>>;
  readonly data?: { readonly baseType?: string; readonly baseData?: Readonly<Record<string, unknown>> };
}

export interface AppInsightsIngestion {
  /** APPLICATIONINSIGHTS_CONNECTION_STRING for an app that should send here. */
  readonly connectionString: string;
  /** NODE_EXTRA_CA_CERTS for the app's process: the CA that signed this server's certificate. */
  readonly caCertPath: string;
  /** Every envelope received so far, in arrival order. */
  envelopes(): readonly Envelope[];
  /** The Authorization header of each track request, in arrival order. */
  authorizations(): readonly (string | undefined)[];
  close(): Promise<void>;
}

async function bodyOf(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  const raw = Buffer.concat(chunks);
  return (request.headers['content-encoding'] === 'gzip' ? await promisify(gunzip)(raw) : raw).toString('utf8');
}

/** Breeze takes a JSON array or newline-delimited JSON. */
function envelopesIn(body: string): Envelope[] {
  const trimmed = body.trim();
  if (trimmed.startsWith('[')) return JSON.parse(trimmed) as Envelope[];
  return trimmed
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as Envelope);
}

export async function startAppInsightsIngestion(): Promise<AppInsightsIngestion> {
  const tls = await createLocalTls();
  const received: Envelope[] = [];
  const authorizations: (string | undefined)[] = [];
  const server = createServer({ key: tls.key, cert: tls.cert }, (request, response) => {
    const track = request.method === 'POST' && new URL(request.url ?? '/', 'https://127.0.0.1').pathname === '/v2.1/track';
    if (!track) {
      request.resume();
      response.writeHead(200).end();
      return;
    }
    bodyOf(request)
      .then((body) => {
        const envelopes = envelopesIn(body);
        received.push(...envelopes);
        authorizations.push(request.headers.authorization);
        response
          .writeHead(200, { 'content-type': 'application/json' })
          .end(JSON.stringify({ itemsReceived: envelopes.length, itemsAccepted: envelopes.length, errors: [] }));
      })
      .catch((error: unknown) => {
        response.writeHead(400, { 'content-type': 'text/plain' }).end(String(error));
      });
  });
  const origin = `https://127.0.0.1:${String(await listenOnLoopback(server, 0))}/`;
  return {
    connectionString: `InstrumentationKey=00000000-0000-4000-a000-0000000000a1;IngestionEndpoint=${origin};LiveEndpoint=${origin}`,
    caCertPath: tls.caCertPath,
    envelopes: () => [...received],
    authorizations: () => [...authorizations],
    close: async () => {
      await closeServer(server);
      await tls.dispose();
    },
  };
}
