/**
 * Failed sign-ins per email address, whether or not an account exists, so the answers never
 * reveal which addresses are registered. After `slowAfter` failures each attempt waits longer;
 * after `blockAfter` the address is blocked for `blockMinutes`.
 */
export interface LoginAttempts {
  readonly failures: number;
  readonly windowStartedAt: string;
  readonly blockedUntil: string | null;
}

export const throttlePolicy = { windowMinutes: 15, slowAfter: 3, blockAfter: 10, blockMinutes: 15, maxDelayMs: 2000 } as const;

export const noAttempts = (now: Date): LoginAttempts => ({ failures: 0, windowStartedAt: now.toISOString(), blockedUntil: null });

/** Seconds until the address may try again, or 0 when it may try now. */
export function retryAfterSeconds(attempts: LoginAttempts, now: Date): number {
  if (attempts.blockedUntil === null) return 0;
  return Math.max(0, Math.ceil((Date.parse(attempts.blockedUntil) - now.getTime()) / 1000));
}

/** How long to hold the answer to this attempt: grows with each failure past `slowAfter`. */
export function delayBeforeAnswerMs(attempts: LoginAttempts): number {
  const excess = attempts.failures - throttlePolicy.slowAfter;
  return excess < 0 ? 0 : Math.min(throttlePolicy.maxDelayMs, 250 * 2 ** excess);
}

export function recordFailure(attempts: LoginAttempts, now: Date): LoginAttempts {
  const windowExpired = now.getTime() - Date.parse(attempts.windowStartedAt) > throttlePolicy.windowMinutes * 60_000;
  const current = windowExpired || (retryAfterSeconds(attempts, now) === 0 && attempts.blockedUntil !== null) ? noAttempts(now) : attempts;
  const failures = current.failures + 1;
  return {
    failures,
    windowStartedAt: current.windowStartedAt,
    blockedUntil:
      failures >= throttlePolicy.blockAfter ? new Date(now.getTime() + throttlePolicy.blockMinutes * 60_000).toISOString() : null,
  };
}
