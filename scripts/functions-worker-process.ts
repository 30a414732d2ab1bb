import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';

export interface FunctionsWorkerProcess {
  /** Where the worker serves the package's HTTP functions (the `api/` prefix is the package's host.json's). */
  readonly url: string;
  stop(): Promise<void>;
}

/**
 * Starts scripts/functions-worker.ts (compiled: `worker`) on a package directory in a fresh Node
 * process, with `settings` as its whole environment (the app settings, as in Azure), and resolves
 * once it listens.
 */
export function startFunctionsWorker(options: {
  readonly worker: string;
  readonly packageDir: string;
  readonly settings: Readonly<Record<string, string>>;
}): Promise<FunctionsWorkerProcess> {
  const child = spawn(process.execPath, [options.worker, options.packageDir, 'serve'], {
    env: { PATH: process.env.PATH ?? '', ...options.settings },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise<void>((resolve) =>
    child.once('exit', () => {
      resolve();
    }),
  );
  const stop = async (): Promise<void> => {
    if (child.exitCode === null) child.kill();
    await exited;
  };
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => {
      reject(new Error(`the functions worker exited with ${String(code)} before listening`));
    });
    createInterface({ input: child.stdout }).once('line', (line) => {
      resolve({ url: (JSON.parse(line) as { url: string }).url, stop });
    });
  });
}
