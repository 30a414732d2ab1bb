import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storeFinished, sweepCost } from '../../bench/retention.js';
import { startLocalStack, type LocalStack } from '../../local/stack.js';
import { Api, newVenue } from '../support/stack.js';

/**
 * The retention sweep's cost follows the parties due, not the parties stored: the Cosmos DB
 * requests of a sweep that finds one party due are counted among 1,000 and then 10,000 stored
 * finished parties, each with its own (not yet due) removal planned, as a busy restaurant has
 * (written straight through the SDK, as `npm run bench` does: bench/retention.ts).
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

  it('makes as many calls for 1 party due among 10,000 stored as among 1,000', async () => {
    const venue = await newVenue(new Api(stack.apiUrl));
    // Warm the client's caches, as a worker that has run before has them.
    await sweepCost(stack);
    await storeFinished(stack, venue, 999, 20 * day);
    await storeFinished(stack, venue, 1, -60_000);
    const among1k = await sweepCost(stack);
    await storeFinished(stack, venue, 9_000, 20 * day);
    await storeFinished(stack, venue, 1, -60_000);
    const among10k = await sweepCost(stack);
    console.log(
      `retention sweep, 1 party due: ${among1k.requests} Cosmos DB calls among 1,000 stored finished parties, ${among10k.requests} among 10,000`,
    );
    expect(among1k.forgotten).toBe(1);
    expect(among10k.forgotten).toBe(1);
    expect(among10k.requests).toBe(among1k.requests);
    // A sweep with nothing due is its one query (and its plan).
    expect((await sweepCost(stack)).requests).toBeLessThanOrEqual(2);
  }, 300_000);
});
