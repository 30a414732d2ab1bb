import type { ApiClient } from '../../api/client.js';
import { ApiProblem, unwrap } from '../../api/errors.js';
import type { components } from '../../api/schema.js';
import { describeError } from '../../app/describe-error.js';
import { moveHeaders, type WaiteeAction } from '../../lib/moves.js';

type Waitee = components['schemas']['Waitee'];

/** `POST …/waitees/{id}/{action}` with the version on screen in If-Match (see moveHeaders). */
export async function sendMove(api: ApiClient, action: WaiteeAction, party: Waitee): Promise<Waitee> {
  const params = {
    path: { restaurantId: party.restaurantId, waitlistId: party.waitlistId, waiteeId: party.id },
    header: moveHeaders(party),
  };
  switch (action) {
    case 'notify':
      return unwrap(await api.POST('/v1/restaurants/{restaurantId}/waitlists/{waitlistId}/waitees/{waiteeId}/notify', { params }));
    case 'seat':
      return unwrap(await api.POST('/v1/restaurants/{restaurantId}/waitlists/{waitlistId}/waitees/{waiteeId}/seat', { params }));
    case 'no-show':
      return unwrap(await api.POST('/v1/restaurants/{restaurantId}/waitlists/{waitlistId}/waitees/{waiteeId}/no-show', { params }));
    case 'cancel':
      return unwrap(await api.POST('/v1/restaurants/{restaurantId}/waitlists/{waitlistId}/waitees/{waiteeId}/cancel', { params }));
  }
}

const done: Readonly<Record<WaiteeAction, string>> = {
  notify: 'told their table is ready',
  seat: 'seated',
  'no-show': 'marked as a no-show',
  cancel: 'cancelled',
};

/** "Ada (party of 2) seated." */
export function moveDoneText(action: WaiteeAction, before: Waitee): string {
  const what = action === 'notify' && before.status === 'notified' ? 'paged again' : done[action];
  return `${before.name} (party of ${before.partySize}) ${what}.`;
}

/**
 * Why a move did not happen, for the notice above the line. A conflict on a retry is most likely
 * the first attempt's own doing (it arrived, its answer was lost): say that rather than blame
 * another device. If-Match made sure it was applied once at most.
 */
export function moveFailedText(error: unknown, party: Waitee, attempts: number): string {
  const conflict = error instanceof ApiProblem && (error.status === 412 || error.status === 409);
  if (conflict && attempts > 1)
    return `${party.name}: the connection dropped while this was sent; the line now shows where the party stands.`;
  return `${party.name}: ${describeError(error, 'party')}`;
}
