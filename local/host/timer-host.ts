import type { Timer } from '@azure/functions';
import { Cron } from 'croner';
import type { ServicesProvider } from '../../src/application/services.js';
import type { TimerFunction } from '../../src/functions/catalog-types.js';
import { describeError, invocationContext } from './invocation.js';

/** Runs timer functions on their NCRONTAB schedules the way the Functions host does (UTC, six fields). */
export function startTimers(
  functions: readonly TimerFunction[],
  services: ServicesProvider,
  log: (line: string) => void,
): { stop(): void } {
  const jobs = functions.map((fn) => {
    const handler = fn.handler(services);
    let last: Date | null = null;
    // protect: an invocation still running when the next tick comes is skipped, as the host's singleton lock does.
    const job = new Cron(
      fn.schedule,
      { mode: '6-part', domAndDow: true, timezone: 'UTC', protect: true, catch: true },
      async (self: Cron) => {
        const now = new Date();
        const next = self.nextRun() ?? now;
        const timer: Timer = {
          isPastDue: false,
          schedule: { adjustForDST: false },
          scheduleStatus: { last: (last ?? now).toISOString(), next: next.toISOString(), lastUpdated: now.toISOString() },
        };
        last = now;
        const context = invocationContext({ functionName: fn.name, log });
        try {
          await handler(timer, context);
        } catch (error) {
          log(`[${fn.name}] failed: ${describeError(error)}`);
        }
      },
    );
    return job;
  });
  return {
    stop: () => {
      for (const job of jobs) job.stop();
    },
  };
}
