/**
 * scripts/seed-signing-keys.sh decides whether the first deployment ends with an app that can sign
 * tokens. It runs here against a stand-in `az` on PATH that keeps a vault and the app's Key Vault
 * reference status in files, and logs every call, so each promise of the script is checked: a key is
 * made only when none exists, never overwritten, and the run ends only once App Service resolves
 * the reference (or fails saying why).
 */
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { repoRoot, run, type RunResult } from './arm.js';

// Key Vault answers "Forbidden" for the first $DENIALS reads (RBAC still propagating); the
// reference resolves once the secret exists and $UNRESOLVED_REFRESHES refreshes have gone by.
const fakeAz = `#!/usr/bin/env bash
state="$FAKE_AZ_STATE"
echo "$*" >>"$state/calls"
case "$1 $2 $3" in
  "keyvault secret show")
    if [[ -f "$state/secret" ]]; then exit 0; fi
    denied=$(cat "$state/denied" 2>/dev/null || echo 0)
    if (( denied < \${DENIALS:-0} )); then echo $((denied + 1)) >"$state/denied"; echo "ERROR: (Forbidden) Caller is not authorized" >&2; exit 1; fi
    echo "ERROR: (SecretNotFound) A secret with (name/id) jwt-signing-keys was not found in this key vault." >&2; exit 1 ;;
  "keyvault secret set")
    while [[ $# -gt 0 ]]; do if [[ "$1" == --file ]]; then cp "$2" "$state/secret"; fi; shift; done ;;
  "account show --query") echo 00000000-0000-0000-0000-000000000001 ;;
  "rest --method post") echo $(( $(cat "$state/refreshes" 2>/dev/null || echo 0) + 1 )) >"$state/refreshes" ;;
  "rest --method get")
    refreshes=$(cat "$state/refreshes" 2>/dev/null || echo 0)
    if [[ -f "$state/secret" ]] && (( refreshes > \${UNRESOLVED_REFRESHES:-0} )); then printf 'Resolved\\nNone\\n'; else printf 'SecretNotFound\\nThe secret was not found.\\n'; fi ;;
  *) echo "fake az: unexpected call: $*" >&2; exit 2 ;;
esac
`;

let work: string;

beforeEach(async () => {
  work = await mkdtemp(join(tmpdir(), 'waitlist-seed-'));
  await writeFile(join(work, 'az'), fakeAz);
  await chmod(join(work, 'az'), 0o755);
});

afterEach(async () => {
  await rm(work, { recursive: true, force: true });
});

function seed(env: Record<string, string> = {}): Promise<RunResult> {
  return run('bash', [join(repoRoot, 'scripts', 'seed-signing-keys.sh')], {
    env: {
      ...process.env,
      PATH: `${work}:${process.env.PATH ?? ''}`,
      FAKE_AZ_STATE: work,
      AZURE_KEY_VAULT_NAME: 'kv-test',
      AZURE_RESOURCE_GROUP: 'rg-test',
      FUNCTION_APP_NAME: 'func-test',
      SEED_WAIT_SECONDS: '0',
      SEED_ATTEMPTS: '5',
      ...env,
    },
  });
}

const calls = async (): Promise<string[]> => (await readFile(join(work, 'calls'), 'utf8')).trim().split('\n');

describe('seed-signing-keys.sh', () => {
  it('creates one ES256 key when the vault has none, then waits for the app to resolve it', async () => {
    const result = await seed({ DENIALS: '2', UNRESOLVED_REFRESHES: '1' });
    expect(result.code, result.output).toBe(0);
    const keys = JSON.parse(await readFile(join(work, 'secret'), 'utf8')) as Record<string, string>[];
    expect(keys).toHaveLength(1);
    expect(keys[0]).toMatchObject({ kty: 'EC', crv: 'P-256', alg: 'ES256', use: 'sig' });
    expect(keys[0]?.d).toMatch(/^[\w-]{43}$/);
    expect(keys[0]?.kid).toMatch(/^[0-9a-f-]{36}$/);
    const log = await calls();
    const set = log.findIndex((call) => call.startsWith('keyvault secret set'));
    const refresh = log.findIndex((call) => call.includes('/config/configreferences/appsettings/refresh?api-version='));
    expect(set).toBeGreaterThan(-1);
    expect(refresh).toBeGreaterThan(set);
    expect(log.filter((call) => call.startsWith('rest --method post'))).toHaveLength(2);
    expect(
      log.some((call) =>
        call.includes(
          '/resourceGroups/rg-test/providers/Microsoft.Web/sites/func-test/config/configreferences/appsettings/JWT_SIGNING_KEYS',
        ),
      ),
    ).toBe(true);
    expect(result.output).toContain('JWT_SIGNING_KEYS resolves from Key Vault on func-test');
    expect(result.output).not.toContain(keys[0]?.d);
  });

  it('never replaces a key the vault already holds, and still refreshes the reference', async () => {
    await writeFile(join(work, 'secret'), '[{"kid":"existing"}]');
    const result = await seed();
    expect(result.code, result.output).toBe(0);
    expect(await readFile(join(work, 'secret'), 'utf8')).toBe('[{"kid":"existing"}]');
    const log = await calls();
    expect(log.some((call) => call.startsWith('keyvault secret set'))).toBe(false);
    expect(log.some((call) => call.startsWith('rest --method post'))).toBe(true);
  });

  it('fails, naming the setting and where to read on, when the reference never resolves', async () => {
    const result = await seed({ UNRESOLVED_REFRESHES: '99' });
    expect(result.code).not.toBe(0);
    expect(result.output).toContain('func-test still cannot resolve JWT_SIGNING_KEYS');
    expect(result.output).toContain('docs/deploy.md');
    expect((await calls()).filter((call) => call.startsWith('rest --method post'))).toHaveLength(5);
  });

  it('fails before calling Azure when an output of main.bicep is missing', async () => {
    const result = await seed({ FUNCTION_APP_NAME: '' });
    expect(result.code).not.toBe(0);
    expect(result.output).toContain('FUNCTION_APP_NAME is not set');
  });
});

describe('every first deployment runs it between the infrastructure and the code', () => {
  it('in azd: after provisioning, before any service is deployed', async () => {
    const azure = await readFile(join(repoRoot, 'azure.yaml'), 'utf8');
    expect(azure).toMatch(/\n {2}postprovision:\n(?: {4,}.*\n)*? {6}run: bash scripts\/seed-signing-keys\.sh\n/);
  });

  it('in deploy.yml: in every job that deploys main.bicep, after it and before the function app', async () => {
    const workflow = await readFile(join(repoRoot, '.github', 'workflows', 'deploy.yml'), 'utf8');
    const jobs = workflow.split(/\n(?= {2}[\w-]+:\n)/).filter((job) => job.includes('az deployment sub create'));
    expect(jobs.length).toBeGreaterThanOrEqual(2);
    for (const job of jobs) {
      const infrastructure = job.indexOf('az deployment sub create');
      const keys = job.indexOf('run: bash scripts/seed-signing-keys.sh');
      const code = job.indexOf('uses: Azure/functions-action@');
      expect(keys, job.slice(0, 40)).toBeGreaterThan(infrastructure);
      expect(code, job.slice(0, 40)).toBeGreaterThan(keys);
    }
  });
});
