import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { webJsSizes } from '../../../bench/web.js';
import { ensureWebBuilt } from './support.js';

const webRoot = join(fileURLToPath(new URL('../../../', import.meta.url)), 'dist', 'web');

/** The scripts a page loads before its first screen (its entry and modulepreloads), gzip-compressed, by file. */
function initialScripts(page: string): Map<string, number> {
  const html = readFileSync(join(webRoot, page), 'utf8');
  const files = new Set([...html.matchAll(/(?:src|href)="\/(assets\/[^"]+\.js)"/g)].map((m) => m[1] ?? ''));
  return new Map([...files].map((file) => [file, gzipSync(readFileSync(join(webRoot, file))).length]));
}

const kb = (bytes: number): string => `${(bytes / 1024).toFixed(1)} KB`;

describe('the web build', () => {
  it('loads at most 150 KB of JavaScript (gzip) before the first screen', async () => {
    await ensureWebBuilt();
    const sizes = webJsSizes(webRoot);
    expect(sizes.initial).toBeGreaterThan(10 * 1024);
    expect(sizes.initial).toBeLessThanOrEqual(150 * 1024);
  });

  it('gives the guest’s join page less than 90 KB of JavaScript (gzip) before its first screen, and none of the host stand', async () => {
    await ensureWebBuilt();
    const scripts = initialScripts('join.html');
    const total = [...scripts.values()].reduce((sum, size) => sum + size, 0);
    console.log(`join page: initial JS ${kb(total)} gzip (${[...scripts].map(([file, size]) => `${file} ${kb(size)}`).join(', ')})`);
    expect(total).toBeGreaterThan(10 * 1024);
    expect(total).toBeLessThan(90 * 1024);
    // The host stand's own entry is not among them (the shared chunk holds React and the typed client).
    const hostStand = initialScripts('index.html');
    const hostEntry = [...hostStand.keys()].find((file) => /assets\/main-/.test(file));
    expect(hostEntry).toBeDefined();
    expect([...scripts.keys()]).not.toContain(hostEntry);
  });
});
