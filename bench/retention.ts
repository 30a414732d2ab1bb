import { randomBytes, randomUUID } from 'node:crypto';
import type { Container, JSONObject, OperationInput } from '@azure/cosmos';
import { containersOf, createCosmosClient } from '../src/adapters/cosmos/client.js';
import { dueWorkDocument } from '../src/adapters/cosmos/due-work.js';
import { forgetDue } from '../src/application/retention.js';
import type { Waitee } from '../src/domain/model.js';
import { forgetWorkFrom } from '../src/domain/retention.js';
import { joinLine } from '../src/domain/waitee.js';
import { startLocalStack, type LocalStack } from '../local/stack.js';
import { fmt } from './stats.js';

const dayMs = 86_400_000;
/** Operations in one transactional batch: Cosmos DB's limit. */
const batchSize = 100;
/** Batches written side by side while filling the containers. */
const batchConcurrency = 4;

export interface Line {
  readonly restaurantId: string;
  readonly waitlistId: string;
}

async function createAll(container: Container, partitionKey: string, documents: readonly JSONObject[]): Promise<void> {
  const operations = documents.map((resourceBody): OperationInput => ({ operationType: 'Create', partitionKey, resourceBody }));
  const written = await container.items.batch(operations, partitionKey);
  const failed = written.result?.find((r) => r.statusCode !== 201);
  if (failed !== undefined || written.result?.length !== documents.length) {
    throw new Error(`storing finished parties failed: ${String(failed?.statusCode ?? written.code)}`);
  }
}

/**
 * Stores `count` parties that finished a minute ago, each with the removal of its personal data
 * planned (as the save that finished it plans it) `dueInMs` from now. Written straight through the
 * SDK, 100 documents to a transactional batch in the line's partition, a few batches at a time:
 * thousands of parties through the API would take many minutes on the emulator; these are the same documents.
 */
export async function storeFinished(stack: LocalStack, line: Line, count: number, dueInMs: number): Promise<void> {
  const { cosmos } = stack.services.config;
  const containers = containersOf(createCosmosClient(cosmos).database(cosmos.database));
  const endedAt = new Date(Date.now() - 60_000).toISOString();
  const plannedFrom = new Date(Date.now() + dueInMs - 30 * dayMs).toISOString();
  const batch = async (start: number) => {
    const parties = Array.from({ length: Math.min(batchSize, count - start) }, (_, i): Waitee => {
      const waiting = joinLine({
        id: randomUUID(),
        ...line,
        name: `Stored ${start + i}`,
        phone: '+14155550199',
        partySize: 2,
        notes: null,
        source: 'staff',
        customerId: null,
        statusToken: randomBytes(12).toString('base64url'),
        joinedAt: new Date(Date.now() - 3_600_000).toISOString(),
      });
      return { ...waiting, status: 'seated', seatedAt: endedAt, endedAt, updatedAt: endedAt };
    });
    await createAll(
      containers.waitees,
      line.waitlistId,
      parties.map((p) => ({ ...p, type: 'waitee' })),
    );
    await createAll(
      containers.waitees,
      line.waitlistId,
      parties.map((p) => dueWorkDocument(forgetWorkFrom(p, plannedFrom, 30, randomUUID()))),
    );
  };
  const starts = Array.from({ length: Math.ceil(count / batchSize) }, (_, i) => i * batchSize);
  for (let next = 0; next < starts.length; next += batchConcurrency) {
    await Promise.all(starts.slice(next, next + batchConcurrency).map(batch));
  }
}

export interface SweepCost {
  readonly forgotten: number;
  readonly requests: number;
  readonly ms: number;
}

/** One run of the retention timer, with the Cosmos DB requests it sent (query plans included) and how long it took. */
export async function sweepCost(stack: LocalStack): Promise<SweepCost> {
  const started = performance.now();
  const { result, requests } = await stack.cosmos.requests.during(() => forgetDue(stack.services, () => undefined));
  return { forgotten: result.forgotten, requests, ms: performance.now() - started };
}

/** Parties due in each measured sweep: the same at every size, so only what is stored differs. */
const duePerSweep = 10;
/**
 * Stored finished parties measured, up to a busy restaurant's 100,000 (the local emulator's query
 * engine is linear in the documents stored since local/cosmos-query.ts; it was O(n²) before).
 */
const sizes = [1_000, 10_000, 100_000];

/**
 * The retention sweep's cost growth: its Cosmos DB calls and time when 10 parties are due among
 * 1,000, 10,000 and 100,000 stored finished parties, each with its (not yet due) removal planned,
 * as a busy restaurant has. Without timers and queue triggers, so only the sweep talks to the
 * emulator while it is counted. The calls are what Azure bills by and stay the same; the emulator's
 * time grows with what is stored, as its query engine walks (and copies) the whole container for
 * every query, where Cosmos DB serves the due entries from the (type, dueAt) composite index and a
 * party's texts and join requests from the waitee id's: the time shows the emulator, the calls show
 * the design. The removals planned live in the waitees container beside the parties, so locally
 * each query walks twice the stored parties.
 */
export async function benchRetention(): Promise<void> {
  const stack = await startLocalStack({ port: 0, passwordHashCost: 10, timers: false, queueTriggers: false });
  try {
    const demo = stack.demo;
    if (demo === null) throw new Error('demo data missing');
    const line = { restaurantId: demo.restaurantId, waitlistId: demo.waitlistId };
    // Warm the client's caches, as a worker that has run before has them.
    await sweepCost(stack);
    console.log(`\nretention sweep, ${duePerSweep} parties due (Cosmos DB calls include query plans)`);
    let stored = 0;
    for (const size of sizes) {
      const filling = performance.now();
      await storeFinished(stack, line, size - stored - duePerSweep, 20 * dayMs);
      await storeFinished(stack, line, duePerSweep, -60_000);
      stored = size;
      const fillSeconds = (performance.now() - filling) / 1000;
      const cost = await sweepCost(stack);
      if (cost.forgotten !== duePerSweep) throw new Error(`the sweep forgot ${cost.forgotten} parties, not ${duePerSweep}`);
      console.log(
        `  among ${size.toLocaleString('en-US').padStart(7)} stored finished parties: ${String(cost.requests).padStart(3)} Cosmos DB calls, ` +
          `${fmt(cost.ms, 0).padStart(5)} ms   (stored through the SDK in ${fmt(fillSeconds, 0)} s)`,
      );
    }
    const idle = await sweepCost(stack);
    console.log(`  nothing due among ${stored.toLocaleString('en-US')}: ${idle.requests} Cosmos DB calls, ${fmt(idle.ms, 0)} ms`);
  } finally {
    await stack.close();
  }
}
