import { describe, expect, it } from 'vitest';
import { allowedActions, waiteeStatuses } from '../../../src/domain/waitee.js';
import { AddAttempt, MoveGuard, moveHeaders, movesFor, notifyCaveat } from '../../../web/src/lib/moves.js';
import { party } from './party.js';

describe('row moves: only what the state machine allows', () => {
  it('offers notify, seat, edit and cancel to a waiting party, and asks before the cancel', () => {
    const moves = movesFor(party({ status: 'waiting', allowedActions: allowedActions('waiting') }));
    expect(moves.map((m) => m.label)).toEqual(['Notify', 'Seat', 'Edit', 'Cancel']);
    expect(moves.find((m) => m.move === 'cancel')?.confirm).toBe('Cancel Ada (party of 2)? They leave the line.');
    expect(moves.filter((m) => m.confirm === null).map((m) => m.move)).toEqual(['notify', 'seat', 'edit']);
  });

  it('calls notify "Re-page" once notified, and adds a confirmed no-show', () => {
    const moves = movesFor(party({ status: 'notified', allowedActions: allowedActions('notified') }));
    expect(moves.map((m) => m.label)).toEqual(['Re-page', 'Seat', 'Edit', 'No-show', 'Cancel']);
    expect(moves.find((m) => m.move === 'no-show')?.confirm).toMatch(/no-show\? They leave the line\.$/);
  });

  it('offers nothing once a party has left the line, whatever its status', () => {
    for (const status of waiteeStatuses.filter((s) => s !== 'waiting' && s !== 'notified')) {
      expect(movesFor(party({ status, allowedActions: allowedActions(status) }))).toEqual([]);
    }
  });

  it("follows the server's list, not its own idea of the state machine", () => {
    expect(movesFor(party({ status: 'notified', allowedActions: ['seat'] })).map((m) => m.move)).toEqual(['seat', 'edit']);
  });

  it('warns before notifying a party without a phone', () => {
    expect(notifyCaveat(party({ phone: null }))).toMatch(/no text will be sent/);
    expect(notifyCaveat(party())).toBeNull();
  });
});

describe('a double tap never sends two texts', () => {
  it('sends every move with the version on screen in If-Match', () => {
    expect(moveHeaders(party({ etag: '"abc"' }))).toEqual({ 'If-Match': '"abc"' });
  });

  it('drops a repeated tap on the same version, allows the move again on a newer version', () => {
    const guard = new MoveGuard();
    const seen = party({ etag: '"1"' });
    expect(guard.claim(seen, 'notify')).toBe(true);
    expect(guard.claim(seen, 'notify')).toBe(false);
    expect(guard.claim(seen, 'seat')).toBe(true);
    expect(guard.claim(party({ etag: '"2"' }), 'notify')).toBe(true);
  });

  it('gives a claim back when the request never left the device', () => {
    const guard = new MoveGuard();
    const seen = party();
    guard.claim(seen, 'notify');
    guard.release(seen, 'notify');
    expect(guard.claim(seen, 'notify')).toBe(true);
  });

  it('keeps one Idempotency-Key across retries of one walk-in, a new one for the next', () => {
    let n = 0;
    const attempt = new AddAttempt(() => `key-000${++n}`);
    const first = attempt.idempotencyKey;
    expect(attempt.idempotencyKey).toBe(first);
    attempt.succeeded();
    expect(attempt.idempotencyKey).not.toBe(first);
    expect(new AddAttempt().idempotencyKey).toMatch(/^[A-Za-z0-9._:-]{8,128}$/);
  });
});
