import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { settingsReference } from '../../src/config.js';

const read = (path: string) => readFile(new URL(`../../${path}`, import.meta.url), 'utf8');

describe('settings reference', () => {
  it('local.settings.example.json names every setting and nothing unknown to the config module', async () => {
    const example = JSON.parse(await read('local.settings.example.json')) as { Values: Record<string, string> };
    const hostSettings = ['FUNCTIONS_WORKER_RUNTIME', 'AzureWebJobsStorage'];
    const names = Object.keys(example.Values).filter((name) => !hostSettings.includes(name));
    expect(names.sort()).toEqual(settingsReference.map((s) => s.name).sort());
  });

  it('the README documents every setting', async () => {
    const readme = await read('README.md');
    const missing = settingsReference.filter((s) => !readme.includes(`\`${s.name}\``)).map((s) => s.name);
    expect(missing).toEqual([]);
  });
});
