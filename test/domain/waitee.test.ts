import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DomainError } from '../../src/domain/errors.js';
import {
  activeStatuses,
  allowedActions,
  isActive,
  nextStatus,
  positionsInLine,
  waiteeActions,
  waiteeStatuses,
  type WaiteeAction,
  type WaiteeStatus,
} from '../../src/domain/waitee.js';

/** The state machine as the product promises it, written out independently of the implementation. */
const expected: Record<WaiteeStatus, Record<WaiteeAction, WaiteeStatus | null>> = {
  waiting: { notify: 'notified', seat: 'seated', 'no-show': null, cancel: 'cancelled' },
  notified: { notify: 'notified', seat: 'seated', 'no-show': 'no_show', cancel: 'cancelled' },
  seated: { notify: null, seat: null, 'no-show': null, cancel: null },
  no_show: { notify: null, seat: null, 'no-show': null, cancel: null },
  cancelled: { notify: null, seat: null, 'no-show': null, cancel: null },
};

function caught(run: () => unknown): DomainError {
  try {
    run();
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
  throw new Error('expected a DomainError');
}

describe('waitee state machine', () => {
  it('covers exactly the five statuses and four actions', () => {
    expect([...waiteeStatuses].sort()).toEqual(Object.keys(expected).sort());
    expect([...waiteeActions].sort()).toEqual(['cancel', 'no-show', 'notify', 'seat']);
  });

  const pairs = waiteeStatuses.flatMap((status) => waiteeActions.map((action) => ({ status, action, to: expected[status][action] })));

  it.each(pairs.filter((p) => p.to !== null))('$status --$action--> $to', ({ status, action, to }) => {
    expect(nextStatus(status, action)).toBe(to);
  });

  it.each(pairs.filter((p) => p.to === null))(
    '$status refuses $action with a 409-kind error naming the allowed moves',
    ({ status, action }) => {
      const error = caught(() => nextStatus(status, action));
      expect(error.kind).toBe('invalid-transition');
      const allowed = waiteeActions.filter((a) => expected[status][a] !== null);
      expect(error.details).toEqual({ status, action, allowedActions: allowed });
      expect(error.message).toContain(`"${action}"`);
      if (allowed.length > 0) expect(error.message).toContain(`Allowed: ${allowed.join(', ')}.`);
      else expect(error.message).toMatch(/no further moves/);
    },
  );

  it.each([...waiteeStatuses])('lists the allowed actions of %s in a stable order', (status) => {
    expect(allowedActions(status)).toEqual(waiteeActions.filter((a) => expected[status][a] !== null));
  });

  it('treats only waiting and notified as in line, and end states are final', () => {
    expect([...activeStatuses].sort()).toEqual(['notified', 'waiting']);
    for (const status of waiteeStatuses) {
      expect(isActive(status)).toBe(status === 'waiting' || status === 'notified');
      if (!isActive(status)) expect(allowedActions(status)).toEqual([]);
    }
  });

  it('never leads from an end state back into the line (any sequence of actions)', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...waiteeActions), { maxLength: 12 }), (actions) => {
        let status: WaiteeStatus = 'waiting';
        let ended = false;
        for (const action of actions) {
          const to = expected[status][action];
          if (to === null) {
            expect(() => nextStatus(status, action)).toThrow(DomainError);
            continue;
          }
          expect(ended).toBe(false);
          status = nextStatus(status, action);
          ended = !isActive(status);
        }
      }),
    );
  });
});

describe('positions in line', () => {
  const at = (minute: number) => new Date(Date.UTC(2026, 0, 1, 12, minute)).toISOString();

  it('is empty for an empty line', () => {
    expect(positionsInLine([]).size).toBe(0);
  });

  it('numbers parties from 1 by joining time, whatever order they are given in', () => {
    const positions = positionsInLine([
      { id: 'c', joinedAt: at(30) },
      { id: 'a', joinedAt: at(10) },
      { id: 'b', joinedAt: at(20) },
    ]);
    expect([...positions.entries()].sort((x, y) => x[1] - y[1])).toEqual([
      ['a', 1],
      ['b', 2],
      ['c', 3],
    ]);
  });

  it('breaks ties on joining time by id, so every reader sees the same order', () => {
    const positions = positionsInLine([
      { id: 'zeta', joinedAt: at(5) },
      { id: 'alpha', joinedAt: at(5) },
      { id: 'early', joinedAt: at(1) },
    ]);
    expect(positions.get('early')).toBe(1);
    expect(positions.get('alpha')).toBe(2);
    expect(positions.get('zeta')).toBe(3);
  });

  it('gives a permutation of 1..n that does not depend on input order (property)', () => {
    const place = fc.record({ id: fc.uuid(), joinedAt: fc.integer({ min: 0, max: 20 }).map(at) });
    fc.assert(
      fc.property(fc.uniqueArray(place, { selector: (p) => p.id, maxLength: 30 }), fc.nat(), (line, rotation) => {
        const positions = positionsInLine(line);
        expect([...positions.values()].sort((a, b) => a - b)).toEqual(line.map((_, i) => i + 1));
        const cut = line.length === 0 ? 0 : rotation % line.length;
        const reordered = [...line.slice(cut), ...line.slice(0, cut)].reverse();
        expect(positionsInLine(reordered)).toEqual(positions);
        for (const a of line) {
          for (const b of line) {
            if (a.joinedAt < b.joinedAt) expect(positions.get(a.id)).toBeLessThan(positions.get(b.id) ?? 0);
          }
        }
      }),
      { numRuns: 100 },
    );
  });
});
