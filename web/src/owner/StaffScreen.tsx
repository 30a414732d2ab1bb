import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useId, useState, type ReactNode, type SubmitEvent } from 'react';
import type { ApiClient } from '../api/client.js';
import { useApi, useSessionState } from '../api/context.js';
import { unwrap } from '../api/errors.js';
import { queryKeys } from '../api/queries.js';
import type { components } from '../api/schema.js';
import { describeError } from '../app/describe-error.js';
import type { ScreenDefinition, ScreenProps } from '../app/screens.js';
import { clockTime } from '../lib/time.js';

type Member = components['schemas']['Member'];
type Invitation = components['schemas']['Invitation'];
type Role = Member['role'];

const roleWords: Readonly<Record<Role, string>> = { owner: 'Owner', staff: 'Staff' };
const membersKey = (restaurantId: string) => [...queryKeys.restaurant(restaurantId), 'staff'] as const;
const invitationsKey = (restaurantId: string) => [...queryKeys.restaurant(restaurantId), 'invitations'] as const;

/** POST …/invitations: 201 for a new invitation, 200 when the address's pending one was refreshed. */
async function invite(
  api: ApiClient,
  restaurantId: string,
  email: string,
  role: Role,
): Promise<{ invitation: Invitation; refreshed: boolean }> {
  const result = await api.POST('/v1/restaurants/{restaurantId}/invitations', {
    params: { path: { restaurantId } },
    body: { email, role },
  });
  return { invitation: unwrap(result), refreshed: result.response.status === 200 };
}

async function removeMember(api: ApiClient, restaurantId: string, userId: string): Promise<void> {
  const { error, response } = await api.DELETE('/v1/restaurants/{restaurantId}/staff/{userId}', {
    params: { path: { restaurantId, userId } },
  });
  if (!response.ok) unwrap({ error, response });
}

/**
 * The API changes no one's role in place: nobody becomes a member, or an owner, without saying yes.
 * So a new role is a removal and an invitation with that role, which they accept to come back.
 */
async function changeRole(api: ApiClient, restaurantId: string, member: Member, role: Role): Promise<void> {
  await removeMember(api, restaurantId, member.userId);
  try {
    await invite(api, restaurantId, member.email, role);
  } catch (error) {
    throw new Error(
      `${member.displayName} was removed but could not be invited back as ${role}: ${describeError(error, 'member')} Invite them below.`,
      {
        cause: error,
      },
    );
  }
}

function useRefreshPeople(restaurantId: string): () => Promise<void> {
  const queryClient = useQueryClient();
  return async () => {
    await Promise.all([
      queryClient.invalidateQueries({ queryKey: membersKey(restaurantId) }),
      queryClient.invalidateQueries({ queryKey: invitationsKey(restaurantId) }),
    ]);
  };
}

function confirmText(member: Member, what: 'remove' | Role, isMe: boolean): string {
  const who = `${member.displayName}${isMe ? ' (you)' : ''}`;
  if (what === 'remove') return `Remove ${who} from the restaurant?${isMe ? ' You will lose access to it.' : ''}`;
  return `Make ${who} ${what === 'owner' ? 'an owner' : 'staff'}? They are removed and invited again as ${what}, and are back once they accept.`;
}

function MemberRow({ member, restaurantId, isMe }: { member: Member; restaurantId: string; isMe: boolean }): ReactNode {
  const api = useApi();
  const refresh = useRefreshPeople(restaurantId);
  const [confirming, setConfirming] = useState<'remove' | Role | null>(null);
  const other: Role = member.role === 'owner' ? 'staff' : 'owner';
  const act = useMutation({
    mutationFn: async (what: 'remove' | Role): Promise<void> => {
      if (what === 'remove') await removeMember(api, restaurantId, member.userId);
      else await changeRole(api, restaurantId, member, what);
    },
    onSettled: refresh,
  });
  const question = confirming === null ? '' : confirmText(member, confirming, isMe);
  return (
    <li className="owner__item">
      <p className="owner__who">
        <strong>{member.displayName}</strong> {isMe ? '(you) ' : ''}· {member.email} ·{' '}
        <span className="owner__role">{roleWords[member.role]}</span>
      </p>
      {confirming === null ? (
        <div className="owner__inline" role="group" aria-label={`Change ${member.displayName}`}>
          <button
            type="button"
            className="button"
            onClick={() => {
              setConfirming(other);
            }}
          >
            Make {other}
            <span className="visually-hidden"> {member.displayName}</span>
          </button>
          <button
            type="button"
            className="button button--danger"
            onClick={() => {
              setConfirming('remove');
            }}
          >
            Remove<span className="visually-hidden"> {member.displayName}</span>
          </button>
        </div>
      ) : (
        <div className="owner__inline" role="group" aria-label={question}>
          <span>{question}</span>
          <button
            type="button"
            className={`button ${confirming === 'remove' ? 'button--danger' : 'button--primary'}`}
            autoFocus
            onClick={() => {
              act.mutate(confirming);
              setConfirming(null);
            }}
          >
            Yes
          </button>
          <button
            type="button"
            className="button"
            onClick={() => {
              setConfirming(null);
            }}
          >
            No
          </button>
        </div>
      )}
      {act.isError ? (
        <p className="message message--error" role="alert">
          {describeError(act.error, 'member')}
        </p>
      ) : null}
    </li>
  );
}

