import { Agent, request } from 'node:http';
import type { OperationInput } from '@azure/cosmos';
import { containersOf, createCosmosClient } from '../src/adapters/cosmos/client.js';
import { startLocalStack, type LocalStack } from '../local/stack.js';
import { countOperationCalls, partiesInLine as countedLine } from './calls.js';
import { demoOwner } from './owner.js';
import { fmt, median, percentile, throughput, timeEach } from './stats.js';

const partiesInLine = 50;
const pageSize = 50;
const sequentialRequests = 300;
const throughputRequests = 1000;
const concurrency = 8;
const throughputRounds = 5;

/** The signed-in caller's user id, from the access token's `sub`. */
function userIdOf(headers: Record<string, string>): string {
  const token = (headers.authorization ?? '').replace(/^Bearer /, '');
  const payload = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as { sub?: unknown };
  if (typeof payload.sub !== 'string') throw new Error('access token has no sub');
  return payload.sub;
}

/**
 * A GET through node's own HTTP client on keep-alive connections, its body read and dropped. The
 * client shares the bench's two cores with the host, the app and the emulator, so its cost counts
 * against the API's figure: undici's `fetch` (streams, promises and a Response per call) took
 * ~15 % of the CPU of an API run, more than the host's own HTTP layer. A browser on a phone pays
 * that, not the Functions host.
 */
function httpGetter(headers: Record<string, string>): (url: string) => Promise<void> {
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  return (url) =>
    new Promise((resolve, reject) => {
      request(url, { agent, headers }, (response) => {
        response.on('data', () => undefined);
        response.on('error', reject);
        response.on('end', () => {
          if (response.statusCode === 200) resolve();
          else reject(new Error(`GET waitees: ${String(response.statusCode)}`));
        });
      })
        .on('error', reject)
        .end();
    });
}

/**
 * The same Cosmos DB calls GET waitees makes (waitlist, restaurant and membership in one batch of
 * reads, as RestaurantStore.memberAndWaitlist sends it, then the page query), straight through the
 * SDK on a client of its own: the floor under the API.
 */
function sdkLoop(stack: LocalStack, ids: { restaurantId: string; waitlistId: string; userId: string }): () => Promise<void> {
  const { restaurants, waitees } = containersOf(
    createCosmosClient(stack.services.config.cosmos).database(stack.services.config.cosmos.database),
  );
  // Built per call: the SDK rewrites each operation's partition key in place.
  const reads = (): OperationInput[] =>
    [ids.waitlistId, ids.restaurantId, `member:${ids.userId}`].map((id) => ({ operationType: 'Read', id, partitionKey: ids.restaurantId }));
  const query = {
    query: 'SELECT * FROM c WHERE c.waitlistId = @waitlistId AND c.type = "waitee" ORDER BY c.joinedAt ASC',
    parameters: [{ name: '@waitlistId', value: ids.waitlistId }],
  };
  return async () => {
    const batch = await restaurants.items.batch(reads(), ids.restaurantId);
    if (batch.result?.some((r) => r.statusCode !== 200) !== false) throw new Error('SDK loop: the batch of reads failed');
    await waitees.items.query(query, { partitionKey: ids.waitlistId, maxItemCount: pageSize }).fetchNext();
  };
}

/**
 * GET waitees through the local host (HTTP, JWT verification, authorization, positions and
 * estimates) against an SDK loop making the same Cosmos DB calls and against the bare SDK query for
 * the same page, on the same embedded Cosmos DB at a fixed size: one waitlist of 50 parties (plus
 * the demo seed) in a fresh emulator. The Cosmos calls each makes are counted at the emulator.
 */
