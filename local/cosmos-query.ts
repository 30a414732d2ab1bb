import { createRequire } from 'node:module';

/**
 * The embedded Cosmos DB's query engine (@zeit/cosmosdb-query, inside @vercel/cosmosdb-server)
 * compiles each query to JavaScript that first lists the container's documents with
 * `reduce(($, c) => [...$, { c }], [])`, copying the list once per document, and strips `undefined`
 * from every array of the result the same way. Both are quadratic: a query over 10,000 stored
 * documents took 67 ms here, over 20,000 1.3 s, so local figures (and a sweep's query across
 * partitions) fell off a cliff as containers filled, for reasons Cosmos DB does not share. This makes
 * those two steps linear, leaving the rest of the engine (what matches, the order, the pages) as it is.
 * Local only: the product never loads it.
 */

interface QueryModule {
  readonly default: (query: string) => object;
}

interface HelpersModule {
  stripUndefined: (value: unknown) => unknown;
}

/** The generated listing of a single-source FROM: `$c.reduce(($, c) => typeof c !== "undefined" ? [...$, { c: c }] : $, [])`. */
const quadraticListing = /\$c\.reduce\(\(\$, (\w+)\) => typeof \1 !== "undefined" \? \[\.\.\.\$, \{\s*(\w+): \1\s*\}\] : \$, \[\]\)/g;

/** The same listing, in one pass. */
export function linearListing(code: string): string {
  return code.replace(quadraticListing, (_match, document: string, alias: string) => {
    return `$c.filter((${document}) => typeof ${document} !== "undefined").map((${document}) => ({ ${alias}: ${document} }))`;
  });
}

/** JSON's view of a result, as the engine's own stripUndefined gives it: `undefined` left out of arrays and objects. */
function stripUndefined(value: unknown): unknown {
  if (Array.isArray(value)) {
    const kept: unknown[] = [];
    for (const item of value as unknown[]) if (item !== undefined) kept.push(stripUndefined(item));
    return kept;
  }
  if (value !== null && typeof value === 'object') {
    const kept: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) if (item !== undefined) kept[key] = stripUndefined(item);
    return kept;
  }
  return value;
}

let installed = false;

/**
 * Patches the engine instance the emulator itself loads (resolved from @vercel/cosmosdb-server, not
 * from here, so a second copy cannot be the one patched). Throws when the engine no longer compiles
 * the listing this knows: an upgrade must then look again, not quietly fall back to the slow path.
 */
export function makeEmulatorQueriesLinear(): void {
  if (installed) return;
  const fromServer = createRequire(createRequire(import.meta.url).resolve('@vercel/cosmosdb-server'));
  const engine = fromServer('@zeit/cosmosdb-query') as QueryModule;
  const helpers = fromServer('@zeit/cosmosdb-query/lib/helpers') as HelpersModule;
  const prototype = Reflect.getPrototypeOf(engine.default('SELECT * FROM c'));
  const descriptor = prototype === null ? undefined : Reflect.getOwnPropertyDescriptor(prototype, 'code');
  const generated: unknown = descriptor === undefined ? undefined : Reflect.get(descriptor, 'get');
  if (prototype === null || typeof generated !== 'function') throw new Error('@zeit/cosmosdb-query: Query has no `code` getter any more');
  const shippedCode = (query: object) => String(Reflect.apply(generated, query, []));
  const probe = shippedCode(engine.default('SELECT * FROM c'));
  if (linearListing(probe) === probe) {
    throw new Error('@zeit/cosmosdb-query no longer compiles a query to the listing local/cosmos-query.ts rewrites');
  }
  const rewritten = new WeakMap<object, string>();
  Object.defineProperty(prototype, 'code', {
    configurable: true,
    get(this: object) {
      const known = rewritten.get(this);
      if (known !== undefined) return known;
      const code = linearListing(shippedCode(this));
      rewritten.set(this, code);
      return code;
    },
  });
  helpers.stripUndefined = stripUndefined;
  installed = true;
}
