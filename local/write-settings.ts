import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { generateSigningKeys } from './settings.js';

/**
 * `npm run settings:local`: writes local.settings.json for `func start` (Azure Functions Core
 * Tools) from the example, with a freshly generated signing key. Never overwrites an existing file.
 */
const target = new URL('../../local.settings.json', import.meta.url);
const example = new URL('../../local.settings.example.json', import.meta.url);

if (existsSync(target)) {
  console.log('local.settings.json exists already; delete it to generate a new one.');
} else {
  const settings = JSON.parse(await readFile(example, 'utf8')) as { Values: Record<string, string> };
  settings.Values.JWT_SIGNING_KEYS = await generateSigningKeys();
  await writeFile(target, `${JSON.stringify(settings, null, 2)}\n`, { mode: 0o600 });
  console.log('Wrote local.settings.json (git-ignored). Point COSMOS_ENDPOINT at a Cosmos DB you can reach, then run `func start`.');
}
