import { useQuery } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { useApi } from '../api/context.js';
import { unwrap } from '../api/errors.js';
import { linePollMs, queryKeys } from '../api/queries.js';
import { describeError } from '../app/describe-error.js';
import type { Restaurant, Waitee } from '../app/screens.js';
import { textKindLabel, textOutcome, textStatusText } from '../lib/texts.js';
import { clockTime } from '../lib/time.js';

/** Every text sent to a party, newest first, with how it went; read again while one is on its way. */
export function PartyTexts({ party, restaurant }: { party: Waitee; restaurant: Restaurant }): ReactNode {
  const api = useApi();
  const texts = useQuery({
    queryKey: [...queryKeys.texts(restaurant.id, party.waitlistId, party.id), 'all'],
    queryFn: async ({ signal }) =>
      unwrap(
        await api.GET('/v1/restaurants/{restaurantId}/waitlists/{waitlistId}/waitees/{waiteeId}/notifications', {
          params: { path: { restaurantId: restaurant.id, waitlistId: party.waitlistId, waiteeId: party.id } },
          signal,
        }),
      ).items,
    refetchInterval: (query) => (query.state.data?.some((text) => textOutcome(text) === 'on-its-way') === true ? linePollMs : false),
  });
  const heading = `Texts to ${party.name}`;
  if (texts.isPending) return <p role="status">Loading the texts…</p>;
  if (texts.isError)
    return (
      <p className="message message--error" role="alert">
        {describeError(texts.error, 'party')}
      </p>
    );
  const newestFirst = [...texts.data].sort((a, b) => b.createdAt.localeCompare(a.createdAt));
  return (
    <section className="party-texts" aria-label={heading}>
      {newestFirst.length === 0 ? (
        <p>{party.phone === null ? 'No phone number, so no texts.' : 'No texts sent yet.'}</p>
      ) : (
        <ol className="party-texts__list">
          {newestFirst.map((text) => (
            <li key={text.id} className={`text text--${textOutcome(text)}`}>
              <p className="text__head">
                <strong>{textKindLabel(text.kind)}</strong> · queued {clockTime(text.createdAt, restaurant.timeZone)} ·{' '}
                <span className="text__status">{textStatusText(text, restaurant.timeZone)}</span>
              </p>
              <p className="text__message">{text.message ?? 'Its words were removed with the party’s details.'}</p>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
