import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { useApi } from '../api/context.js';
import { unwrap } from '../api/errors.js';
import { queryKeys, useMyInvitations } from '../api/queries.js';
import type { components } from '../api/schema.js';
import { describeError } from './describe-error.js';

type MyInvitation = components['schemas']['MyInvitation'];

function InvitationItem({ invitation }: { invitation: MyInvitation }): ReactNode {
  const api = useApi();
  const queryClient = useQueryClient();
  const answer = useMutation({
    mutationFn: async (reply: 'accept' | 'decline') => {
      const path = { params: { path: { invitationId: invitation.id } } };
      if (reply === 'accept') unwrap(await api.POST('/v1/me/invitations/{invitationId}/accept', path));
      else unwrap(await api.POST('/v1/me/invitations/{invitationId}/decline', path));
    },
    onSettled: async () => {
      await Promise.all([
        queryClient.invalidateQueries({ queryKey: queryKeys.myInvitations }),
        queryClient.invalidateQueries({ queryKey: queryKeys.restaurants }),
      ]);
    },
  });
  return (
    <li className="invitation">
      <p>
        <strong>{invitation.restaurantName}</strong> invites you as {invitation.role === 'owner' ? 'an owner' : 'staff'}
        {invitation.invitedByName === '' ? '' : ` (from ${invitation.invitedByName})`}.
      </p>
      <div className="invitation__actions">
        <button
          type="button"
          className="button button--primary"
          disabled={answer.isPending}
          onClick={() => {
            answer.mutate('accept');
          }}
        >
          Join {invitation.restaurantName}
        </button>
        <button
          type="button"
          className="button"
          disabled={answer.isPending}
          onClick={() => {
            answer.mutate('decline');
          }}
        >
          Decline
        </button>
      </div>
      {answer.isError ? (
        <p className="message message--error" role="alert">
          {describeError(answer.error, 'restaurant')}
        </p>
      ) : null}
    </li>
  );
}

/** Invitations waiting for this account, answered from the picker: joining makes the restaurant choosable at once. */
export function Invitations(): ReactNode {
  const invitations = useMyInvitations();
  if (invitations.data === undefined || invitations.data.length === 0) return null;
  return (
    <section aria-labelledby="invitations-title">
      <h2 id="invitations-title">Invitations</h2>
      <ul className="choices">
        {invitations.data.map((invitation) => (
          <InvitationItem key={invitation.id} invitation={invitation} />
        ))}
      </ul>
    </section>
  );
}
