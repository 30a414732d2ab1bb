import { execFile } from 'node:child_process';
import { mkdirSync, readdirSync, rmdirSync, statSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import AxeBuilder from '@axe-core/playwright';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, expect } from 'vitest';
import { startLocalStack, type LocalStack, type LocalStackOptions } from '../../../local/stack.js';
import { leaksIn } from '../../support/log-scan.js';
import { Api } from '../../support/stack.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const webDist = join(root, 'dist', 'web');
/** What the web build reads: the app and the pure server code it imports. */
const webSources = [join(root, 'web'), join(root, 'src', 'domain'), join(root, 'openapi')];

/** Screenshots go outside the repository (WAITLIST_ARTIFACTS, default /tmp/waitlist-artifacts). */
export const artifactsDir = process.env.WAITLIST_ARTIFACTS ?? '/tmp/waitlist-artifacts';

export const viewports = {
  tablet: { width: 1024, height: 768 },
  phone: { width: 390, height: 844 },
} as const;

function newestMtime(path: string): number {
  const stat = statSync(path, { throwIfNoEntry: false });
  if (stat === undefined) return 0;
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(0, ...readdirSync(path).map((name) => newestMtime(join(path, name))));
}

const builtAt = (): number => statSync(join(webDist, 'index.html'), { throwIfNoEntry: false })?.mtimeMs ?? 0;
const upToDate = (): boolean => builtAt() >= Math.max(...webSources.map(newestMtime));

/**
 * Builds the web app when dist/web is missing or older than its sources. Test files run in
 * parallel processes: a lock directory (mkdir is atomic) lets one build while the others wait.
 */
export async function ensureWebBuilt(): Promise<void> {
  if (upToDate()) return;
  const lock = join(root, 'dist', '.web-build.lock');
  mkdirSync(join(root, 'dist'), { recursive: true });
  const deadline = Date.now() + 120_000;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      if (Date.now() > deadline) throw new Error(`web build lock ${lock} held for 2 min; remove it if no build is running`);
      await delay(250);
    }
  }
  try {
    if (!upToDate())
      await promisify(execFile)(
        process.execPath,
        [join(root, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--config', 'web/vite.config.ts', '--logLevel', 'warn'],
        // vitest sets NODE_ENV=test, which would make Vite build React's development bundle.
        { cwd: root, env: { ...process.env, NODE_ENV: 'production' } },
      );
  } finally {
    rmdirSync(lock);
  }
}

export interface BrowserStack {
  readonly stack: LocalStack;
  readonly browser: Browser;
  /** The API as the demo owner (signed in once per file). */
  readonly owner: Api;
  /** A fresh context (its own storage: another device) with one page at a viewport. */
  readonly newDevice: (viewport?: { width: number; height: number }) => Promise<{ context: BrowserContext; page: Page }>;
}

/**
 * What no log line of a browser run may hold, whatever the scenario typed (docs/observability.md,
 * Logs): a whole phone number (the logs mask them, "+1******0123"), a bearer token (a JWT), the
 * demo owner's password.
 */
function personalDataIn(lines: readonly string[], password: string): string[] {
  return leaksIn(lines, {
    'a whole phone number': /(?<![0-9A-Za-z*])\+[1-9]\d{7,14}(?![0-9])/,
    'a JWT': /eyJ[\w-]{10,}\.eyJ[\w-]{10,}\.[\w-]{10,}/,
    "the owner's password": password,
  });
}

/**
 * One local stack (port 0, seeded demo account) and one Chromium per test file; each scenario opens
 * its own contexts. Bounded: launching and the stack together must be up within the hook timeout.
 * Every line the stack logs is kept, and the file fails if any holds personal data or a secret.
 */
export function useBrowserStack(options: LocalStackOptions = {}): () => BrowserStack {
  let value: BrowserStack | undefined;
  const contexts: BrowserContext[] = [];
  const logged: string[] = [];
  beforeAll(async () => {
    await ensureWebBuilt();
    const stack = await startLocalStack({
      port: 0,
      passwordHashCost: 10,
      ...options,
      log: (line) => {
        logged.push(line);
        options.log?.(line);
      },
    });
    const browser = await chromium.launch({
      executablePath: process.env.CHROME_PATH ?? '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    });
    const demo = stack.demo;
    if (demo === null) throw new Error('the browser tests need the seeded demo account');
    const api = new Api(stack.apiUrl);
    const signedIn = await api.post<{ access_token: string }>('/v1/auth/token', {
      grant_type: 'password',
      email: demo.ownerEmail,
      password: demo.ownerPassword,
    });
    value = {
      stack,
      browser,
      owner: api.as(signedIn.body.access_token),
      newDevice: async (viewport = viewports.tablet) => {
        // Azurite's certificate is made per run (local/tls.ts); the host stand uploads to it and shows pictures from it.
        const context = await browser.newContext({ viewport, baseURL: stack.baseUrl, ignoreHTTPSErrors: true });
        contexts.push(context);
        context.setDefaultTimeout(10_000);
        const page = await context.newPage();
        // A script error in the app is a test failure's likeliest cause: show it with the test's output.
        page.on('pageerror', (error) => {
          console.error(`[browser] ${error.message}`);
        });
        page.on('console', (message) => {
          if (message.type() === 'error') console.error(`[browser console] ${message.text()}`);
        });
        return { context, page };
      },
    };
  });
  afterAll(async () => {
    for (const context of contexts) await context.close().catch(() => undefined);
    await value?.browser.close();
    await value?.stack.close();
    const password = value?.stack.demo?.ownerPassword;
    expect(logged.length, 'the stack logged the run').toBeGreaterThan(0);
    if (password !== undefined) expect(personalDataIn(logged, password), 'personal data or secrets in the log lines').toEqual([]);
  });
  return () => {
    if (value === undefined) throw new Error('browser stack not started');
    return value;
  };
}

/** Signs in through the sign-in page and waits for the screen after it. */
export async function signIn(page: Page, account: { email: string; password: string }): Promise<void> {
  await page.goto('/');
  await page.getByLabel('Email').fill(account.email);
  await page.getByLabel('Password').fill(account.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('button', { name: 'Sign out' }).waitFor();
}

/** axe on the page as it is: no serious or critical violation (each listed with its nodes when there is one). */
export async function expectAccessible(page: Page, screen: string): Promise<void> {
  const results = await new AxeBuilder({ page }).analyze();
  const severe = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  const report = severe.map((v) => `${v.impact ?? ''} ${v.id}: ${v.help} at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  expect(report, `axe on ${screen}`).toEqual([]);
}

/** A full-page screenshot in the artifacts folder; returns its path. */
export async function screenshot(page: Page, name: string): Promise<string> {
  await mkdir(artifactsDir, { recursive: true });
  const path = join(artifactsDir, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}
