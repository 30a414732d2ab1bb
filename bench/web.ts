import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import lighthouse from 'lighthouse';
import type { PuppeteerNode } from 'puppeteer-core';
import { startLocalStack } from '../local/stack.js';

/** Initial JavaScript, gzip: the issue's budget for the host stand. */
const initialJsBudgetBytes = 150 * 1024;

function repoRoot(): string {
  let dir = fileURLToPath(new URL('.', import.meta.url));
  while (!readdirSync(dir).includes('package.json')) dir = join(dir, '..');
  return dir;
}

/** The scripts index.html loads at once (entry and modulepreloads) and every script of the build, gzip-compressed. */
export function webJsSizes(webRoot: string): { initial: number; total: number } {
  const html = readFileSync(join(webRoot, 'index.html'), 'utf8');
  const initial = new Set([...html.matchAll(/(?:src|href)="\/(assets\/[^"]+\.js)"/g)].map((m) => m[1] ?? ''));
  const gz = (file: string): number => gzipSync(readFileSync(join(webRoot, file))).length;
  const all = readdirSync(join(webRoot, 'assets')).filter((f) => f.endsWith('.js'));
  return {
    initial: [...initial].reduce((sum, file) => sum + gz(file), 0),
    total: all.reduce((sum, file) => sum + gz(join('assets', file)), 0),
  };
}

/**
 * Lighthouse (mobile defaults: emulated phone, simulated slow 4G and CPU) on the host stand's line,
 * signed in as the demo owner with a line of ten parties. Lighthouse audits a Puppeteer page; the
 * puppeteer-core it depends on drives Debian's Chromium (CHROME_PATH), so the versions always match.
 */
export async function benchWeb(): Promise<void> {
  const webRoot = join(repoRoot(), 'dist', 'web');
  const sizes = webJsSizes(webRoot);
  const kb = (bytes: number): string => `${(bytes / 1024).toFixed(1)} KB`;
  console.log('Host stand (web app)');
  console.log(`  initial JS ${kb(sizes.initial)} gzip (budget ${kb(initialJsBudgetBytes)}), all JS ${kb(sizes.total)} gzip`);
  if (sizes.initial > initialJsBudgetBytes) process.exitCode = 1;

  const stack = await startLocalStack({ port: 0, timers: false });
  const { default: puppeteer } = (await import(createRequire(import.meta.resolve('lighthouse')).resolve('puppeteer-core'))) as {
    default: PuppeteerNode;
  };
  const browser = await puppeteer.launch({
    executablePath: process.env.CHROME_PATH ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
  try {
    const demo = stack.demo;
    if (demo === null) throw new Error('the bench needs the demo account');
    const token = (await (
      await fetch(`${stack.apiUrl}/v1/auth/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ grant_type: 'password', email: demo.ownerEmail, password: demo.ownerPassword }),
      })
    ).json()) as { access_token: string };
    for (let i = 1; i <= 10; i++)
      await fetch(`${stack.apiUrl}/v1/restaurants/${demo.restaurantId}/waitlists/${demo.waitlistId}/waitees`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token.access_token}` },
        body: JSON.stringify({
          name: `Party ${i}`,
          partySize: 1 + (i % 6),
          phone: '+14155550123',
          notes: i % 3 === 0 ? 'high chair' : undefined,
        }),
      });
    const page = await browser.newPage();
    await page.goto(`${stack.baseUrl}/`);
    await page.locator('input[type=email]').fill(demo.ownerEmail);
    await page.locator('input[type=password]').fill(demo.ownerPassword);
    await page.locator('button[type=submit]').click();
    await page.locator('ol.parties, button.choice').wait();
    const lineUrl = `${stack.baseUrl}/restaurants/${demo.restaurantId}/waitlists/${demo.waitlistId}`;
    // The session survives Lighthouse's reloads the way it survives a host's (the tab's sessionStorage),
    // so storage is kept; the HTTP cache is emptied, so the app's files are fetched as on a first visit.
    const cdp = await page.createCDPSession();
    await cdp.send('Network.clearBrowserCache');
    const result = await lighthouse(
      lineUrl,
      { onlyCategories: ['performance', 'accessibility'], disableStorageReset: true, logLevel: 'error' },
      undefined,
      page,
    );
    if (result === undefined) throw new Error('Lighthouse returned no result');
    const { lhr } = result;
    const score = (id: string): string => String(Math.round((lhr.categories[id]?.score ?? 0) * 100));
    const scripts = lhr.audits['resource-summary']?.details;
    const scriptBytes =
      scripts?.type === 'table' ? Number(scripts.items.find((item) => item.resourceType === 'script')?.transferSize ?? 0) : Number.NaN;
    console.log(`  Lighthouse on the line (${lhr.finalDisplayedUrl === lineUrl ? 'signed in' : `landed on ${lhr.finalDisplayedUrl}`}):`);
    console.log(`    performance ${score('performance')}, accessibility ${score('accessibility')}`);
    console.log(
      `    LCP ${lhr.audits['largest-contentful-paint']?.displayValue ?? '?'}, TBT ${lhr.audits['total-blocking-time']?.displayValue ?? '?'}, scripts transferred ${kb(scriptBytes)}`,
    );
  } finally {
    await browser.close();
    await stack.close();
  }
}
