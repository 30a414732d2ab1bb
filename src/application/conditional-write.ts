import { setTimeout as sleep } from 'node:timers/promises';
import type { Versioned } from '../domain/model.js';
import { VersionConflict } from './ports.js';

/**
 * How a read-modify-write answers a lost race (the store's ETag check, HTTP 412). Every
 * read-modify-write in the application goes through writeConditionally with one of these, so the
 * rule for each kind of writer is written once.
 */
export interface ConflictPolicy {
  /** Writes tried, each on a fresh read after the first. */
  readonly attempts: number;
  /** Whether to pause a growing random time between tries, so parallel writers spread out. */
  readonly backOff: boolean;
}

export const conflictPolicies = {
  /**
   * The caller named the version it read (If-Match): writing over a newer one would lose a change
   * it never saw, so a conflict is reported (412), never retried.
   */
  callerVersion: { attempts: 1, backOff: false },
  /**
   * Losing means a newer writer already acted (the consumer, a sweep, staff): one try, and the
   * newer state stands; the caller sees `lost`.
   */
  yieldToNewer: { attempts: 1, backOff: false },
  /**
   * Many writers race for one busy document (a waitee moved by staff while a timer pages it, a
   * waitlist's seating history): retried on fresh data, spread out, for as long as a person waits.
   */
  contended: { attempts: 20, backOff: true },
  /**
   * A change whose trigger retries on its own (Event Grid, Service Bus) or that only tidies up: a
   * few quick tries, then the trigger's own retry.
   */
  background: { attempts: 5, backOff: false },
} as const satisfies Record<string, ConflictPolicy>;

export type WriteOutcome<T, R> =
  | { readonly kind: 'written'; readonly value: T; readonly result: R }
  | { readonly kind: 'unchanged'; readonly value: T }
  | { readonly kind: 'missing' }
  /** Every try lost to another writer. */
  | { readonly kind: 'lost' };

export interface ConditionalWrite<T, R> {
  /** The version already in hand, written over without a first read. */
  readonly first?: Versioned<T>;
  readonly read: () => Promise<Versioned<T> | null>;
  /** The new value, or null when there is nothing to write. May read what it needs. */
  readonly change: (current: T) => T | null | Promise<T | null>;
  /** Writes `next` only if the stored ETag is still `etag`; throws VersionConflict otherwise. */
  readonly write: (next: T, etag: string) => Promise<R>;
  readonly policy: ConflictPolicy;
}

/**
 * The caller's If-Match, parsed by the HTTP pipeline: whether it accepts a stored version. The
 * application keeps the store's versions opaque; how one is written on the wire is the pipeline's.
 */
export interface VersionCondition {
  accepts(storedVersion: string): boolean;
}

/**
 * The version to write under: the one just read, when the caller's If-Match (if any) accepts it;
 * VersionConflict (412) otherwise. The store checks that version again on the write, so a change
 * landing between this read and the write is a conflict too.
 */
export function versionToWrite(current: Versioned<unknown>, ifMatch: VersionCondition | undefined): string {
  if (ifMatch !== undefined && !ifMatch.accepts(current.etag)) throw new VersionConflict('the resource');
  return current.etag;
}

const backOff = (attempt: number) => sleep(Math.random() * 5 * 2 ** Math.min(attempt, 5));

/** Reads, applies a change, writes with If-Match, and on a lost race goes again as the policy says. */
export async function writeConditionally<T, R>(spec: ConditionalWrite<T, R>): Promise<WriteOutcome<T, R>> {
  let current = spec.first ?? null;
  for (let attempt = 0; attempt < spec.policy.attempts; attempt++) {
    if (attempt > 0 && spec.policy.backOff) await backOff(attempt);
    if (attempt > 0 || current === null) current = await spec.read();
    if (current === null) return { kind: 'missing' };
    const next = await spec.change(current.value);
    if (next === null) return { kind: 'unchanged', value: current.value };
    try {
      return { kind: 'written', value: next, result: await spec.write(next, current.etag) };
    } catch (error) {
      if (!(error instanceof VersionConflict)) throw error;
    }
  }
  return { kind: 'lost' };
}
