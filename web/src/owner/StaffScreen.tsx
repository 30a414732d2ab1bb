import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useId, useState, type SubmitEvent, type ReactNode } from 'react';
import type { ApiClient } from '../api/client.js';
import { useApi, useSessionState } from '../api/context.js';
import { unwrap } from '../api/errors.js';
import { queryKeys } from '../api/queries.js';
import type { components } from '../api/schema.js';
import { describeError } from '../app/describe-error.js';
import type { ScreenDefinition, ScreenProps } from '../app/screens.js';

type Member = components['schemas']['Member'];
type Role = Member['role'];

const roleWords: Readonly<Record<Role, string>> = { owner: 'Owner', staff: 'Staff' };
const staffKey = (restaurantId: string) => [...queryKeys.restaurant(restaurantId), 'staff'] as const;

async function addMember(api: ApiClient, restaurantId: string, email: string, role: Role): Promise<Member> {
  return unwrap(await api.POST('/v1/restaurants/{restaurantId}/staff', { params: { path: { restaurantId } }, body: { email, role } }));
}

async function removeMember(api: ApiClient, restaurantId: string, userId: string): Promise<void> {
  const { error, response } = await api.DELETE('/v1/restaurants/{restaurantId}/staff/{userId}', {
    params: { path: { restaurantId, userId } },
  });
  if (!response.ok) unwrap({ error, response });
}

/**
 * The API has no "change role": a member is removed and added again with the other role, as its
 * own conflict message advises. If the add fails after the removal, the sentence says so.
 */
async function changeRole(api: ApiClient, restaurantId: string, member: Member, role: Role): Promise<Member> {
  await removeMember(api, restaurantId, member.userId);
  try {
    return await addMember(api, restaurantId, member.email, role);
  } catch (error) {
    throw new Error(
      `${member.displayName} was removed but could not be added back as ${role}: ${describeError(error, 'member')} Add them again below.`,
      { cause: error },
    );
  }
}

function MemberRow({ member, restaurantId, isMe }: { member: Member; restaurantId: string; isMe: boolean }): ReactNode {
  const api = useApi();
  const queryClient = useQueryClient();
  const [confirming, setConfirming] = useState<'remove' | Role | null>(null);
  const other: Role = member.role === 'owner' ? 'staff' : 'owner';
  const act = useMutation({
    mutationFn: async (what: 'remove' | Role): Promise<void> => {
      if (what === 'remove') await removeMember(api, restaurantId, member.userId);
      else await changeRole(api, restaurantId, member, what);
    },
    onSettled: () => queryClient.invalidateQueries({ queryKey: staffKey(restaurantId) }),
  });
  const question =
    confirming === 'remove'
      ? `Remove ${member.displayName}${isMe ? ' (you)' : ''} from the restaurant?${isMe ? ' You will lose access to it.' : ''}`
      : `Make ${member.displayName}${isMe ? ' (you)' : ''} ${confirming === 'owner' ? 'an owner' : 'staff'}?${isMe && confirming === 'staff' ? ' You will no longer manage the restaurant.' : ''}`;
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
            Make {other === 'owner' ? 'owner' : 'staff'}
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

function AddMember({ restaurantId }: { restaurantId: string }): ReactNode {
  const api = useApi();
  const queryClient = useQueryClient();
  const id = useId();
  const [email, setEmail] = useState('');
  const [role, setRole] = useState<Role>('staff');
  const [added, setAdded] = useState<string | null>(null);
  const add = useMutation({
    mutationFn: () => addMember(api, restaurantId, email.trim(), role),
    onSuccess: (member) => {
      setEmail('');
      setAdded(`${member.displayName} can now sign in and ${member.role === 'owner' ? 'manage this restaurant' : 'run its lines'}.`);
    },
    onSettled: () => queryClient.invalidateQueries({ queryKey: staffKey(restaurantId) }),
  });
  const submit = (event: SubmitEvent<HTMLFormElement>): void => {
    event.preventDefault();
    setAdded(null);
    add.mutate();
  };
  return (
    <form className="form owner__form" onSubmit={submit} aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>Add someone</h2>
      <p className="hint">They need an account first: ask them to register, then add them by the email they registered with.</p>
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
      {add.isError ? (
        <p className="message message--error" role="alert">
          {describeError(add.error, 'member')}
        </p>
      ) : null}
      {added === null ? null : (
        <p className="message message--ok" role="status">
          {added}
        </p>
      )}
      <button type="submit" className="button button--primary" disabled={add.isPending}>
        Add to the restaurant
      </button>
    </form>
  );
}

function StaffScreen({ restaurant }: ScreenProps): ReactNode {
  const api = useApi();
  const session = useSessionState();
  const members = useQuery({
    queryKey: staffKey(restaurant.id),
    queryFn: async ({ signal }) =>
      unwrap(await api.GET('/v1/restaurants/{restaurantId}/staff', { params: { path: { restaurantId: restaurant.id } }, signal })).items,
  });
  return (
    <section className="owner" aria-labelledby="staff-title">
      <h1 id="staff-title" tabIndex={-1}>
        Staff
      </h1>
      {members.isError ? (
        <p className="message message--error" role="alert">
          {describeError(members.error, 'restaurant')}
        </p>
      ) : null}
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
      <AddMember restaurantId={restaurant.id} />
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
