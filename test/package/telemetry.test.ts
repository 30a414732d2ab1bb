/**
 * The deployment package's telemetry (docs/observability.md): the bundle, started the way the
 * Functions worker starts it with an Application Insights connection string, runs the Azure Monitor
 * distro from its own chunks and its exporter delivers to a loopback ingestion stand-in what an
 * operator reads in Application Insights: the request, in the caller's trace, and the app's metrics.
 * The unbundled app's spans and metrics are tested with in-memory exporters (test/observability).
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoOwner } from '../../bench/owner.js';
import { startIdentityEndpoint } from '../../local/identity/endpoint.js';
import { startFunctionsWorker, type FunctionsWorkerProcess } from '../../scripts/functions-worker-process.js';
import { buildFunctionPackage, distroUnreachedOnly, leftOutMessage, repoRoot } from '../../scripts/package.js';
import { startAppInsightsIngestion, type AppInsightsIngestion, type Envelope } from '../support/app-insights-ingestion.js';
import { eventually } from '../support/notifications.js';
import { Api, useLocalStack } from '../support/stack.js';

const stack = useLocalStack();

let dir = '';
let ingestion: AppInsightsIngestion;
let worker: FunctionsWorkerProcess;
/** What beforeAll started, stopped in the reverse order (whatever it got to before a failure). */
const started: (() => Promise<void>)[] = [];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'waitlist-telemetry-'));
  started.push(() => rm(dir, { recursive: true, force: true }));
  const pkg = await buildFunctionPackage({ dir: join(dir, 'package'), zip: join(dir, 'function-app.zip') });
  const workerScript = join(dir, 'functions-worker.mjs');
  await build({
    absWorkingDir: repoRoot,
    entryPoints: ['scripts/functions-worker.ts'],
    outfile: workerScript,
    format: 'esm',
    platform: 'node',
    logLevel: 'warning',
  });
  ingestion = await startAppInsightsIngestion();
  started.push(() => ingestion.close());
  // The exporter signs in with the app's managed identity (src/composition/telemetry.ts), as in Azure.
  const identity = await startIdentityEndpoint({ log: () => undefined });
  started.push(() => identity.close());
  worker = await startFunctionsWorker({
    worker: workerScript,
    packageDir: pkg.dir,
    settings: {
      ...stack().appSettings,
      APPLICATIONINSIGHTS_CONNECTION_STRING: ingestion.connectionString,
      IDENTITY_ENDPOINT: identity.endpoint,
      IDENTITY_HEADER: identity.header,
      // Only the worker trusts the stand-in's certificate; the exporter sends its token over HTTPS alone.
      NODE_EXTRA_CA_CERTS: ingestion.caCertPath,
      // Read by the distro (60 s by default) and the span processor (5 s), so the test waits seconds, not a minute.
      OTEL_METRIC_EXPORT_INTERVAL: '1000',
      OTEL_BSP_SCHEDULE_DELAY: '200',
      // Statsbeat reports to Microsoft's own endpoints, which a loopback test cannot reach.
      APPLICATIONINSIGHTS_STATSBEAT_DISABLED: 'true',
    },
  });
  started.push(() => worker.stop());
}, 120_000);

afterAll(async () => {
  for (const stop of started.reverse()) await stop();
});

/** The line's route template, as the request's name carries it (src/functions/http/dispatch.ts). */
const lineRoute = '/v1/restaurants/{restaurantId}/waitlists/{waitlistId}/waitees';

const requestsOf = (envelopes: readonly Envelope[], traceId: string) =>
  envelopes.filter((envelope) => envelope.data?.baseType === 'RequestData' && envelope.tags?.['ai.operation.id'] === traceId);

interface MetricPoint {
  readonly name: string;
  readonly count?: number;
  readonly properties: Readonly<Record<string, string>>;
}

/** Each metric point of the metric envelopes, with its envelope's dimensions. */
const metricPointsIn = (envelopes: readonly Envelope[]): MetricPoint[] =>
  envelopes
    .filter((envelope) => envelope.data?.baseType === 'MetricData')
    .flatMap((envelope) => {
      const { metrics = [], properties = {} } = (envelope.data?.baseData ?? {}) as {
        metrics?: { name: string; count?: number }[];
        properties?: Record<string, string>;
      };
      return metrics.map((metric) => ({ ...metric, properties }));
    });

describe('the deployment package with an Application Insights connection string', () => {
  it('exports the request of a GET of the line, in the caller’s trace, with its route, result code and duration', async () => {
    const { token, waiteesPath: line } = await demoOwner(stack());
    const api = new Api(`${worker.url}/api`).as(token);
    // Telemetry starts beside the first invocations (src/index.ts): until the distro is registered, spans are no-ops.
    const traced = await eventually(
      async () => {
        const traceId = randomBytes(16).toString('hex');
        const parentId = randomBytes(8).toString('hex');
        const response = await api.get(line, { traceparent: `00-${traceId}-${parentId}-01` });
        expect(response.status).toBe(200);
        const requests = await eventually(
          () => requestsOf(ingestion.envelopes(), traceId),
          (found) => found.length > 0,
          3_000,
          100,
        );
        return { traceId, parentId, requests };
      },
      ({ requests }) => requests.length > 0,
      30_000,
      0,
    );
    expect(traced.requests).toHaveLength(1);
    const [request] = traced.requests;
    expect(request?.tags).toMatchObject({
      'ai.operation.id': traced.traceId,
      'ai.operation.parentId': traced.parentId,
      'ai.operation.name': `GET ${lineRoute}`,
    });
    expect(request?.data?.baseData).toMatchObject({ name: `GET ${lineRoute}`, responseCode: '200', success: true });
    expect(request?.data?.baseData?.duration).toMatch(/^\d{2}:\d{2}:\d{2}\.\d+$/);
    expect(ingestion.authorizations().every((authorization) => authorization?.startsWith('Bearer '))).toBe(true);
  });

  it('exports the app’s own metrics (src/application/metrics.ts) as metric envelopes, with their dimensions', async () => {
    const lineRequests = (points: readonly MetricPoint[]) =>
      points.filter((point) => point.name === 'http.server.request.duration' && point.properties['http.route'] === lineRoute);
    const points = await eventually(
      () => metricPointsIn(ingestion.envelopes()),
      (found) => lineRequests(found).length > 0,
      15_000,
      200,
    );
    const [point] = lineRequests(points);
    expect(point?.count).toBeGreaterThanOrEqual(1);
    expect(point?.properties).toMatchObject({ 'http.request.method': 'GET', 'http.response.status_code': '200' });
  });
});

describe('what the package leaves out of the Azure Monitor distro', () => {
  it('throws, naming scripts/package.ts, on a path of @opentelemetry/sdk-node the distro never takes', async () => {
    const bundled = join(dir, 'sdk-node.mjs');
    await build({
      absWorkingDir: repoRoot,
      stdin: { contents: "export { NodeSDK } from '@opentelemetry/sdk-node';", resolveDir: repoRoot },
      outfile: bundled,
      bundle: true,
      platform: 'node',
      format: 'esm',
      banner: { js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);" },
      plugins: [distroUnreachedOnly],
      logLevel: 'warning',
    });
    const { NodeSDK } = (await import(pathToFileURL(bundled).href)) as { NodeSDK: new (configuration: object) => unknown };
    // Without metric readers, sdk-node builds an OTLP metric exporter from the environment; the distro always passes its own reader.
    expect(() => new NodeSDK({})).toThrow(leftOutMessage('@opentelemetry/exporter-metrics-otlp-proto'));
  });
});
