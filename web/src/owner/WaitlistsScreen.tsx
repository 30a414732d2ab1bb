import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useId, useState, type SubmitEvent, type ReactNode } from 'react';
import { useApi } from '../api/context.js';
import { unwrap } from '../api/errors.js';
import { queryKeys, useWaitlists } from '../api/queries.js';
import { describeError } from '../app/describe-error.js';
import { Link, paths } from '../app/router.js';
import type { ScreenDefinition, ScreenProps, Waitlist } from '../app/screens.js';

type Outcome = { readonly text: string; readonly ok: boolean } | null;

function Outcome({ outcome }: { outcome: Outcome }): ReactNode {
  if (outcome === null) return null;
  return (
    <p className={`message ${outcome.ok ? 'message--ok' : 'message--error'}`} role={outcome.ok ? 'status' : 'alert'}>
      {outcome.text}
    </p>
  );
}

/** Rename and delete for one waitlist, each against the version on screen; the outcome is said in words. */
function useWaitlistChanges(waitlist: Waitlist, say: (outcome: Outcome) => void) {
  const api = useApi();
  const queryClient = useQueryClient();
  const path = { restaurantId: waitlist.restaurantId, waitlistId: waitlist.id };
  const header = { 'If-Match': waitlist.etag };
  const refresh = (): Promise<void> => queryClient.invalidateQueries({ queryKey: queryKeys.waitlists(waitlist.restaurantId) });
  const failed = (error: Error): void => {
    say({ text: describeError(error, 'waitlist'), ok: false });
  };
  const rename = useMutation({
    mutationFn: async (newName: string) =>
      unwrap(
        await api.PATCH('/v1/restaurants/{restaurantId}/waitlists/{waitlistId}', { params: { path, header }, body: { name: newName } }),
      ),
    onSuccess: (saved) => {
      say({ text: `Renamed to ${saved.name}.`, ok: true });
    },
    onError: failed,
    onSettled: refresh,
  });
  const remove = useMutation({
    mutationFn: async () => {
      const { error, response } = await api.DELETE('/v1/restaurants/{restaurantId}/waitlists/{waitlistId}', { params: { path, header } });
      if (!response.ok) unwrap({ error, response });
    },
    onError: failed,
    onSettled: refresh,
  });
  return { rename, remove };
}

/** One waitlist: rename it, or delete it (asked first; the server refuses while parties are in line). */
function WaitlistRow({ waitlist }: { waitlist: Waitlist }): ReactNode {
  const id = useId();
  const [name, setName] = useState(waitlist.name);
  const [confirming, setConfirming] = useState(false);
  const [outcome, setOutcome] = useState<Outcome>(null);
  const { rename, remove } = useWaitlistChanges(waitlist, setOutcome);
  const submit = (event: SubmitEvent<HTMLFormElement>): void => {
    event.preventDefault();
    if (name.trim() === '') setOutcome({ text: 'Enter a name for the waitlist.', ok: false });
    else if (name.trim() !== waitlist.name) rename.mutate(name.trim());
  };
  return (
    <li className="owner__item">
      <form className="owner__inline" onSubmit={submit} noValidate>
        <label htmlFor={`${id}-name`} className="visually-hidden">
          Name of the waitlist {waitlist.name}
        </label>
        <input
          id={`${id}-name`}
          value={name}
          maxLength={60}
          onChange={(event) => {
            setName(event.target.value);
          }}
        />
        <button type="submit" className="button" disabled={rename.isPending}>
          Rename
        </button>
        {confirming ? (
          <>
            <span>Delete {waitlist.name} for good?</span>
            <button
              type="button"
              className="button button--danger"
              autoFocus
              onClick={() => {
                remove.mutate();
              }}
            >
              Yes, delete
            </button>
            <button
              type="button"
              className="button"
              onClick={() => {
                setConfirming(false);
              }}
            >
              Keep it
            </button>
          </>
        ) : (
          <button
            type="button"
            className="button button--danger"
            onClick={() => {
              setConfirming(true);
            }}
          >
            Delete<span className="visually-hidden"> {waitlist.name}</span>
          </button>
        )}
      </form>
      <p className="owner__meta">
        {waitlist.open ? 'Open' : 'Closed'} · {waitlist.partiesInLine} in line ·{' '}
        <Link to={paths.line(waitlist.restaurantId, waitlist.id)}>Run this line</Link>
      </p>
      <Outcome outcome={outcome} />
    </li>
  );
}

function CreateWaitlist({ restaurantId }: { restaurantId: string }): ReactNode {
  const api = useApi();
  const queryClient = useQueryClient();
  const id = useId();
  const [name, setName] = useState('');
  const [outcome, setOutcome] = useState<Outcome>(null);
  const create = useMutation({
    mutationFn: async (newName: string) =>
      unwrap(await api.POST('/v1/restaurants/{restaurantId}/waitlists', { params: { path: { restaurantId } }, body: { name: newName } })),
    onSuccess: (created) => {
      setName('');
      setOutcome({ text: `Created ${created.name}. It is open, with a 15 min default wait; change that in its settings.`, ok: true });
    },
    onError: (error) => {
      setOutcome({ text: describeError(error, 'restaurant'), ok: false });
    },
    onSettled: () => queryClient.invalidateQueries({ queryKey: queryKeys.waitlists(restaurantId) }),
  });
  const submit = (event: SubmitEvent<HTMLFormElement>): void => {
    event.preventDefault();
    if (name.trim() === '') setOutcome({ text: 'Enter a name for the new waitlist, such as Patio.', ok: false });
    else create.mutate(name.trim());
  };
  return (
    <form className="form owner__form" onSubmit={submit} noValidate aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>New waitlist</h2>
      <label htmlFor={`${id}-name`}>Name</label>
      <input
        id={`${id}-name`}
        value={name}
        maxLength={60}
        placeholder="Patio"
        onChange={(event) => {
          setName(event.target.value);
        }}
      />
      <Outcome outcome={outcome} />
      <button type="submit" className="button button--primary" disabled={create.isPending}>
        Create waitlist
      </button>
    </form>
  );
}

function WaitlistsScreen({ restaurant }: ScreenProps): ReactNode {
  const waitlists = useWaitlists(restaurant.id);
  return (
    <section className="owner" aria-labelledby="waitlists-title">
      <h1 id="waitlists-title" tabIndex={-1}>
        Waitlists
      </h1>
      {waitlists.isError ? (
        <p className="message message--error" role="alert">
          {describeError(waitlists.error, 'restaurant')}
        </p>
      ) : null}
      {waitlists.data === undefined ? null : (
        <ul className="owner__list" aria-label="Waitlists of this restaurant">
          {waitlists.data.map((waitlist) => (
            <WaitlistRow key={waitlist.id} waitlist={waitlist} />
          ))}
        </ul>
      )}
      <CreateWaitlist restaurantId={restaurant.id} />
    </section>
  );
}

export const screen: ScreenDefinition = {
  path: 'waitlists',
  label: 'Waitlists',
  scope: 'restaurant',
  ownerOnly: true,
  order: 31,
  Component: WaitlistsScreen,
};
