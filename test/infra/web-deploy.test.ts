import { execFile } from 'node:child_process';
import { copyFile, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { repoRoot } from './arm.js';
import { jobText, readRepoFile } from './repo-files.js';

const script = join(repoRoot, 'scripts', 'write-web-config.sh');
const read = readRepoFile;

describe('the staff SPA deployment', () => {
  let dir = '';
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'waitlist-web-deploy-'));
    await copyFile(join(repoRoot, 'web', 'staticwebapp.config.json'), join(dir, 'staticwebapp.config.json'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('writes the runtime config and opens the CSP to the gateway only', async () => {
    await promisify(execFile)('bash', [script, dir, 'https://apim-w.azure-api.net/api/', 'key-123']);
    expect(JSON.parse(await readFile(join(dir, 'config.json'), 'utf8'))).toEqual({
      apiBaseUrl: 'https://apim-w.azure-api.net/api',
      subscriptionKey: 'key-123',
    });
    const swa = JSON.parse(await readFile(join(dir, 'staticwebapp.config.json'), 'utf8')) as { globalHeaders: Record<string, string> };
    const directives = (swa.globalHeaders['Content-Security-Policy'] ?? '').split('; ');
    expect(directives).toContain("connect-src 'self' https://apim-w.azure-api.net");
    expect(directives).toContain("script-src 'self'");
    expect(directives.filter((d) => d.includes('azure-api.net'))).toHaveLength(1);
  });

  it("opens connect-src and img-src to the pictures' storage account when it is given, and nothing else", async () => {
    await promisify(execFile)('bash', [
      script,
      dir,
      'https://apim-w.azure-api.net/api',
      'key-123',
      'https://stupabc.blob.core.windows.net/',
    ]);
    const swa = JSON.parse(await readFile(join(dir, 'staticwebapp.config.json'), 'utf8')) as { globalHeaders: Record<string, string> };
    const directives = (swa.globalHeaders['Content-Security-Policy'] ?? '').split('; ');
    expect(directives).toContain("connect-src 'self' https://apim-w.azure-api.net https://stupabc.blob.core.windows.net");
    expect(directives).toContain("img-src 'self' data: https://stupabc.blob.core.windows.net");
    expect(directives.filter((d) => d.includes('blob.core.windows.net'))).toHaveLength(2);
    await expect(
      promisify(execFile)('bash', [script, dir, 'https://apim-w.azure-api.net/api', 'k', 'http://stupabc.blob.core.windows.net']),
    ).rejects.toThrow(/must be https/);
  });

  it.each(['deploy-dev', 'deploy-prod'])("%s hands the uploads account's blob endpoint to the SPA's config", async (job) => {
    const steps = jobText(await read('.github/workflows/deploy.yml'), job);
    expect(steps).toContain('bash scripts/write-web-config.sh web-app "$API_GATEWAY_URL" "$key" "$UPLOADS_BLOB_ENDPOINT"');
    expect(steps).toContain('UPLOADS_BLOB_ENDPOINT: ${{ steps.infra.outputs.uploads_blob_endpoint }}');
    expect(await read('infra/main.bicep')).toMatch(/^output UPLOADS_BLOB_ENDPOINT string = uploads\.outputs\.blobEndpoint$/m);
  });

  it('refuses a gateway that is not https', async () => {
    await expect(promisify(execFile)('bash', [script, dir, 'http://apim-w.azure-api.net/api'])).rejects.toThrow(/must be https/);
  });

  it.each(['deploy-dev', 'deploy-prod'])('is uploaded by %s after the function code, with its config written first', async (job) => {
    const steps = jobText(await read('.github/workflows/deploy.yml'), job);
    const code = steps.indexOf('uses: Azure/functions-action@v1');
    const config = steps.indexOf('bash scripts/write-web-config.sh web-app');
    const upload = steps.indexOf('uses: Azure/static-web-apps-deploy@v1');
    expect(code).toBeGreaterThan(-1);
    expect(config).toBeGreaterThan(code);
    expect(upload).toBeGreaterThan(config);
    expect(steps.slice(upload)).toMatch(/app_location: web-app\s[\s\S]*skip_app_build: true/);
  });

  it('is built once, outside the function package', async () => {
    const build = jobText(await read('.github/workflows/deploy.yml'), 'build');
    expect(build).toMatch(/name: web-app\s+path: dist\/web/);
    // The function package is the app's bundle alone (test/package/bundle.test.ts checks its files).
    expect(build).toContain('run: npm run package');
    expect((await read('.funcignore')).split('\n')).toContain('dist/web');
  });

  it('is an azd service on Static Web Apps whose config is written before the upload', async () => {
    const azure = await read('azure.yaml');
    const web = azure.slice(azure.indexOf('\n  web:\n'));
    expect(web).toMatch(/host: staticwebapp\s+dist: dist\/web/);
    expect(web.slice(web.indexOf('predeploy:'))).toContain(
      'bash scripts/write-web-config.sh dist/web "$API_GATEWAY_URL" "$key" "$UPLOADS_BLOB_ENDPOINT"',
    );
  });
});
