import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { webJsSizes } from '../../../bench/web.js';
import { ensureWebBuilt } from './support.js';

describe('the web build', () => {
  it('loads at most 150 KB of JavaScript (gzip) before the first screen', async () => {
    await ensureWebBuilt();
    const sizes = webJsSizes(join(fileURLToPath(new URL('../../../', import.meta.url)), 'dist', 'web'));
    expect(sizes.initial).toBeGreaterThan(10 * 1024);
    expect(sizes.initial).toBeLessThanOrEqual(150 * 1024);
  });
});
