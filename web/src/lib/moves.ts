import type { components } from '../api/schema.js';

type Waitee = components['schemas']['Waitee'];
export type WaiteeAction = Waitee['allowedActions'][number];
export type WaiteeStatus = Waitee['status'];

/** What a row offers: the server's allowed moves, plus editing the party while it is in line. */
export type RowMove = WaiteeAction | 'edit';

export interface MoveButton {
  readonly move: RowMove;
  readonly label: string;
  /** The question to confirm before a move that cannot be undone and is not the line's usual end; null to act on one tap. */
  readonly confirm: string | null;
}

const statusLabels: Readonly<Record<WaiteeStatus, string>> = {
  waiting: 'waiting',
  notified: 'notified',
  seated: 'seated',
  no_show: 'a no-show',
  cancelled: 'cancelled',
};

/** A status in words: "waiting", "a no-show". */
export function statusLabel(status: WaiteeStatus): string {
  return statusLabels[status];
}

const order: readonly RowMove[] = ['notify', 'seat', 'edit', 'no-show', 'cancel'];

/**
 * The buttons for a row, only from the moves the server's state machine allows right now
 * (`allowedActions`), so the app never offers a move the server would refuse. Seating is the line's
 * usual end and takes one tap; a no-show or a cancel drops a party that may still be at the door,
 * so it asks first.
 */
export function movesFor(party: Pick<Waitee, 'allowedActions' | 'status' | 'name' | 'partySize' | 'phone'>): MoveButton[] {
  const allowed = new Set<RowMove>(party.allowedActions);
  if (party.status === 'waiting' || party.status === 'notified') allowed.add('edit');
  const who = `${party.name} (party of ${party.partySize})`;
  return order
    .filter((move) => allowed.has(move))
    .map((move): MoveButton => {
      switch (move) {
        case 'notify':
          return { move, label: party.status === 'notified' ? 'Re-page' : 'Notify', confirm: null };
        case 'seat':
          return { move, label: 'Seat', confirm: null };
        case 'edit':
          return { move, label: 'Edit', confirm: null };
        case 'no-show':
          return { move, label: 'No-show', confirm: `Mark ${who} as a no-show? They leave the line.` };
        case 'cancel':
          return { move, label: 'Cancel', confirm: `Cancel ${who}? They leave the line.` };
      }
    });
}

/** Why notify has no text to send: the host should know before tapping. */
export function notifyCaveat(party: Pick<Waitee, 'phone'>): string | null {
  return party.phone === null ? 'No phone number: call the name out, no text will be sent.' : null;
}

/**
 * Every move is sent with the version the host saw in `If-Match`. The notify endpoint takes no
 * Idempotency-Key (only adding a party does), so this is what stops a double tap from texting twice:
 * the first tap changes the party, the second carries the old version and is refused with 412
 * before anything is written or sent. Without `If-Match` the server would retry the second on fresh
 * data and send a re-page.
 */
export function moveHeaders(party: Pick<Waitee, 'etag'>): { 'If-Match': string } {
  return { 'If-Match': party.etag };
}

/**
 * Taps already sent for one version of a party. A repeated tap on the same button and version is
 * dropped in the app (the server would refuse it anyway, with a conflict message the host did not
 * cause); a different version (after a refresh) may be moved again.
 */
export class MoveGuard {
  private readonly sent = new Set<string>();

  /** True the first time a move is asked for a party at a version; false for every repeat. */
  claim(party: Pick<Waitee, 'id' | 'etag'>, move: WaiteeAction): boolean {
    const key = `${party.id} ${party.etag} ${move}`;
    if (this.sent.has(key)) return false;
    this.sent.add(key);
    return true;
  }

  /** Gives a claim back when the request never reached the server (offline), so the host can retry. */
  release(party: Pick<Waitee, 'id' | 'etag'>, move: WaiteeAction): void {
    this.sent.delete(`${party.id} ${party.etag} ${move}`);
  }
}

/**
 * One Idempotency-Key per walk-in the host means to add: kept across retries of the same form (a
 * timeout, a lost answer), replaced once the party is added, so a retry returns the party the first
 * attempt added instead of adding it twice.
 */
export class AddAttempt {
  private key: string;

  constructor(private readonly newKey: () => string = () => crypto.randomUUID()) {
    this.key = newKey();
  }

  get idempotencyKey(): string {
    return this.key;
  }

  /** The party was added: the next add is a new party with a new key. */
  succeeded(): void {
    this.key = this.newKey();
  }
}
