import { randomUUID } from 'node:crypto';
import azureFunctions, { type Timer } from '@azure/functions';
import { Cron } from 'croner';
import type { TimerFunction } from '../../src/functions/catalog-types.js';

const { InvocationContext } = azureFunctions;

/** Runs timer functions on their NCRONTAB schedules the way the Functions host does (UTC, six fields). */
export function startTimers(functions: readonly TimerFunction[], log: (line: string) => void): { stop(): void } {
  const jobs = functions.map((fn) => {
    let last: Date | null = null;
    // protect: an invocation still running when the next tick comes is skipped, as the host's singleton lock does.
    const job = new Cron(fn.schedule, { mode: '6-part', domAndDow: true, timezone: 'UTC', protect: true, catch: true }, async (self: Cron) => {
      const now = new Date();
      const next = self.nextRun() ?? now;
      const timer: Timer = { isPastDue: false, schedule: { adjustForDST: false }, scheduleStatus: { last: (last ?? now).toISOString(), next: next.toISOString(), lastUpdated: now.toISOString() } };
      last = now;
      const context = new InvocationContext({
        invocationId: randomUUID(),
        functionName: fn.name,
        logHandler: (level, ...args) => {
          log(`[${fn.name}] ${level}: ${args.map((a) => (a instanceof Error ? a.stack ?? a.message : String(a))).join(' ')}`);
        },
      });
      try {
        await fn.handler(timer, context);
      } catch (error) {
        log(`[${fn.name}] failed: ${error instanceof Error ? error.stack ?? error.message : String(error)}`);
      }
    });
    return job;
  });
  return {
    stop: () => {
      for (const job of jobs) job.stop();
    },
  };
}
