import openApiDocument from '../../openapi/openapi.json' with { type: 'json' };
import type { HttpFunction } from './catalog-types.js';
import { endpoint } from './http/endpoint.js';

export { openApiDocument };

export const openApiFunctions: readonly HttpFunction[] = [
  {
    kind: 'http',
    name: 'openapi',
    route: 'openapi.json',
    handlers: {
      GET: endpoint({
        auth: 'public',
        handle: () => Promise.resolve({ status: 200, headers: { 'cache-control': 'public, max-age=300' }, body: openApiDocument }),
      }),
    },
  },
];