function InvitationRow({ invitation, timeZone }: { invitation: Invitation; timeZone: string }): ReactNode {
  const api = useApi();
  const refresh = useRefreshPeople(invitation.restaurantId);
  const revoke = useMutation({
    mutationFn: async () => {
      const { error, response } = await api.DELETE('/v1/restaurants/{restaurantId}/invitations/{invitationId}', {
        params: { path: { restaurantId: invitation.restaurantId, invitationId: invitation.id } },
      });
      if (!response.ok) unwrap({ error, response });
    },
    onSettled: refresh,
  });
  const until = new Date(invitation.expiresAt).toLocaleDateString(undefined, { timeZone, month: 'short', day: 'numeric' });
  return (
    <li className="owner__item">
      <p className="owner__who">
        <strong>{invitation.email}</strong> · invited as <span className="owner__role">{roleWords[invitation.role]}</span> by{' '}
        {invitation.invitedByName}, valid until {until} {clockTime(invitation.expiresAt, timeZone)}
      </p>
      <div className="owner__inline">
        <button
          type="button"
          className="button button--danger"
          disabled={revoke.isPending}
          onClick={() => {
            revoke.mutate();
          }}
        >
          Revoke<span className="visually-hidden"> the invitation of {invitation.email}</span>
        </button>
      </div>
      {revoke.isError ? (
        <p className="message message--error" role="alert">
          {describeError(revoke.error, 'member')}
        </p>
      ) : null}
    </li>
  );
}

function InviteForm({ restaurantId }: { restaurantId: string }): ReactNode {
  const api = useApi();
  const refresh = useRefreshPeople(restaurantId);
  const id = useId();
  const [email, setEmail] = useState('');
  const [role, setRole] = useState<Role>('staff');
  const [sent, setSent] = useState<string | null>(null);
  const send = useMutation({
    mutationFn: () => invite(api, restaurantId, email.trim(), role),
    onSuccess: ({ invitation, refreshed }) => {
      setEmail('');
      setSent(
        refreshed
          ? `The invitation to ${invitation.email} was renewed, as ${invitation.role}.`
          : `Invited ${invitation.email} as ${invitation.role}. Once they sign in (or register with this address) and accept, they are in.`,
      );
    },
    onSettled: refresh,
  });
  const submit = (event: SubmitEvent<HTMLFormElement>): void => {
    event.preventDefault();
    setSent(null);
    send.mutate();
  };
  return (
    <form className="form owner__form" onSubmit={submit} aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>Invite someone</h2>
      <label htmlFor={`${id}-email`}>Email</label>
      <input
        id={`${id}-email`}
        type="email"
        required
        value={email}
        autoComplete="off"
        onChange={(event) => {
          setEmail(event.target.value);
        }}
      />
      <label htmlFor={`${id}-role`}>Role</label>
      <select
        id={`${id}-role`}
        value={role}
        onChange={(event) => {
          setRole(event.target.value as Role);
        }}
      >
        <option value="staff">Staff: runs the lines</option>
        <option value="owner">Owner: also settings, waitlists and staff</option>
      </select>
      {send.isError ? (
        <p className="message message--error" role="alert">
          {describeError(send.error, 'member')}
        </p>
      ) : null}
      {sent === null ? null : (
        <p className="message message--ok" role="status">
          {sent}
        </p>
      )}
      <button type="submit" className="button button--primary" disabled={send.isPending}>
        Send invitation
      </button>
    </form>
  );
}

function StaffScreen({ restaurant }: ScreenProps): ReactNode {
  const api = useApi();
  const session = useSessionState();
  const path = { restaurantId: restaurant.id };
  const members = useQuery({
    queryKey: membersKey(restaurant.id),
    queryFn: async ({ signal }) => unwrap(await api.GET('/v1/restaurants/{restaurantId}/staff', { params: { path }, signal })).items,
    refetchInterval: 15_000,
  });
  const invitations = useQuery({
    queryKey: invitationsKey(restaurant.id),
    queryFn: async ({ signal }) => unwrap(await api.GET('/v1/restaurants/{restaurantId}/invitations', { params: { path }, signal })).items,
    refetchInterval: 15_000,
  });
  const failed = members.error ?? invitations.error;
  return (
    <section className="owner" aria-labelledby="staff-title">
      <h1 id="staff-title" tabIndex={-1}>
        Staff
      </h1>
      {failed === null ? null : (
        <p className="message message--error" role="alert">
          {describeError(failed, 'restaurant')}
        </p>
      )}
      {members.data === undefined ? null : (
        <ul className="owner__list" aria-label="Members of this restaurant">
          {members.data.map((member) => (
            <MemberRow
              key={member.userId}
              member={member}
              restaurantId={restaurant.id}
              isMe={member.email.toLowerCase() === session.email?.toLowerCase()}
            />
          ))}
        </ul>
      )}
      <h2>Pending invitations</h2>
      {invitations.data?.length === 0 ? <p className="today__none">None.</p> : null}
      {invitations.data === undefined || invitations.data.length === 0 ? null : (
        <ul className="owner__list" aria-label="Pending invitations">
          {invitations.data.map((invitation) => (
            <InvitationRow key={invitation.id} invitation={invitation} timeZone={restaurant.timeZone} />
          ))}
        </ul>
      )}
      <InviteForm restaurantId={restaurant.id} />
    </section>
  );
}

export const screen: ScreenDefinition = {
  path: 'staff',
  label: 'Staff',
  scope: 'restaurant',
  ownerOnly: true,
  order: 32,
  Component: StaffScreen,
};
