import { randomUUID } from 'node:crypto';
import type { JSONObject, OperationInput } from '@azure/cosmos';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { containersOf, createCosmosClient } from '../../src/adapters/cosmos/client.js';
import { forgetDue } from '../../src/application/retention.js';
import type { Waitee } from '../../src/domain/model.js';
import { forgetWorkFrom } from '../../src/domain/retention.js';
import { startLocalStack, type LocalStack } from '../../local/stack.js';
import { memoryLog } from '../support/notifications.js';
import { Api, newVenue, walkIn, type Venue } from '../support/stack.js';

/**
 * The retention sweep's cost follows the parties due, not the parties stored: the Cosmos DB
 * requests of a sweep that finds one party due are counted among 1,000 and then 10,000 stored
 * finished parties, each with its own (not yet due) removal planned, as a busy restaurant has.
 * Without timers and queue triggers, so only the sweep talks to the emulator while it is counted.
 */
describe('the retention sweep’s Cosmos DB calls', () => {
  let stack: LocalStack;
  beforeAll(async () => {
    stack = await startLocalStack({ port: 0, passwordHashCost: 10, timers: false, queueTriggers: false });
  });
  afterAll(async () => {
    await stack.close();
  });

  const day = 86_400_000;
  const batchSize = 100;

  /** Finished parties with their removal planned `dueInMs` from now, written 100 to a batch (one partition: the line's). */
  async function storeFinished(venue: Venue, count: number, dueInMs: number): Promise<void> {
    const containers = containersOf(createCosmosClient(stack.services.config.cosmos).database(stack.services.config.cosmos.database));
    const endedAt = new Date(Date.now() - 60_000).toISOString();
    for (let start = 0; start < count; start += batchSize) {
      const parties = Array.from({ length: Math.min(batchSize, count - start) }, (_, i): Waitee => {
        const party = walkIn(venue, { name: `Stored ${start + i}`, phone: '+14155550199' });
        return { ...party, status: 'seated', seatedAt: endedAt, endedAt, updatedAt: endedAt };
      });
      const create = (resourceBody: JSONObject): OperationInput => ({
        operationType: 'Create',
        partitionKey: venue.waitlistId,
        resourceBody,
      });
      const removals = parties.map((p) => forgetWorkFrom(p, new Date(Date.now() + dueInMs - 30 * day).toISOString(), 30, randomUUID()));
      for (const written of [
        await containers.waitees.items.batch(
          parties.map((p) => create({ ...p, type: 'waitee' })),
          venue.waitlistId,
        ),
        await containers.dueWork.items.batch(
          removals.map((r) => create({ ...r })),
          venue.waitlistId,
        ),
      ]) {
        expect(written.result?.every((r) => r.statusCode === 201)).toBe(true);
      }
    }
  }

  async function sweepCalls(): Promise<{ forgotten: number; requests: number }> {
    const { result, requests } = await stack.cosmos.requests.during(() => forgetDue(stack.services, memoryLog().log));
    return { forgotten: result.forgotten, requests };
  }

  it('makes as many calls for 1 party due among 10,000 stored as among 1,000', async () => {
    const venue = await newVenue(new Api(stack.apiUrl));
    // Warm the client's caches, as a worker that has run before has them.
    await sweepCalls();
    await storeFinished(venue, 999, 20 * day);
    await storeFinished(venue, 1, -60_000);
    const among1k = await sweepCalls();
    await storeFinished(venue, 9_000, 20 * day);
    await storeFinished(venue, 1, -60_000);
    const among10k = await sweepCalls();
    console.log(
      `retention sweep, 1 party due: ${among1k.requests} Cosmos DB calls among 1,000 stored finished parties, ${among10k.requests} among 10,000`,
    );
    expect(among1k.forgotten).toBe(1);
    expect(among10k.forgotten).toBe(1);
    expect(among10k.requests).toBe(among1k.requests);
    // A sweep with nothing due is its one query (and its plan).
    expect((await sweepCalls()).requests).toBeLessThanOrEqual(2);
  }, 300_000);
});
