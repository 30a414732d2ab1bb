import type { DependencyCheck } from './ports.js';
import type { Services } from './services.js';

/** A probe answers in time or counts as down: a readiness probe that hangs is worse than one that says no. */
export const readinessTimeoutMs = 2_000;

export interface DependencyOutcome {
  readonly dependency: string;
  /** Why it failed, for the log only: the caller learns the dependency's generic name, never this. */
  readonly failure?: string;
}

/** Runs every dependency check at once, each within the timeout, and says which failed and why. */
export async function unavailableDependencies(
  services: Pick<Services, 'dependencyChecks'>,
  timeoutMs: number = readinessTimeoutMs,
): Promise<DependencyOutcome[]> {
  const outcomes = await Promise.all(services.dependencyChecks.map((check) => checkWithin(check, timeoutMs)));
  return outcomes.filter((outcome) => outcome.failure !== undefined);
}

async function checkWithin(check: DependencyCheck, timeoutMs: number): Promise<DependencyOutcome> {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  // The signal asks the SDK to stop; the race stops waiting even where an SDK would not.
  const timedOut = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => {
      controller.abort();
      reject(new Error(`no answer within ${timeoutMs} ms`));
    }, timeoutMs);
  });
  try {
    await Promise.race([check.check(controller.signal), timedOut]);
    return { dependency: check.dependency };
  } catch (error) {
    return { dependency: check.dependency, failure: error instanceof Error ? error.message : String(error) };
  } finally {
    clearTimeout(timer);
  }
}
