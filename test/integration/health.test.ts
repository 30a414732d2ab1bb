import { createServer, type Server, type Socket } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { startHttpHost, type LocalHttpHost } from '../../local/host/http-host.js';
import type { Services, ServicesProvider } from '../../src/application/services.js';
import { readinessTimeoutMs } from '../../src/application/health.js';
import { createServices } from '../../src/composition/services.js';
import { healthFunctions } from '../../src/functions/health.js';
import { loadOpenApi, OpenApiContract } from '../support/openapi.js';
import { expectProblem } from '../support/problems.js';
import { Api, useLocalStack, type ApiResponse } from '../support/stack.js';

const stack = useLocalStack();
const api = () => new Api(stack().apiUrl);

const contract = new OpenApiContract(loadOpenApi());

const opened: { close(): Promise<void> }[] = [];
afterAll(async () => {
  for (const thing of opened.reverse()) await thing.close();
});

/** A loopback port nothing listens on: connecting to it is refused at once. */
async function closedPort(): Promise<number> {
  const server = createServer();
  const port = await listen(server);
  await new Promise<void>((resolve) =>
    server.close(() => {
      resolve();
    }),
  );
  return port;
}

/** A port that accepts connections and never answers: a Cosmos DB account that hangs. */
async function silentPort(): Promise<number> {
  const sockets = new Set<Socket>();
  const server = createServer((socket) => sockets.add(socket));
  const port = await listen(server);
  opened.push({
    close: () => {
      for (const socket of sockets) socket.destroy();
      return new Promise<void>((resolve) =>
        server.close(() => {
          resolve();
        }),
      );
    },
  });
  return port;
}

function listen(server: Server): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      if (address === null || typeof address === 'string') reject(new Error('not listening on a TCP port'));
      else resolve(address.port);
    });
  });
}

/** The health function alone, served as the host serves it, over services the test chose. */
async function hostWith(services: ServicesProvider): Promise<Api> {
  const host: LocalHttpHost = await startHttpHost({ functions: healthFunctions, services, port: 0, routePrefix: 'api' });
  opened.push(host);
  return new Api(`${host.baseUrl}/api`);
}

/** The running stack's settings, with Cosmos DB at another address: everything else works. */
async function servicesWithCosmosAt(endpoint: string): Promise<Services> {
  const { config } = stack().services;
  const services = await createServices({ ...config, cosmos: { ...config.cosmos, endpoint } });
  opened.push(services);
  return services;
}

/** Nothing a caller could learn the system from: no address, port, error, stack, version or setting name. */
function expectNothingInternal(response: ApiResponse, ...secrets: string[]): void {
  contract.assertResponse('GET', '/health', response);
  const text = JSON.stringify(response.body);
  for (const secret of ['127.0.0.1', 'localhost', 'ECONNREFUSED', 'Error', '    at ', 'cosmos', 'COSMOS', 'version', ...secrets])
    expect(text, `the body reveals ${secret}`).not.toContain(secret);
  expect(response.headers.get('server')).toBeNull();
}

describe('GET /api/health', () => {
  it('answers 200 {status: "ok"} to liveness and readiness on the running stack', async () => {
    for (const path of ['/health', '/health?probe=ready', '/health?probe=live']) {
      const response = await api().get(path);
      expect(response.status, path).toBe(200);
      expect(response.body, path).toEqual({ status: 'ok' });
      expect(response.headers.get('cache-control'), path).toBe('no-store');
      expect(response.headers.get('x-correlation-id'), path).toBeTruthy();
      expectNothingInternal(response);
    }
  });

  it('refuses a probe it does not know with a 400 that says which ones exist', async () => {
    for (const path of ['/health?probe=deep', '/health?probe=live&probe=ready']) {
      const problem = expectProblem(await api().get(path), 400, 'validation-failed');
      expect(problem.detail).toContain('"live"');
      expect(problem.errors).toEqual([expect.objectContaining({ pointer: '/probe', where: 'query' })]);
    }
  });

  it('stays live, and is not ready, when Cosmos DB refuses connections; neither answer says where it is', async () => {
    const port = await closedPort();
    const health = await hostWith(() => servicesWithCosmosAt(`https://127.0.0.1:${port}/`));
    const live = await health.get('/health?probe=live');
    expect(live.status).toBe(200);
    expect(live.body).toEqual({ status: 'ok' });
    const started = performance.now();
    const ready = await health.get('/health');
    expect(performance.now() - started).toBeLessThan(readinessTimeoutMs + 1_000);
    const problem = expectProblem(ready, 503, 'unavailable');
    expect(problem.unavailable).toEqual(['storage']);
    expect(ready.headers.get('retry-after')).toBe('10');
    expectNothingInternal(live, String(port));
    expectNothingInternal(ready, String(port));
  });

  it('is not ready within its timeout when Cosmos DB accepts connections and never answers', async () => {
    const port = await silentPort();
    const health = await hostWith(() => servicesWithCosmosAt(`https://127.0.0.1:${port}/`));
    const started = performance.now();
    const ready = await health.get('/health?probe=ready');
    const elapsed = performance.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual(readinessTimeoutMs - 50);
    expect(elapsed).toBeLessThan(readinessTimeoutMs + 1_000);
    expect(expectProblem(ready, 503, 'unavailable').unavailable).toEqual(['storage']);
    expectNothingInternal(ready, String(port));
  });

  it('answers liveness without building the services, and names a broken setting only as "configuration"', async () => {
    let builds = 0;
    const health = await hostWith(() => {
      builds += 1;
      return Promise.reject(new Error('COSMOS_ENDPOINT is missing: set it to the account endpoint'));
    });
    expect((await health.get('/health?probe=live')).status).toBe(200);
    expect(builds).toBe(0);
    const ready = await health.get('/health');
    expect(builds).toBe(1);
    expect(expectProblem(ready, 503, 'unavailable').unavailable).toEqual(['configuration']);
    expectNothingInternal(ready, 'ENDPOINT', 'missing');
  });
});
