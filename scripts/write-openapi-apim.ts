import { fileURLToPath } from 'node:url';
import { writeApimOpenApi } from './openapi-apim.js';

/**
 * `npm run openapi:apim`: writes openapi/openapi.apim.json (git-ignored), which infra/main.bicep
 * loads, from openapi/openapi.json. Run from dist after `npm run build`, like the other npm
 * scripts here: Node 20 cannot run TypeScript itself and the project has no TypeScript runner,
 * while tsc and a build are already what CI and deployments do.
 */
const source = fileURLToPath(new URL('../../openapi/openapi.json', import.meta.url));
const target = fileURLToPath(new URL('../../openapi/openapi.apim.json', import.meta.url));

await writeApimOpenApi(source, target);
console.log(`Wrote ${target} (OpenAPI 3.0.3 for API Management) from ${source}.`);
