import type { HttpFunction } from './catalog-types.js';
import { endpoint } from './http/endpoint.js';

/**
 * The contract, imported when it is first asked for: a fifth of the bundle's entry, which every
 * fresh worker would otherwise compile and build before its first request.
 */
const openApiDocument = async (): Promise<unknown> => (await import('../../openapi/openapi.json', { with: { type: 'json' } })).default;

export const openApiFunctions: readonly HttpFunction[] = [
  {
    kind: 'http',
    name: 'openapi',
    route: 'openapi.json',
    handlers: {
      GET: endpoint({
        auth: 'public',
        handle: async () => ({ status: 200, headers: { 'cache-control': 'public, max-age=300' }, body: await openApiDocument() }),
      }),
    },
  },
];
