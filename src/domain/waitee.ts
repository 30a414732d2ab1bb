import { DomainError } from './errors.js';
import type { Waitee } from './model.js';

export const waiteeStatuses = ['waiting', 'notified', 'seated', 'no_show', 'cancelled'] as const;
export type WaiteeStatus = (typeof waiteeStatuses)[number];

export const waiteeActions = ['notify', 'seat', 'no-show', 'cancel'] as const;
export type WaiteeAction = (typeof waiteeActions)[number];

/**
 * The state machine of a waitee in line. `notify` may repeat (a re-page); the three end states
 * are final so a seated or cancelled waitee never reappears in the line.
 */
const transitions: Readonly<Record<WaiteeStatus, Partial<Record<WaiteeAction, WaiteeStatus>>>> = {
  waiting: { notify: 'notified', seat: 'seated', cancel: 'cancelled' },
  notified: { notify: 'notified', seat: 'seated', 'no-show': 'no_show', cancel: 'cancelled' },
  seated: {},
  no_show: {},
  cancelled: {},
};

export const activeStatuses: readonly WaiteeStatus[] = ['waiting', 'notified'];

export function isActive(status: WaiteeStatus): boolean {
  return activeStatuses.includes(status);
}

export function allowedActions(status: WaiteeStatus): WaiteeAction[] {
  return waiteeActions.filter((action) => transitions[status][action] !== undefined);
}

/** The status after `action`, or a DomainError naming the moves that are allowed. */
export function nextStatus(status: WaiteeStatus, action: WaiteeAction): WaiteeStatus {
  const next = transitions[status][action];
  if (next === undefined) {
    const allowed = allowedActions(status);
    throw new DomainError(
      'invalid-transition',
      `A party that is ${status.replace('_', '-')} cannot be moved with "${action}". ${
        allowed.length > 0 ? `Allowed: ${allowed.join(', ')}.` : 'It has left the line; no further moves are allowed.'
      }`,
      { status, action, allowedActions: allowed },
    );
  }
  return next;
}

/** What positions and quotes need of a party in line. */
export interface WaiteeInLine {
  readonly id: string;
  readonly joinedAt: string;
  readonly partySize: number;
}

/** The active waitees first come first served (ties broken by id). */
export function inLineOrder<T extends Pick<WaiteeInLine, 'id' | 'joinedAt'>>(active: readonly T[]): T[] {
  return [...active].sort((a, b) => (a.joinedAt === b.joinedAt ? a.id.localeCompare(b.id) : a.joinedAt.localeCompare(b.joinedAt)));
}

/** 1-based positions of the active waitees, first come first served (ties broken by id). */
export function positionsInLine(active: readonly Pick<WaiteeInLine, 'id' | 'joinedAt'>[]): Map<string, number> {
  return new Map(inLineOrder(active).map((place, index) => [place.id, index + 1]));
}

/** What a waitee brings to the line; everything else starts empty. */
export type JoiningWaitee = Pick<
  Waitee,
  'id' | 'waitlistId' | 'restaurantId' | 'name' | 'phone' | 'partySize' | 'notes' | 'source' | 'customerId' | 'statusToken' | 'joinedAt'
>;

/** A waitee joining the line: waiting, nothing sent and nothing planned yet. */
export function joinLine(joining: JoiningWaitee): Waitee {
  return {
    ...joining,
    status: 'waiting',
    notifiedAt: null,
    seatedAt: null,
    endedAt: null,
    updatedAt: joining.joinedAt,
    pagingDueAt: null,
    pagingStage: null,
    gettingCloseSent: false,
  };
}