export async function benchApi(): Promise<void> {
  const stack = await startLocalStack({ port: 0, passwordHashCost: 10 });
  try {
    const demo = stack.demo;
    if (demo === null) throw new Error('demo data missing');
    const { headers, waiteesUrl: path, waitlistId } = await demoOwner(stack);
    for (let i = 0; i < partiesInLine; i++) {
      const added = await fetch(path, {
        method: 'POST',
        headers,
        body: JSON.stringify({ name: `Party ${i}`, partySize: 1 + (i % 6), phone: '+14155550123' }),
      });
      if (added.status !== 201) throw new Error(`seeding failed: ${added.status}`);
    }
    const get = httpGetter(headers);
    const viaApi = () => get(`${path}?limit=${pageSize}`);
    const sameCalls = sdkLoop(stack, { restaurantId: demo.restaurantId, waitlistId, userId: userIdOf(headers) });
    const direct = () => stack.services.waitees.page(waitlistId, null, { limit: pageSize, continuationToken: null });

    const runs: { label: string; run: () => Promise<unknown> }[] = [
      { label: 'API via local host', run: viaApi },
      { label: 'SDK loop, same calls', run: sameCalls },
      { label: 'bare SDK page query', run: direct },
    ];
    const measured: { label: string; calls: number; times: number[]; rps: number }[] = [];
    for (const { label, run } of runs) {
      await timeEach(30, run);
      const { requests } = await stack.cosmos.requests.during(run);
      measured.push({ label, calls: requests, times: await timeEach(sequentialRequests, run), rps: 0 });
    }
    // Interleaved rounds, the median of each: the machine's load drifts while the bench runs, and a
    // run measured in one quiet stretch against another in a busy one would say little.
    const rounds: number[][] = runs.map(() => []);
    for (let round = 0; round < throughputRounds; round++) {
      for (const [i, { run }] of runs.entries()) rounds[i]?.push(await throughput(throughputRequests / throughputRounds, concurrency, run));
    }
    for (const [i, entry] of measured.entries()) entry.rps = median(rounds[i] ?? []);

    console.log(
      `GET waitees (${partiesInLine} parties, page of ${pageSize}; ${sequentialRequests} sequential, ${throughputRequests} at concurrency ${concurrency} in ${throughputRounds} interleaved rounds, median)`,
    );
    for (const { label, calls, times, rps } of measured) {
      console.log(
        `  ${label.padEnd(24)} p50 ${fmt(percentile(times, 50), 2).padStart(7)} ms   p99 ${fmt(percentile(times, 99), 2).padStart(7)} ms   ${fmt(rps, 0).padStart(6)} req/s   ${String(calls)} Cosmos calls`,
      );
    }
    const [api, loop, bare] = measured;
    if (api === undefined || loop === undefined || bare === undefined) throw new Error('a run is missing');
    const ratio = (label: string, base: { times: number[]; rps: number }) => {
      console.log(
        `  ratio API/${label.padEnd(17)} p50 ${fmt(percentile(api.times, 50) / percentile(base.times, 50), 2)}x   throughput ${fmt(api.rps / base.rps, 2)}x (c=${String(concurrency)})`,
      );
    };
    ratio('SDK same calls', loop);
    ratio('bare SDK query', bare);
  } finally {
    await stack.close();
  }
  await benchCalls();
}

/** Cosmos DB requests per operation, before it answers, on a line of a fixed size (bench/calls.ts). */
async function benchCalls(): Promise<void> {
  const stack = await startLocalStack({ port: 0, passwordHashCost: 10, timers: false, queueTriggers: false });
  try {
    const calls = await countOperationCalls(stack);
    console.log(`Cosmos calls per operation (a line of ${String(countedLine)} parties; query plans counted)`);
    console.log(`  GET line (page holds the whole line)  ${String(calls.getLine)}`);
    console.log(`  GET line (waiting + notified, 100)    ${String(calls.getLineHostStand)}`);
    console.log(`  GET line (a page of 5)                ${String(calls.getLinePartOfLine)}`);
    console.log(`  add party                             ${String(calls.addParty)}`);
    console.log(`  notify (before answering)             ${String(calls.notify)}`);
    console.log(`  seat                                  ${String(calls.seat)}`);
    console.log(`  cancel                                ${String(calls.cancel)}`);
  } finally {
    await stack.close();
  }
}
