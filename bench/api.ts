import { startLocalStack } from '../local/stack.js';
import { demoOwner } from './owner.js';
import { fmt, percentile, throughput, timeEach } from './stats.js';

const partiesInLine = 50;
const pageSize = 50;
const sequentialRequests = 300;
const throughputRequests = 600;
const concurrency = 8;

/**
 * GET waitees through the local host (HTTP, JWT verification, authorization, positions and
 * estimates) against the bare SDK query for the same page on the same embedded Cosmos DB.
 */
export async function benchApi(): Promise<void> {
  const stack = await startLocalStack({ port: 0, passwordHashCost: 10 });
  try {
    const { headers, waiteesUrl: path, waitlistId } = await demoOwner(stack);
    for (let i = 0; i < partiesInLine; i++) {
      const added = await fetch(path, {
        method: 'POST',
        headers,
        body: JSON.stringify({ name: `Party ${i}`, partySize: 1 + (i % 6), phone: '+14155550123' }),
      });
      if (added.status !== 201) throw new Error(`seeding failed: ${added.status}`);
    }
    const viaApi = async () => {
      const response = await fetch(`${path}?limit=${pageSize}`, { headers });
      if (response.status !== 200) throw new Error(`GET waitees: ${response.status}`);
      await response.arrayBuffer();
    };
    const direct = () => stack.services.waitees.page(waitlistId, null, { limit: pageSize, continuationToken: null });

    await timeEach(30, viaApi);
    await timeEach(30, direct);
    const apiTimes = await timeEach(sequentialRequests, viaApi);
    const sdkTimes = await timeEach(sequentialRequests, direct);
    const apiRps = await throughput(throughputRequests, concurrency, viaApi);
    const sdkRps = await throughput(throughputRequests, concurrency, direct);

    const line = (label: string, times: number[], rps: number) =>
      `${label.padEnd(26)} p50 ${fmt(percentile(times, 50), 2).padStart(7)} ms   p99 ${fmt(percentile(times, 99), 2).padStart(7)} ms   ${fmt(rps, 0).padStart(6)} req/s`;
    console.log(
      `GET waitees (${partiesInLine} parties, page of ${pageSize}; ${sequentialRequests} sequential, ${throughputRequests} at concurrency ${concurrency})`,
    );
    console.log(line('  API via local host', apiTimes, apiRps));
    console.log(line('  direct SDK query', sdkTimes, sdkRps));
    console.log(
      `  ratio API/SDK            p50 ${fmt(percentile(apiTimes, 50) / percentile(sdkTimes, 50), 2)}x   p99 ${fmt(percentile(apiTimes, 99) / percentile(sdkTimes, 99), 2)}x   throughput ${fmt(apiRps / sdkRps, 2)}x`,
    );
  } finally {
    await stack.close();
  }
}
