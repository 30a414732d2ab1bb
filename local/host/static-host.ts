import { existsSync, readFileSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, extname, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import type { HttpResponseInit } from '@azure/functions';

/** The part of staticwebapp.config.json the local host honours, the same file Static Web Apps reads. */
export interface StaticWebAppConfig {
  readonly navigationFallback: { readonly rewrite: string; readonly exclude: readonly string[] };
  readonly routes: readonly {
    readonly route: string;
    /** Serves this file instead (the join page at /j/{code}), as Static Web Apps' route rewrite does. */
    readonly rewrite?: string;
    readonly headers?: Readonly<Record<string, string>>;
  }[];
  readonly globalHeaders: Readonly<Record<string, string>>;
}

const contentTypes: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.map': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.webmanifest': 'application/manifest+json',
  '.txt': 'text/plain; charset=utf-8',
};

/** The repository root, from the source tree (local/host) or the build (dist/local/host). */
function repoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error('package.json not found above local/host');
    dir = parent;
  }
  return dir;
}

function safeDecode(path: string): string {
  try {
    return decodeURIComponent(path);
  } catch {
    return path;
  }
}

/** Where `npm run build` puts the web app (web/vite.config.ts). */
export const defaultWebRoot = (): string => join(repoRoot(), 'dist', 'web');

/** Static Web Apps route patterns: exact paths, or a trailing `*` for everything below. */
function matches(pattern: string, path: string): boolean {
  return pattern.endsWith('*') ? path.startsWith(pattern.slice(0, -1)) : path === pattern;
}

export interface StaticSite {
  /**
   * The answer for a path outside /api, or null when the method is not one a static site serves.
   * Text files go gzip-compressed when the request's Accept-Encoding allows, as Static Web Apps sends them.
   */
  serve(method: string, pathname: string, acceptEncoding?: string): Promise<HttpResponseInit | null>;
}

const compressible = /^(text\/|application\/(json|manifest\+json)|image\/svg)/;

export interface StaticSiteOptions {
  /**
   * Where the host stand uploads and shows pictures (the local Azurite's origin): added to the CSP's
   * connect-src and img-src, as scripts/write-web-config.sh adds the storage account's in Azure.
   */
  readonly imageOrigins?: readonly string[];
}

function withImageSources(site: StaticWebAppConfig, origins: readonly string[]): StaticWebAppConfig {
  const csp = site.globalHeaders['Content-Security-Policy'];
  if (origins.length === 0 || csp === undefined) return site;
  const opened = csp
    .split('; ')
    .map((directive) => (/^(connect|img)-src /.test(directive) ? `${directive} ${origins.join(' ')}` : directive))
    .join('; ');
  return { ...site, globalHeaders: { ...site.globalHeaders, 'Content-Security-Policy': opened } };
}

/**
 * The built SPA at `/`, as Static Web Apps serves it: files from dist/web with the headers of
 * staticwebapp.config.json (the CSP among them), index.html for any other path (the navigation
 * fallback), and `/config.json` written on the fly to point the app at this host's /api.
 */
export function staticSite(webRoot: string = defaultWebRoot(), options: StaticSiteOptions = {}): StaticSite {
  const configPath = join(webRoot, 'staticwebapp.config.json');
  let config: StaticWebAppConfig | undefined;
  const loadConfig = (): StaticWebAppConfig | undefined => {
    if (config === undefined && existsSync(configPath)) {
      config = withImageSources(JSON.parse(readFileSync(configPath, 'utf8')) as StaticWebAppConfig, options.imageOrigins ?? []);
    }
    return config;
  };
  const headersFor = (site: StaticWebAppConfig, path: string, file: string): Record<string, string> => {
    const headers: Record<string, string> = {
      ...site.globalHeaders,
      'content-type': contentTypes[extname(file)] ?? 'application/octet-stream',
    };
    for (const route of site.routes) if (matches(route.route, path)) Object.assign(headers, route.headers);
    return headers;
  };
  const gzipped = new Map<string, Buffer>();
  const compress = (file: string, body: Buffer): Buffer => {
    let packed = gzipped.get(file);
    if (packed === undefined) {
      packed = gzipSync(body);
      gzipped.set(file, packed);
    }
    return packed;
  };
  return {
    async serve(method, pathname, acceptEncoding = ''): Promise<HttpResponseInit | null> {
      if (method !== 'GET' && method !== 'HEAD') return null;
      const site = loadConfig();
      if (site === undefined)
        return {
          status: 404,
          headers: { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' },
          body: 'The web app is not built. Run `npm run build` (npm start does it), then reload.\n',
        };
      if (pathname === '/config.json')
        return {
          status: 200,
          headers: headersFor(site, pathname, 'config.json'),
          body: JSON.stringify({ apiBaseUrl: '/api' }),
        };
      const relative = normalize(safeDecode(pathname)).replace(/^([/\\])+/, '');
      const candidate = join(webRoot, relative);
      const inside = candidate.startsWith(webRoot + sep) && !relative.split(/[/\\]/).includes('..');
      const isFile = inside && existsSync(candidate) && statSync(candidate).isFile();
      const excluded = site.navigationFallback.exclude.some((pattern) => matches(pattern, pathname));
      if (!isFile && excluded)
        return { status: 404, headers: { ...site.globalHeaders, 'content-type': 'text/plain; charset=utf-8' }, body: 'Not found.\n' };
      const rewrite = site.routes.find((route) => route.rewrite !== undefined && matches(route.route, pathname))?.rewrite;
      const servedPath = isFile ? pathname : (rewrite ?? site.navigationFallback.rewrite);
      const file = isFile ? candidate : join(webRoot, servedPath);
      const body = await readFile(file);
      const headers = { ...headersFor(site, servedPath, file), ...(rewrite === undefined ? {} : headersFor(site, pathname, file)) };
      const gzip = compressible.test(headers['content-type'] ?? '') && /\bgzip\b/.test(acceptEncoding);
      if (gzip) Object.assign(headers, { 'content-encoding': 'gzip', vary: 'Accept-Encoding' });
      const sent = gzip ? compress(file, body) : body;
      return { status: 200, headers, body: method === 'HEAD' ? new Uint8Array() : sent };
    },
  };
}
