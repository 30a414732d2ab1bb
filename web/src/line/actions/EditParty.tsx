import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useMemo, useState, type SubmitEvent, type ReactNode } from 'react';
import { useApi } from '../../api/context.js';
import { unwrap } from '../../api/errors.js';
import { refreshLine } from '../../api/queries.js';
import { describeError } from '../../app/describe-error.js';
import type { Restaurant, Waitee } from '../../app/screens.js';
import { moveHeaders } from '../../lib/moves.js';
import { changesOf, draftOf, draftProblem, type PartyDraft } from '../../lib/party-draft.js';
import { defaultCountry } from '../../lib/phone.js';
import { PartyFields } from '../WalkInFields.js';
import { lineNotices } from './notices.js';

/** Change a party's name, phone, size or notes, against the version on screen (If-Match). */
export default function EditParty({ party, restaurant, onDone }: { party: Waitee; restaurant: Restaurant; onDone: () => void }): ReactNode {
  const api = useApi();
  const queryClient = useQueryClient();
  const country = useMemo(() => defaultCountry(restaurant, navigator.language), [restaurant]);
  // The version the host started from: changes are what they typed against it, and it goes in
  // If-Match, so a change made meanwhile on another device is never silently undone.
  const [base, setBase] = useState(party);
  // Whether the host has been told the party changed since: then the next save goes against the latest.
  const [toldChanged, setToldChanged] = useState(false);
  const [draft, setDraft] = useState<PartyDraft>(() => draftOf(party, country));
  const [shown, setShown] = useState<string | null>(null);

  const save = useMutation({
    mutationFn: async ({ changes, version }: { changes: NonNullable<ReturnType<typeof changesOf>>; version: Waitee }) =>
      unwrap(
        await api.PATCH('/v1/restaurants/{restaurantId}/waitlists/{waitlistId}/waitees/{waiteeId}', {
          params: {
            path: { restaurantId: version.restaurantId, waitlistId: version.waitlistId, waiteeId: version.id },
            header: moveHeaders(version),
          },
          body: changes,
        }),
      ),
    onSuccess: (saved) => {
      lineNotices.say(`${saved.name} (party of ${saved.partySize}) saved.`, 'status');
      onDone();
    },
    onError: (error) => {
      setToldChanged(true);
      setShown(describeError(error, 'party'));
    },
    onSettled: () => refreshLine(queryClient, restaurant.id, base.waitlistId),
  });

  const submit = (event: SubmitEvent<HTMLFormElement>): void => {
    event.preventDefault();
    const problem = draftProblem(draft);
    if (problem !== null) {
      setShown(problem);
      return;
    }
    let from = base;
    if (party.etag !== base.etag) {
      // The line shows a newer version than the one the edit began from: say so once, and let the
      // host look before saving over it.
      if (!toldChanged) {
        setToldChanged(true);
        setShown('Someone else changed this party while you were editing; the line shows the latest. Check it and save again.');
        return;
      }
      from = party;
      setBase(party);
    }
    setToldChanged(false);
    const changes = changesOf(from, draft);
    if (changes === null) onDone();
    else save.mutate({ changes, version: from });
  };

  return (
    <form className="form edit-party" onSubmit={submit} aria-label={`Edit ${party.name}`} noValidate>
      <PartyFields draft={draft} onChange={setDraft} />
      {shown === null ? null : (
        <p className="message message--error" role="alert">
          {shown}
        </p>
      )}
      <div className="form__buttons">
        <button type="submit" className="button button--primary" disabled={save.isPending}>
          {save.isPending ? 'Saving…' : 'Save'}
        </button>
        <button type="button" className="button" onClick={onDone}>
          Close
        </button>
      </div>
    </form>
  );
}
