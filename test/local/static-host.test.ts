import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { staticSite, type StaticWebAppConfig } from '../../local/host/static-host.js';

const swaConfigPath = fileURLToPath(new URL('../../web/staticwebapp.config.json', import.meta.url));

describe('the local host serving the web app as Static Web Apps does', () => {
  let webRoot = '';
  let swa: StaticWebAppConfig;
  beforeAll(async () => {
    webRoot = await mkdtemp(join(tmpdir(), 'waitlist-web-'));
    swa = JSON.parse(await readFile(swaConfigPath, 'utf8')) as StaticWebAppConfig;
    await mkdir(join(webRoot, 'assets'));
    await writeFile(join(webRoot, 'index.html'), '<!doctype html><title>app</title>');
    await writeFile(join(webRoot, 'join.html'), '<!doctype html><title>join</title>');
    await writeFile(join(webRoot, 'assets', 'index-abc123.js'), 'console.log(1)');
    await writeFile(join(webRoot, 'staticwebapp.config.json'), JSON.stringify(swa));
  });
  afterAll(async () => {
    await rm(webRoot, { recursive: true, force: true });
  });

  /** The body as text (the host answers files as bytes, generated answers as strings). */
  const textOf = (init: { body?: unknown } | null): string => {
    const body = init?.body;
    if (typeof body === 'string') return body;
    return body instanceof Uint8Array ? Buffer.from(body).toString('utf8') : '';
  };
  const headersOf = (init: { headers?: unknown } | null): Headers => new Headers(init?.headers as Record<string, string>);

  it('sends every global header of staticwebapp.config.json, the strict CSP among them', async () => {
    const page = await staticSite(webRoot).serve('GET', '/');
    const headers = headersOf(page);
    for (const [name, value] of Object.entries(swa.globalHeaders)) expect(headers.get(name), name).toBe(value);
    const csp = headers.get('content-security-policy') ?? '';
    expect(csp).toMatch(/script-src 'self'(;|$)/);
    expect(csp).toMatch(/connect-src 'self'(;|$)/);
    expect(csp).not.toContain('unsafe-inline');
  });

  it('answers unknown app paths with index.html (navigation fallback) and keeps it revalidated', async () => {
    const page = await staticSite(webRoot).serve('GET', '/restaurants/r1/waitlists/w1');
    expect(page?.status).toBe(200);
    expect(textOf(page)).toContain('<title>app</title>');
    expect(headersOf(page).get('content-type')).toBe('text/html; charset=utf-8');
    expect(headersOf(page).get('cache-control')).toBe('no-cache');
  });

  it('answers a join link, /j/{code}, with the join page (a route rewrite), kept revalidated', async () => {
    const page = await staticSite(webRoot).serve('GET', '/j/abcdefghjk');
    expect(page?.status).toBe(200);
    expect(textOf(page)).toContain('<title>join</title>');
    expect(headersOf(page).get('cache-control')).toBe('no-cache');
    expect(headersOf(page).get('content-security-policy')).toBe(swa.globalHeaders['Content-Security-Policy']);
  });

  it('serves hashed assets with a year of immutable cache, and a missing asset as 404 rather than the app', async () => {
    const site = staticSite(webRoot);
    const asset = await site.serve('GET', '/assets/index-abc123.js');
    expect(headersOf(asset).get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(headersOf(asset).get('content-type')).toBe('text/javascript; charset=utf-8');
    expect((await site.serve('GET', '/assets/gone.js'))?.status).toBe(404);
  });

  it('sends text gzip-compressed to a browser that takes it, as Static Web Apps does', async () => {
    const site = staticSite(webRoot);
    const packed = await site.serve('GET', '/assets/index-abc123.js', 'gzip, deflate, br');
    expect(headersOf(packed).get('content-encoding')).toBe('gzip');
    expect(headersOf(packed).get('vary')).toBe('Accept-Encoding');
    expect(gunzipSync(packed?.body as Uint8Array).toString('utf8')).toBe('console.log(1)');
    expect(headersOf(await site.serve('GET', '/assets/index-abc123.js')).get('content-encoding')).toBeNull();
  });

  it('writes /config.json pointing the app at this host, never cached', async () => {
    const config = await staticSite(webRoot).serve('GET', '/config.json');
    expect(JSON.parse(textOf(config))).toEqual({ apiBaseUrl: '/api' });
    expect(headersOf(config).get('cache-control')).toBe('no-store');
  });

  it('never reads outside the web root, and leaves other methods to the API host', async () => {
    const site = staticSite(webRoot);
    const escaped = await site.serve('GET', '/..%2f..%2fetc%2fpasswd');
    expect(textOf(escaped)).toContain('<title>app</title>');
    expect(await site.serve('POST', '/')).toBeNull();
  });

  it('says how to build the app when dist/web is missing', async () => {
    const page = await staticSite(join(webRoot, 'nothing-here')).serve('GET', '/');
    expect(page?.status).toBe(404);
    expect(textOf(page)).toContain('npm run build');
  });
});
