import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type ReactNode } from 'react';
import { useApi } from '../api/context.js';
import { unwrap } from '../api/errors.js';
import { queryKeys } from '../api/queries.js';
import type { Waitee } from '../app/screens.js';
import { describeError } from '../app/describe-error.js';

/**
 * An owner removes a finished party's name, phone and notes at the guest's request, after saying
 * yes once more: it cannot be undone. The party stays in the figures (its times and size).
 */
export function ForgetParty({ party }: { party: Waitee }): ReactNode {
  const api = useApi();
  const queryClient = useQueryClient();
  const [confirming, setConfirming] = useState(false);
  const forget = useMutation({
    mutationFn: async () => {
      const path = { restaurantId: party.restaurantId, waitlistId: party.waitlistId, waiteeId: party.id };
      unwrap(
        await api.DELETE('/v1/restaurants/{restaurantId}/waitlists/{waitlistId}/waitees/{waiteeId}/personal-data', { params: { path } }),
      );
    },
    onSettled: () => queryClient.invalidateQueries({ queryKey: queryKeys.waitlist(party.restaurantId, party.waitlistId) }),
    onSuccess: () => {
      setConfirming(false);
    },
  });
  if (party.personalDataRemovedAt !== null) return <span className="hint">Details removed</span>;
  if (!confirming) {
    return (
      <button
        type="button"
        className="button"
        onClick={() => {
          setConfirming(true);
        }}
      >
        Remove details<span className="visually-hidden"> of {party.name}</span>
      </button>
    );
  }
  return (
    <span role="group" aria-label={`Remove the details of ${party.name}`}>
      <span>Remove {party.name}’s name, phone and notes for good?</span>{' '}
      <button
        type="button"
        className="button button--danger"
        autoFocus
        disabled={forget.isPending}
        onClick={() => {
          forget.mutate();
        }}
      >
        Yes, remove
      </button>{' '}
      <button
        type="button"
        className="button"
        onClick={() => {
          setConfirming(false);
        }}
      >
        Keep them
      </button>
      {forget.isError ? (
        <span className="message message--error" role="alert">
          {describeError(forget.error, 'party')}
        </span>
      ) : null}
    </span>
  );
}
