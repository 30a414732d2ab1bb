import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type ReactNode } from 'react';
import type { ApiClient } from '../api/client.js';
import { useApi } from '../api/context.js';
import { unwrap } from '../api/errors.js';
import type { components } from '../api/schema.js';
import { describeError } from '../app/describe-error.js';
import type { Restaurant, ScreenDefinition, ScreenProps, Waitlist } from '../app/screens.js';

type JoinLink = components['schemas']['JoinLink'];

const joinLinkKey = (waitlist: Waitlist) => ['restaurants', waitlist.restaurantId, 'waitlists', waitlist.id, 'join-link'] as const;

/**
 * The QR code as a data: URL. The SVG comes from the API (another origin in Azure), which the
 * strict CSP lets the app fetch (connect-src) but not show as an image; data: images it allows.
 */
async function qrCodeOf(api: ApiClient, code: string, signal: AbortSignal): Promise<string> {
  const result = await api.GET('/v1/join/{joinCode}/qr.svg', { params: { path: { joinCode: code } }, parseAs: 'text', signal });
  return `data:image/svg+xml;charset=utf-8,${encodeURIComponent(unwrap(result))}`;
}

/** What goes on the wall: the names, a big QR code and the short link in large type (the print stylesheet prints only this). */
function Poster({
  restaurant,
  waitlist,
  link,
}: {
  restaurant: Restaurant;
  waitlist: Waitlist;
  link: JoinLink & { code: string; url: string };
}): ReactNode {
  const api = useApi();
  const qr = useQuery({ queryKey: ['join-qr', link.code], queryFn: ({ signal }) => qrCodeOf(api, link.code, signal), staleTime: Infinity });
  return (
    <section className="poster" aria-label="Poster">
      <p className="poster__restaurant">{restaurant.name}</p>
      <p className="poster__waitlist">{waitlist.name}</p>
      <p className="poster__call">Scan to join the line</p>
      {qr.data === undefined ? (
        <p className="poster__qr-placeholder" role={qr.error === null ? 'status' : 'alert'}>
          {qr.error === null ? 'Loading the QR code…' : describeError(qr.error, 'waitlist')}
        </p>
      ) : (
        <img className="poster__qr" src={qr.data} alt={`QR code of ${link.url}`} />
      )}
      <p className="poster__or">or open</p>
      <p className="poster__link">{link.url.replace(/^https?:\/\//, '')}</p>
      <p className="poster__note">No app needed. We text you when your table is ready.</p>
    </section>
  );
}

/** Replacing the link stops every printed poster, so it is asked for twice. */
function ReplaceConfirmation({ pending, onReplace, onKeep }: { pending: boolean; onReplace: () => void; onKeep: () => void }): ReactNode {
  return (
    <div className="join-link__confirm" role="group" aria-label="Replace the join link">
      <p>Replace the link? Every poster printed so far stops working at once, and guests who scan it are told to ask the host.</p>
      <button type="button" className="button button--danger" disabled={pending} onClick={onReplace}>
        Yes, replace the link
      </button>
      <button type="button" className="button" onClick={onKeep}>
        Keep the current link
      </button>
    </div>
  );
}

/** Turn on, replace (old posters stop working: confirmed first) and turn off; owners only, as the API allows. */
function LinkControls({ waitlist, link }: { waitlist: Waitlist; link: JoinLink }): ReactNode {
  const api = useApi();
  const queryClient = useQueryClient();
  const [confirmingReplace, setConfirmingReplace] = useState(false);
  const [said, setSaid] = useState<{ text: string; ok: boolean } | null>(null);
  const path = { restaurantId: waitlist.restaurantId, waitlistId: waitlist.id };
  const change = useMutation({
    mutationFn: async (to: 'on' | 'replace' | 'off'): Promise<JoinLink> => {
      if (to !== 'off')
        return unwrap(await api.PUT('/v1/restaurants/{restaurantId}/waitlists/{waitlistId}/join-link', { params: { path } }));
      unwrap(await api.DELETE('/v1/restaurants/{restaurantId}/waitlists/{waitlistId}/join-link', { params: { path } }));
      return { enabled: false, code: null, url: null, qrCodeUrl: null };
    },
    onSuccess: (next, to) => {
      queryClient.setQueryData(joinLinkKey(waitlist), next);
      setConfirmingReplace(false);
      const texts = {
        on: 'The join link is on.',
        replace: 'The join link was replaced: print the new poster.',
        off: 'The join link is off.',
      };
      setSaid({ text: texts[to], ok: true });
    },
    onError: (error) => {
      setSaid({ text: describeError(error, 'waitlist'), ok: false });
    },
  });
  return (
    <div className="join-link__controls">
      {said === null ? null : (
        <p className={`message ${said.ok ? 'message--ok' : 'message--error'}`} role={said.ok ? 'status' : 'alert'}>
          {said.text}
        </p>
      )}
      {!link.enabled ? (
        <button
          type="button"
          className="button button--primary"
          disabled={change.isPending}
          onClick={() => {
            change.mutate('on');
          }}
        >
          Turn the join link on
        </button>
      ) : confirmingReplace ? (
        <ReplaceConfirmation
          pending={change.isPending}
          onReplace={() => {
            change.mutate('replace');
          }}
          onKeep={() => {
            setConfirmingReplace(false);
          }}
        />
      ) : (
        <>
          <button
            type="button"
            className="button"
            disabled={change.isPending}
            onClick={() => {
              setConfirmingReplace(true);
            }}
          >
            Replace the link…
          </button>
          <button
            type="button"
            className="button"
            disabled={change.isPending}
            onClick={() => {
              change.mutate('off');
            }}
          >
            Turn the join link off
          </button>
        </>
      )}
    </div>
  );
}

function JoinLinkScreen({ restaurant, waitlist }: ScreenProps): ReactNode {
  const api = useApi();
  const link = useQuery({
    queryKey: waitlist === null ? ['join-link'] : joinLinkKey(waitlist),
    enabled: waitlist !== null,
    queryFn: async ({ signal }) =>
      unwrap(
        await api.GET('/v1/restaurants/{restaurantId}/waitlists/{waitlistId}/join-link', {
          params: { path: { restaurantId: restaurant.id, waitlistId: waitlist?.id ?? '' } },
          signal,
        }),
      ),
  });
  if (waitlist === null) return null;
  const current = link.data;
  return (
    <div className="join-link">
      <h1 tabIndex={-1}>Join link and poster</h1>
      {current === undefined ? (
        <p role={link.error === null ? 'status' : 'alert'}>{link.error === null ? 'Loading…' : describeError(link.error, 'waitlist')}</p>
      ) : (
        <>
          <p>
            {current.enabled
              ? 'Guests scan the poster’s QR code or type the short link to join this line from their phone, with no account.'
              : 'The join link is off: guests cannot join this line from a poster. The host stand can still add them.'}
          </p>
          {restaurant.myRole === 'owner' ? <LinkControls waitlist={waitlist} link={current} /> : null}
          {current.enabled && current.code !== null && current.url !== null ? (
            <>
              <button
                type="button"
                className="button button--primary join-link__print"
                onClick={() => {
                  window.print();
                }}
              >
                Print poster
              </button>
              <Poster restaurant={restaurant} waitlist={waitlist} link={{ ...current, code: current.code, url: current.url }} />
            </>
          ) : null}
        </>
      )}
    </div>
  );
}

export const screen: ScreenDefinition = { path: 'join-link', label: 'Join link', scope: 'waitlist', order: 25, Component: JoinLinkScreen };
