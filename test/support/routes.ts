import { functions } from '../../src/functions/catalog.js';
import type { HttpFunction, HttpMethod } from '../../src/functions/catalog-types.js';
import { methodsOf } from '../../src/functions/http/dispatch.js';

/** One (route, method) pair of the function catalog, keyed `METHOD route` (e.g. `GET v1/me`). */
export interface CatalogRoute {
  readonly key: string;
  readonly name: string;
  readonly route: string;
  readonly method: HttpMethod;
  readonly params: readonly string[];
}

export const catalogRoutes: readonly CatalogRoute[] = functions
  .filter((f): f is HttpFunction => f.kind === 'http')
  .flatMap((fn) =>
    methodsOf(fn).map((method) => ({
      key: `${method} ${fn.route}`,
      name: fn.name,
      route: fn.route,
      method,
      params: [...fn.route.matchAll(/\{(\w+)\}/g)].map((m) => m[1] ?? ''),
    })),
  );

/** The path under /api for a route template with its parameters filled in (already URL-encoded values are kept). */
export function pathOf(route: string, params: Readonly<Record<string, string>>): string {
  return `/${route.replace(/\{(\w+)\}/g, (_, name: string) => {
    const value = params[name];
    if (value === undefined) throw new Error(`no value for {${name}} in ${route}`);
    return value;
  })}`;
}

/** The catalog keys a table of cases is missing, and the keys it has that the catalog does not. */
export function coverageGaps(covered: Iterable<string>): { missing: string[]; unknown: string[] } {
  const keys = new Set(covered);
  const catalog = new Set(catalogRoutes.map((r) => r.key));
  return { missing: [...catalog].filter((k) => !keys.has(k)), unknown: [...keys].filter((k) => !catalog.has(k)) };
}
