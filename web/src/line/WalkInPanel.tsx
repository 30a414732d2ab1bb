import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useEffect, useId, useMemo, useRef, useState, type ReactNode, type SubmitEvent } from 'react';
import { useApi } from '../api/context.js';
import { unwrap } from '../api/errors.js';
import { refreshLine, useLine } from '../api/queries.js';
import { describeError } from '../app/describe-error.js';
import type { WalkInProps } from '../app/screens.js';
import { AddAttempt } from '../lib/moves.js';
import { addRequestOf, draftProblem, emptyDraft, partySizeOf, type PartyDraft } from '../lib/party-draft.js';
import { defaultCountry } from '../lib/phone.js';
import { quoteForNewParty } from '../lib/quote.js';
import { lineNotices } from './actions/notices.js';
import { PartyFields } from './WalkInFields.js';

/**
 * The walk-in form: name, phone in the restaurant's country, party size, and the quote they will
 * get, before saving. Loaded when first opened: it carries the phone number library, the largest
 * part of the app, which the line itself does not need.
 */
export default function WalkInPanel({
  restaurant,
  waitlist,
  visible,
  onClose,
}: WalkInProps & { visible: boolean; onClose: () => void }): ReactNode {
  const api = useApi();
  const queryClient = useQueryClient();
  const line = useLine(restaurant.id, waitlist.id);
  const country = useMemo(() => defaultCountry(restaurant, navigator.language), [restaurant]);
  const [draft, setDraft] = useState<PartyDraft>(() => emptyDraft(country));
  const [shown, setShown] = useState<string | null>(null);
  const attempt = useRef(new AddAttempt());
  const id = useId();
  const fields = useRef<HTMLDivElement>(null);

  const add = useMutation({
    mutationFn: async (body: ReturnType<typeof addRequestOf>) =>
      unwrap(
        await api.POST('/v1/restaurants/{restaurantId}/waitlists/{waitlistId}/waitees', {
          params: {
            path: { restaurantId: restaurant.id, waitlistId: waitlist.id },
            header: { 'Idempotency-Key': attempt.current.idempotencyKey },
          },
          body,
        }),
      ),
    onSuccess: async (party) => {
      attempt.current.succeeded();
      setDraft(emptyDraft(country));
      setShown(null);
      lineNotices.say(
        `Added ${party.name} (party of ${party.partySize}) at position ${party.position ?? '–'}, quoted ${party.quotedWaitMinutes ?? party.estimatedWaitMinutes ?? 0} min.`,
        'status',
      );
      fields.current?.querySelector('input')?.focus();
      await refreshLine(queryClient, restaurant.id, waitlist.id);
    },
    onError: (error) => {
      setShown(describeError(error, 'waitlist'));
    },
  });

  useEffect(() => {
    if (visible) fields.current?.querySelector('input')?.focus();
  }, [visible]);

  const size = partySizeOf(draft);
  const quote = size === null ? null : quoteForNewParty(size, line.data?.parties ?? [], waitlist.defaultWaitMinutes);

  const submit = (event: SubmitEvent<HTMLFormElement>): void => {
    event.preventDefault();
    const problem = draftProblem(draft);
    setShown(problem);
    if (problem === null && !add.isPending) add.mutate(addRequestOf(draft));
  };

  return (
    <form className="form walk-in__form" onSubmit={submit} aria-labelledby={`${id}-title`} aria-describedby={`${id}-quote`} noValidate>
      <h2 id={`${id}-title`}>Add a walk-in</h2>
      <div ref={fields}>
        <PartyFields draft={draft} onChange={setDraft} />
      </div>
      <p id={`${id}-quote`} className="walk-in__quote" aria-live="polite">
        {quote === null ? 'Enter the party size to see the quote.' : `Quote: about ${quote} min`}
      </p>
      {shown === null ? null : (
        <p className="message message--error" role="alert">
          {shown}
        </p>
      )}
      {add.isPaused ? (
        <p className="message" role="status">
          Waiting for the connection; the party will be added once it is back (only once).
        </p>
      ) : null}
      <div className="form__buttons">
        <button type="submit" className="button button--primary" disabled={add.isPending}>
          {add.isPending ? 'Adding…' : 'Add to line'}
        </button>
        <button type="button" className="button" onClick={onClose}>
          Close
        </button>
      </div>
    </form>
  );
}
