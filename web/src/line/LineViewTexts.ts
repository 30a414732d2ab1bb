import { useQuery, type UseQueryResult } from '@tanstack/react-query';
import { useApi } from '../api/context.js';
import { unwrap } from '../api/errors.js';
import { linePollMs, queryKeys } from '../api/queries.js';
import type { components } from '../api/schema.js';
import { agoText, clockTime } from '../lib/time.js';

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
      const latest = query.state.data?.at(-1);
      return latest === undefined || finalTextStatuses.has(latest.status) ? false : linePollMs;
    },
  });
}

/** "Waiting", "Notified 4 min ago", "Re-paged just now (page 2)": the party's status in words. */
export function statusText(party: Waitee, texts: readonly Notification[] | undefined, now: Date): string {
  if (party.status !== 'notified') return party.status === 'waiting' ? 'Waiting' : party.status;
  const pages = (texts ?? []).filter((t) => t.kind !== 'getting-close').length;
  const when = party.notifiedAt === null ? '' : ` ${agoText(party.notifiedAt, now)}`;
  return pages > 1 ? `Re-paged${when} (page ${pages})` : `Notified${when}`;
}

export type TextTone = 'none' | 'pending' | 'ok' | 'failed';

/** The latest text's fate in words, and its tone for the badge (which never carries meaning alone). */
export function textStatus(
  party: Pick<Waitee, 'phone'>,
  texts: readonly Notification[] | undefined,
  timeZone: string,
): { readonly text: string; readonly tone: TextTone } | null {
  if (party.phone === null) return { text: 'No phone: tell them in person', tone: 'none' };
  const latest = texts?.at(-1);
  if (latest === undefined) return null;
  const kind = latest.kind === 'getting-close' ? 'Getting-close text' : 'Text';
  switch (latest.status) {
    case 'pending':
    case 'enqueued':
    case 'sending':
      return { text: `${kind} sending…`, tone: 'pending' };
    case 'sent':
      return { text: `${kind} sent${latest.sentAt === null ? '' : ` ${clockTime(latest.sentAt, timeZone)}`}`, tone: 'pending' };
    case 'delivered':
      return { text: `${kind} delivered${latest.deliveredAt === null ? '' : ` ${clockTime(latest.deliveredAt, timeZone)}`}`, tone: 'ok' };
    case 'failed':
      return { text: `${kind} failed: ${latest.lastError ?? 'no reason given'}`, tone: 'failed' };
  }
}
