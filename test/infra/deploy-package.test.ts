/**
 * Both ways the function app reaches Azure ship the bundle `npm run package` makes (docs/deploy.md,
 * The deployment package), never the repository with its node_modules, and have Flex Consumption's
 * remote build install sharp: deploy.yml uploads the zip, azd zips the bundle's directory (azure.yaml
 * `dist`; azd itself runs only the `build` script, so a `prepackage` hook makes the bundle).
 */
import { describe, expect, it } from 'vitest';
import { packageDir, packageZip } from '../../scripts/package.js';
import { jobText, readRepoFile } from './repo-files.js';

const read = readRepoFile;

/** A service's block in azure.yaml. */
function serviceText(azure: string, service: string): string {
  const services = azure.slice(azure.indexOf('\nservices:\n'));
  const start = services.indexOf(`\n  ${service}:\n`);
  expect(start, `service ${service}`).toBeGreaterThan(-1);
  const next = services.slice(start + 1).search(/\n( {2}\w[\w-]*:|\w[\w-]*:)/);
  return next === -1 ? services.slice(start) : services.slice(start, start + 1 + next);
}

describe('the function app deployment', () => {
  it('builds its package with the package script, which writes the bundle', async () => {
    const manifest = JSON.parse(await read('package.json')) as { scripts: Record<string, string> };
    expect(manifest.scripts.package).toMatch(/node dist\/scripts\/package\.js$/);
  });

  it('in deploy.yml, uploads the zip of the bundle and nothing else as the function app', async () => {
    const workflow = await read('.github/workflows/deploy.yml');
    const build = jobText(workflow, 'build');
    expect(build).toMatch(/run: npm run package\n/);
    const upload = /- uses: actions\/upload-artifact@v4\n\s+with:\n\s+name: function-app\n\s+path: (\S+)\n/.exec(build);
    expect(upload?.[1]).toBe(packageZip);
    // No second packaging of the repository (node_modules, dist/*) anywhere in the workflow.
    expect(workflow).not.toMatch(/\bzip -|npm prune/);
    for (const job of ['deploy-dev', 'deploy-prod']) {
      const deploy = jobText(workflow, job);
      expect(deploy).toMatch(/name: function-app\n/);
      expect(deploy).toMatch(/uses: Azure\/functions-action@v1\n\s+with:\n(?:\s+[\w-]+: .*\n)*?\s+package: function-app\.zip\n/);
      // functions-action: on Flex, `remote-build` (not scm-do-build-during-deployment / enable-oryx-build).
      const inputs = /uses: Azure\/functions-action@v1\n\s+with:\n((?:\s+[\w-]+: .*\n)*)/.exec(deploy)?.[1] ?? '';
      expect(inputs).toMatch(/\n\s+sku: flexconsumption\n/);
      expect(inputs).toMatch(/\n\s+remote-build: true\n/);
      expect(inputs).not.toMatch(/scm-do-build-during-deployment|enable-oryx-build/);
    }
  });

  it("in azure.yaml, ships the bundle's directory as the api service", async () => {
    const api = serviceText(await read('azure.yaml'), 'api');
    expect(api).toMatch(/\n\s+host: function\n/);
    expect(/\n\s+dist: (\S+)\n/.exec(api)?.[1]).toBe(packageDir);
  });

  it('in azure.yaml, makes the bundle before azd zips it, and has the platform install its dependencies', async () => {
    const api = serviceText(await read('azure.yaml'), 'api');
    expect(api).toMatch(/\n\s+remoteBuild: true\n/);
    expect(api).toMatch(/\n\s+hooks:\n\s+prepackage:\n\s+posix:\n(?:\s+[\w]+: .*\n)*?\s+run: npm run package\n/);
    // azd refuses remoteBuild: true unless the project root's .funcignore leaves node_modules out.
    expect((await read('.funcignore')).split('\n')).toContain('node_modules');
  });

  it('keeps the bundle out of what Core Tools publishes from the repository root', async () => {
    const ignored = (await read('.funcignore')).split('\n');
    expect(ignored).toEqual(expect.arrayContaining([packageDir, packageZip]));
  });
});
