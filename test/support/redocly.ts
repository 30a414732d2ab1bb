/**
 * Runs `redocly lint` the way both OpenAPI documents are checked: the recommended rules plus
 * redocly.yaml, telemetry off, the JSON report read whether or not lint passed.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const root = fileURLToPath(new URL('../../', import.meta.url));
const cli = fileURLToPath(new URL('../../node_modules/@redocly/cli/bin/cli.js', import.meta.url));

interface LintReport {
  readonly totals: { readonly errors: number; readonly warnings: number; readonly ignored: number };
  readonly problems: readonly {
    readonly ruleId: string;
    readonly severity: string;
    readonly message: string;
    readonly location: readonly { readonly pointer: string }[];
  }[];
}

export interface LintResult {
  readonly totals: LintReport['totals'];
  /** One line a problem: severity, rule, where, what. */
  readonly problems: readonly string[];
}

/** Lints an OpenAPI document (a path relative to the repository root, or absolute). */
export async function redoclyLint(document: string): Promise<LintResult> {
  const run = promisify(execFile);
  const result = await run(process.execPath, [cli, 'lint', document, '--config', 'redocly.yaml', '--format', 'json'], {
    cwd: root,
    env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true', NO_COLOR: '1' },
    maxBuffer: 16 * 1024 * 1024,
  }).catch((error: unknown) => {
    // A lint error exits non-zero; the report on stdout still says why.
    const failed = error as { stdout?: string; stderr?: string };
    return { stdout: failed.stdout ?? '', stderr: failed.stderr ?? '' };
  });
  const report = JSON.parse(result.stdout) as LintReport;
  return {
    totals: report.totals,
    problems: report.problems.map((p) => `${p.severity} ${p.ruleId} at ${p.location.map((l) => l.pointer).join(', ')}: ${p.message}`),
  };
}
