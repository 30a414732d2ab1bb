import { describe, expect, it } from 'vitest';
import {
  delayBeforeAnswerMs,
  noAttempts,
  recordFailure,
  retryAfterSeconds,
  throttlePolicy,
  type LoginAttempts,
} from '../../src/domain/login-throttle.js';

const start = new Date('2026-03-01T20:00:00.000Z');
const later = (seconds: number) => new Date(start.getTime() + seconds * 1000);

function failures(count: number, everySeconds = 1): LoginAttempts {
  let attempts = noAttempts(start);
  for (let i = 1; i <= count; i++) attempts = recordFailure(attempts, later(i * everySeconds));
  return attempts;
}

describe('login throttle', () => {
  it('starts with no failures and no block', () => {
    expect(noAttempts(start)).toEqual({ failures: 0, windowStartedAt: start.toISOString(), blockedUntil: null });
    expect(retryAfterSeconds(noAttempts(start), start)).toBe(0);
    expect(delayBeforeAnswerMs(noAttempts(start))).toBe(0);
  });

  it('answers the first three failures at once, then doubles the delay from 250 ms up to 2 s', () => {
    expect([0, 1, 2, 3, 4, 5, 6, 7, 9].map((n) => delayBeforeAnswerMs(failures(n)))).toEqual([0, 0, 0, 250, 500, 1000, 2000, 2000, 2000]);
    expect(throttlePolicy.maxDelayMs).toBe(2000);
  });

  it('blocks the address for 15 minutes at the tenth failure, not before', () => {
    expect(failures(9).blockedUntil).toBeNull();
    const blocked = failures(10);
    expect(blocked.failures).toBe(10);
    expect(blocked.blockedUntil).toBe(new Date(later(10).getTime() + 15 * 60_000).toISOString());
    expect(retryAfterSeconds(blocked, later(10))).toBe(15 * 60);
    expect(retryAfterSeconds(blocked, later(10.2))).toBe(15 * 60);
    expect(retryAfterSeconds(blocked, later(10 + 15 * 60 - 1))).toBe(1);
    expect(retryAfterSeconds(blocked, later(10 + 15 * 60))).toBe(0);
  });

  it('starts counting again once the 15-minute window has passed', () => {
    const old = failures(5);
    const next = recordFailure(old, later(5 + 15 * 60 + 1));
    expect(next.failures).toBe(1);
    expect(next.windowStartedAt).toBe(later(5 + 15 * 60 + 1).toISOString());
    expect(recordFailure(old, later(14 * 60)).failures).toBe(6);
  });

  it('starts counting again after a block has expired', () => {
    const blocked = failures(10);
    const afterBlock = recordFailure(blocked, later(10 + 15 * 60 + 1));
    expect(afterBlock).toMatchObject({ failures: 1, blockedUntil: null });
  });

  it('does not mutate the record it is given', () => {
    const attempts = failures(2);
    const copy = { ...attempts };
    recordFailure(attempts, later(3));
    expect(attempts).toEqual(copy);
  });
});
