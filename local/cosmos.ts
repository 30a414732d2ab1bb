import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { createHttpsServer } from '@vercel/cosmosdb-server';
import { makeEmulatorQueriesLinear } from './cosmos-query.js';
import { closeServer, listenOnLoopback } from './loopback.js';

export interface CosmosEmulator {
  readonly endpoint: string;
  /** Any key works with this emulator; it is only ever used against loopback. */
  readonly key: string;
  /** Every HTTP request the emulator has received (query plans included): what an operation costs in round trips. */
  readonly requests: RequestCounter;
  close(): Promise<void>;
}

export interface RequestCounter {
  /** Requests received since the emulator started. */
  readonly total: number;
  /**
   * The requests `run` caused, with what it returned, and each one described ("POST
   * /dbs/waitlist/colls/waitees/docs query"): what to look at when a count grows. Only meaningful
   * while nothing else talks to the emulator.
   */
  during<T>(run: () => Promise<T>): Promise<{ result: T; requests: number; described: string[] }>;
}

/** The header @azure/cosmos sets on the query-plan request it sends beside every item query. */
const queryPlanHeader = 'x-ms-cosmos-is-query-plan-request';

/**
 * The plan the SDK asks for: a single-range query with no ORDER BY, aggregate or DISTINCT work left
 * to the client. The SDK only reads it when the gateway refuses a query as needing client-side
 * work, which this emulator never does; answering it without running the query keeps every query
 * one query's work here (the server would otherwise run it twice and copy the container for each).
 */
const trivialQueryPlan = JSON.stringify({
  partitionedQueryExecutionInfoVersion: 2,
  queryInfo: {
    distinctType: 'None',
    top: null,
    offset: null,
    limit: null,
    orderBy: [],
    orderByExpressions: [],
    groupByExpressions: [],
    groupByAliases: [],
    aggregates: [],
    groupByAliasToAggregateType: {},
    rewrittenQuery: '',
    hasSelectValue: false,
    hasNonStreamingOrderBy: false,
  },
  queryRanges: [{ min: '', max: 'FF', isMinInclusive: true, isMaxInclusive: false }],
});

/** Descriptions kept for `during`: the last operations' worth, not the whole run's. */
const maxDescribed = 200;

function describe(request: IncomingMessage): string {
  const header = (name: string) => request.headers[name]?.toString().toLowerCase() === 'true';
  const kind = header(queryPlanHeader)
    ? ' query plan'
    : header('x-ms-documentdb-isquery')
      ? ' query'
      : header('x-ms-cosmos-is-batch-request')
        ? ' batch'
        : request.headers['x-ms-documentdb-is-upsert'] === 'True'
          ? ' upsert'
          : '';
  return `${request.method ?? '?'} ${(request.url ?? '').split('?')[0] ?? ''}${kind}`;
}

/**
 * The embedded Cosmos DB: @vercel/cosmosdb-server speaks the Cosmos REST protocol in-process, so
 * the real @azure/cosmos client runs unchanged. Started from code with keep-alive (its CLI closes
 * every connection, which makes each request several times slower). Data lives in memory. In
 * front of it: a request counter, and a cheap answer to query-plan requests; inside it, a query
 * engine made linear in the documents stored (local/cosmos-query.ts).
 */
export async function startCosmosEmulator(port = 0): Promise<CosmosEmulator> {
  makeEmulatorQueriesLinear();
  const server = createHttpsServer({ keepAlive: true });
  // The client's pooled sockets can sit idle past Node's 5 s default while others carry the load; a
  // request written to a socket the server is just closing fails with "socket hang up", which the SDK
  // does not retry for writes (the 1,000-text fault-injection run met it as a notify's 500).
  server.keepAliveTimeout = 10 * 60_000;
  const handlers = server.listeners('request') as RequestListener[];
  server.removeAllListeners('request');
  let total = 0;
  const recent: string[] = [];
  server.on('request', (request: IncomingMessage, response: ServerResponse) => {
    total += 1;
    recent.push(describe(request));
    if (recent.length > maxDescribed) recent.shift();
    if (request.headers[queryPlanHeader]?.toString().toLowerCase() === 'true') {
      request.resume();
      response.writeHead(200, { 'content-type': 'application/json', 'x-ms-request-charge': '0', connection: 'keep-alive' });
      response.end(trivialQueryPlan);
      return;
    }
    for (const handler of handlers) handler(request, response);
  });
  const actualPort = await listenOnLoopback(server, port);
  return {
    endpoint: `https://127.0.0.1:${actualPort}`,
    key: 'local-emulator-key',
    requests: {
      get total() {
        return total;
      },
      async during<T>(run: () => Promise<T>) {
        const before = total;
        const result = await run();
        const requests = total - before;
        return { result, requests, described: recent.slice(-Math.min(requests, maxDescribed)) };
      },
    },
    close: () => closeServer(server),
  };
}
