import { createRequire } from 'node:module';
import { Agent } from 'node:https';
import { CosmosClient } from '@azure/cosmos';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCosmosEmulator, type CosmosEmulator } from '../../local/cosmos.js';

interface Query {
  readonly code: string;
}
type Execute = (documents: readonly unknown[], options: Record<string, unknown>) => { result: unknown[]; continuation: unknown };

// The engine the emulator loads, and its code generator as shipped, taken before the emulator starts and patches it.
const fromServer = createRequire(createRequire(import.meta.url).resolve('@vercel/cosmosdb-server'));
const engine = fromServer('@zeit/cosmosdb-query') as { default: (query: string) => Query };
const { default: execute } = fromServer('@zeit/cosmosdb-query/lib/executor') as { default: Execute };
const prototype = Reflect.getPrototypeOf(engine.default('SELECT * FROM c'));
const descriptor = prototype === null ? undefined : Reflect.getOwnPropertyDescriptor(prototype, 'code');
const shipped: unknown = descriptor === undefined ? undefined : Reflect.get(descriptor, 'get');

const documents = Array.from({ length: 60 }, (_, i) => ({
  id: `d${String(i)}`,
  _rid: `r${String(i).padStart(3, '0')}`,
  p: `p${String(i % 3)}`,
  n: (i * 7) % 11,
  ...(i % 4 === 0 ? {} : { optional: i }),
  tags: i % 5 === 0 ? [] : [i, i + 1],
}));

/** Query shapes the app uses (filters, projections, ORDER BY, TOP, VALUE, the conditional operator) and a JOIN. */
const queries = [
  'SELECT * FROM c WHERE c.p = "p1"',
  'SELECT c.id, c.optional FROM c WHERE c.n > 3 ORDER BY c.n DESC',
  'SELECT VALUE [c.id, c.optional] FROM c',
  'SELECT TOP 5 r.id FROM root r ORDER BY r.n',
  'SELECT c.id, (c.n = 2 ? c : null) AS whole FROM c WHERE c.p = "p2"',
  'SELECT VALUE COUNT(1) FROM c WHERE c.optional > 10',
  'SELECT c.id, t FROM c JOIN t IN c.tags WHERE t > 50',
];

describe('the embedded Cosmos DB query engine', () => {
  let emulator: CosmosEmulator;
  beforeAll(async () => {
    emulator = await startCosmosEmulator();
  });
  afterAll(async () => {
    await emulator.close();
  });

  it('lists a query’s documents in one pass once the emulator runs: no copy of the list per document', () => {
    for (const query of ['SELECT * FROM c WHERE c.x = 1', 'SELECT r.id FROM root r ORDER BY r.n']) {
      const { code } = engine.default(query);
      expect(code).toContain('$c.filter(');
      expect(code).not.toMatch(/\[\.\.\.\$, \{/);
    }
  });

  it('answers every query shape exactly as the engine as shipped does, page by page', () => {
    if (typeof shipped !== 'function') throw new Error('the engine has no code getter');
    for (const query of queries) {
      const compiled = engine.default(query);
      for (const maxItemCount of [undefined, 4]) {
        const run = (code: string) => execute(documents, { code, maxItemCount, parameters: [] });
        expect(run(compiled.code), query).toEqual(run(String(Reflect.apply(shipped, compiled, []))));
      }
    }
  });

  it('serves the real SDK: pages in order, fields left undefined dropped', async () => {
    const client = new CosmosClient({
      endpoint: emulator.endpoint,
      key: emulator.key,
      agent: new Agent({ keepAlive: true, rejectUnauthorized: false }),
    });
    const { database } = await client.databases.createIfNotExists({ id: 'engine' });
    const { container } = await database.containers.createIfNotExists({ id: 'docs', partitionKey: '/p' });
    for (const { _rid: _assignedByTheServer, ...document } of documents) await container.items.create(document);
    const { resources } = await container.items
      .query<{ id: string; optional?: number }>('SELECT c.id, c.optional FROM c WHERE c.p = "p1" ORDER BY c.n DESC', {
        partitionKey: 'p1',
        maxItemCount: 3,
      })
      .fetchAll();
    const stored = new Map(documents.map((d) => [d.id, d]));
    const expected = documents.filter((d) => d.p === 'p1').sort((a, b) => b.n - a.n);
    expect(resources.map((r) => stored.get(r.id)?.n)).toEqual(expected.map((d) => d.n));
    expect(new Set(resources.map((r) => r.id))).toEqual(new Set(expected.map((d) => d.id)));
    for (const r of resources) expect('optional' in r, r.id).toBe('optional' in (stored.get(r.id) ?? {}));
  });
});
