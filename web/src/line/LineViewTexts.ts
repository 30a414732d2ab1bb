import { useQuery, type UseQueryResult } from '@tanstack/react-query';
import { useApi } from '../api/context.js';
import { unwrap } from '../api/errors.js';
import { linePollMs, queryKeys } from '../api/queries.js';
import type { components } from '../api/schema.js';
import { statusLabel } from '../lib/moves.js';
import { latestText, textKindLabel, textOutcome, textStatusText, wasRepaged, type TextOutcome } from '../lib/texts.js';
import { agoText } from '../lib/time.js';

type Waitee = components['schemas']['Waitee'];
type Notification = components['schemas']['Notification'];

/** Parties that may have texts: those told their table is ready, and the first in line ("getting close"). */
export function mayHaveTexts(party: Pick<Waitee, 'phone' | 'notifiedAt' | 'position'>): boolean {
  return party.phone !== null && (party.notifiedAt !== null || (party.position !== null && party.position <= 2));
}

const finalTextStatuses = new Set<Notification['status']>(['delivered', 'failed']);

/**
 * A party's texts, read while one is on its way (until delivered or failed) and again whenever the
 * party is notified anew or moves up; a settled party costs nothing per poll.
 */
export function usePartyTexts(restaurantId: string, party: Waitee): UseQueryResult<readonly Notification[]> {
  const api = useApi();
  return useQuery({
    queryKey: [...queryKeys.texts(restaurantId, party.waitlistId, party.id), party.notifiedAt, party.position],
    enabled: mayHaveTexts(party),
    staleTime: Infinity,
    queryFn: async ({ signal }) =>
      unwrap(
        await api.GET('/v1/restaurants/{restaurantId}/waitlists/{waitlistId}/waitees/{waiteeId}/notifications', {
          params: { path: { restaurantId, waitlistId: party.waitlistId, waiteeId: party.id } },
          signal,
        }),
      ).items,
    refetchInterval: (query) => {
      const latest = latestText(query.state.data ?? []);
      return latest === null || finalTextStatuses.has(latest.status) ? false : linePollMs;
    },
  });
}

/** "Waiting", "Notified 4 min ago", "Re-paged just now": the party's status in words. */
export function statusText(party: Waitee, texts: readonly Notification[] | undefined, now: Date): string {
  if (party.status !== 'notified') return party.status === 'waiting' ? 'Waiting' : statusLabel(party.status);
  const when = party.notifiedAt === null ? '' : ` ${agoText(party.notifiedAt, now)}`;
  const onTheirWay = party.onMyWayAt === null ? '' : `; on their way ${agoText(party.onMyWayAt, now)}`;
  return `${wasRepaged(texts ?? []) ? 'Re-paged' : 'Notified'}${when}${onTheirWay}`;
}

/** The latest text's fate in words ("Text: Delivered 7:42 PM"), and its outcome for the styling, which never carries meaning alone. */
export function rowTextStatus(
  party: Pick<Waitee, 'phone'>,
  texts: readonly Notification[] | undefined,
  timeZone: string,
): { readonly text: string; readonly outcome: TextOutcome | 'no-phone' } | null {
  if (party.phone === null) return { text: 'No phone: tell them in person', outcome: 'no-phone' };
  const latest = latestText(texts ?? []);
  if (latest === null) return null;
  return { text: `${textKindLabel(latest.kind)} text: ${textStatusText(latest, timeZone)}`, outcome: textOutcome(latest) };
}
