import { useQuery } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import type { ApiClient } from '../api/client.js';
import { useApi } from '../api/context.js';
import { unwrap } from '../api/errors.js';
import { queryKeys } from '../api/queries.js';
import { describeError } from '../app/describe-error.js';
import type { ScreenDefinition, ScreenProps, Waitee } from '../app/screens.js';
import { clockTime, durationText, todaysService, waitedMinutes } from '../lib/time.js';
import { ForgetParty } from './ForgetParty.js';

/**
 * Every party that has left the line, page by page. The API has no "since" filter, so today's are
 * picked out here (time.ts todaysService); a long-running waitlist reads its whole history.
 */
async function readEnded(api: ApiClient, restaurantId: string, waitlistId: string, signal: AbortSignal): Promise<Waitee[]> {
  const parties: Waitee[] = [];
  let continuationToken: string | undefined;
  do {
    const page = unwrap(
      await api.GET('/v1/restaurants/{restaurantId}/waitlists/{waitlistId}/waitees', {
        params: {
          path: { restaurantId, waitlistId },
          query: {
            status: ['seated', 'no_show', 'cancelled'],
            limit: 100,
            ...(continuationToken === undefined ? {} : { continuationToken }),
          },
        },
        signal,
      }),
    );
    parties.push(...page.items);
    continuationToken = page.continuationToken ?? undefined;
  } while (continuationToken !== undefined);
  return parties;
}

function PartyList({
  title,
  parties,
  timeZone,
  now,
  owner,
}: {
  title: string;
  parties: readonly Waitee[];
  timeZone: string;
  now: Date;
  /** Owners may remove a party's details at the guest's request. */
  owner: boolean;
}): ReactNode {
  const id = `today-${title.toLowerCase().replace(/\W+/g, '-')}`;
  return (
    <section className="today__group" aria-labelledby={id}>
      <h2 id={id}>
        {title} ({parties.length})
      </h2>
      {parties.length === 0 ? (
        <p className="today__none">None yet today.</p>
      ) : (
        <ul className="today__list">
          {parties.map((party) => (
            <li key={party.id} className="today__party">
              <span className="today__name">{party.name}</span> <span className="party__size">party of {party.partySize}</span>
              <span className="today__when">
                {party.endedAt === null ? '' : clockTime(party.endedAt, timeZone)} · waited {durationText(waitedMinutes(party, now))}
              </span>
              {owner ? <ForgetParty party={party} /> : null}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

/** Today's service: who was seated, who was a no-show, who cancelled, the average wait and the no-show count. */
function TodayScreen({ restaurant, waitlist }: ScreenProps): ReactNode {
  const api = useApi();
  const waitlistId = waitlist?.id ?? '';
  const ended = useQuery({
    queryKey: [...queryKeys.waitlist(restaurant.id, waitlistId), 'ended'],
    queryFn: ({ signal }) => readEnded(api, restaurant.id, waitlistId, signal),
    enabled: waitlist !== null,
    refetchInterval: 15_000,
  });
  const now = new Date();
  const owner = restaurant.myRole === 'owner';
  const service = ended.data === undefined ? null : todaysService(ended.data, now, restaurant.timeZone);
  return (
    <section className="today" aria-labelledby="today-title">
      <h1 id="today-title" tabIndex={-1}>
        Today&apos;s service
      </h1>
      {ended.isPending ? <p role="status">Loading today&apos;s parties…</p> : null}
      {ended.isError ? (
        <p className="message message--error" role="alert">
          {describeError(ended.error, 'waitlist')}
        </p>
      ) : null}
      {service === null ? null : (
        <>
          <dl className="today__figures">
            <div>
              <dt>Seated</dt>
              <dd>{service.seated.length}</dd>
            </div>
            <div>
              <dt>Average wait</dt>
              <dd>{service.averageWaitMinutes === null ? 'No seatings yet' : durationText(service.averageWaitMinutes)}</dd>
            </div>
            <div>
              <dt>No-shows</dt>
              <dd>{service.noShows.length}</dd>
            </div>
            <div>
              <dt>Cancelled</dt>
              <dd>{service.cancelled.length}</dd>
            </div>
          </dl>
          <PartyList title="Seated" parties={service.seated} timeZone={restaurant.timeZone} now={now} owner={owner} />
          <PartyList title="No-shows" parties={service.noShows} timeZone={restaurant.timeZone} now={now} owner={owner} />
          <PartyList title="Cancelled" parties={service.cancelled} timeZone={restaurant.timeZone} now={now} owner={owner} />
        </>
      )}
    </section>
  );
}

export const screen: ScreenDefinition = { path: 'today', label: 'Today', scope: 'waitlist', order: 10, Component: TodayScreen };
