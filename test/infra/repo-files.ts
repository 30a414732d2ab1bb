import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect } from 'vitest';
import { repoRoot } from './arm.js';

/** A file of the repository, as text. */
export const readRepoFile = (path: string): Promise<string> => readFile(join(repoRoot, path), 'utf8');

/** A job's text in a workflow: from its key to the next job's. */
export function jobText(workflow: string, job: string): string {
  const start = workflow.indexOf(`\n  ${job}:\n`);
  expect(start, `job ${job}`).toBeGreaterThan(-1);
  const next = workflow.slice(start + 1).search(/\n {2}[\w-]+:\n/);
  return next === -1 ? workflow.slice(start) : workflow.slice(start, start + 1 + next);
}
