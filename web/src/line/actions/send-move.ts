import type { ApiClient } from '../../api/client.js';
import { unwrap } from '../../api/errors.js';
import type { components } from '../../api/schema.js';
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
