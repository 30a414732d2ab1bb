import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useId, useState, type SubmitEvent, type ReactNode } from 'react';
import { messageKinds } from '../../../src/domain/messages.js';
import { useApi } from '../api/context.js';
import { ApiProblem, unwrap } from '../api/errors.js';
import { queryKeys, useLine } from '../api/queries.js';
import type { components } from '../api/schema.js';
import { describeError } from '../app/describe-error.js';
import type { ScreenDefinition, ScreenProps, Waitlist } from '../app/screens.js';
import { sampleStatusUrl, sampleValues } from '../lib/segments.js';
import { settingsChangeOf, settingsDraftOf, templateOfField, type SettingsDraft } from '../lib/waitlist-settings.js';
import { TemplateEditor } from './TemplateEditor.js';

type WaitlistChange = components['schemas']['UpdateWaitlistRequest'];

/** PATCH the waitlist against the version on screen; the answer replaces the cached waitlist. */
function useSaveWaitlist(waitlist: Waitlist) {
  const api = useApi();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (body: WaitlistChange) =>
      unwrap(
        await api.PATCH('/v1/restaurants/{restaurantId}/waitlists/{waitlistId}', {
          params: { path: { restaurantId: waitlist.restaurantId, waitlistId: waitlist.id }, header: { 'If-Match': waitlist.etag } },
          body,
        }),
      ),
    onSuccess: (saved) => {
      queryClient.setQueryData(queryKeys.waitlist(waitlist.restaurantId, waitlist.id), saved);
    },
    onSettled: () => queryClient.invalidateQueries({ queryKey: queryKeys.waitlists(waitlist.restaurantId) }),
  });
}

/** Open or close the line to customers joining from their phones; one tap, said in words. */
function OpenClose({ waitlist }: { waitlist: Waitlist }): ReactNode {
  const save = useSaveWaitlist(waitlist);
  return (
    <section className="settings__open" aria-labelledby="open-title">
      <h2 id="open-title">Joining</h2>
      <p>
        The line is <strong>{waitlist.open ? 'open' : 'closed'}</strong>:{' '}
        {waitlist.open ? 'customers can join it from their phones.' : 'customers cannot join; you can still add walk-ins.'}
      </p>
      <button
        type="button"
        className="button"
        disabled={save.isPending}
        onClick={() => {
          save.mutate({ open: !waitlist.open });
        }}
      >
        {waitlist.open ? 'Close the line' : 'Open the line'}
      </button>
      {save.isError ? (
        <p className="message message--error" role="alert">
          {describeError(save.error, 'waitlist')}
        </p>
      ) : null}
    </section>
  );
}

function refusalOf(error: unknown): { readonly kind: ReturnType<typeof templateOfField>; readonly text: string } | null {
  if (error === null) return null;
  const kind = error instanceof ApiProblem ? templateOfField(error.problem?.field) : null;
  return { kind, text: describeError(error, 'waitlist') };
}

/** A whole number of minutes, with what it does. */
function MinutesField(props: { label: string; max: number; hint: string; value: string; onChange: (value: string) => void }): ReactNode {
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id}>{props.label}</label>
      <input
        id={id}
        type="number"
        inputMode="numeric"
        min={0}
        max={props.max}
        value={props.value}
        aria-describedby={`${id}-hint`}
        onChange={(event) => {
          props.onChange(event.target.value);
        }}
      />
      <p id={`${id}-hint`} className="hint">
        {props.hint}
      </p>
    </div>
  );
}

/** Default wait, grace period and the three texts, saved together. */
function SettingsForm({ waitlist, restaurantName }: { waitlist: Waitlist; restaurantName: string }): ReactNode {
  const id = useId();
  // A real party's status link when there is one, so the preview is as long as the text will be.
  const line = useLine(waitlist.restaurantId, waitlist.id);
  const save = useSaveWaitlist(waitlist);
  const [draft, setDraft] = useState<SettingsDraft>(() => settingsDraftOf(waitlist));
  const [problem, setProblem] = useState<string | null>(null);
  const [saved, setSaved] = useState(false);
  const sample = sampleValues(restaurantName, line.data?.parties[0]?.statusUrl ?? sampleStatusUrl(`${window.location.origin}/api`));
  const refusal = refusalOf(save.error);

  const submit = (event: SubmitEvent<HTMLFormElement>): void => {
    event.preventDefault();
    setSaved(false);
    const change = settingsChangeOf(waitlist, draft);
    setProblem(change.ok ? null : change.problem);
    if (!change.ok) return;
    if (change.body === null) setSaved(true);
    else
      save.mutate(change.body, {
        onSuccess: () => {
          setSaved(true);
        },
      });
  };

  return (
    <form className="form settings__form" onSubmit={submit} noValidate aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>Waits and texts</h2>
      <MinutesField
        label="Default wait (minutes)"
        max={600}
        hint="Quoted while there are too few recent seatings to estimate from."
        value={draft.defaultWaitMinutes}
        onChange={(value) => {
          setDraft({ ...draft, defaultWaitMinutes: value });
        }}
      />
      <MinutesField
        label="Grace period (minutes)"
        max={120}
        hint="After one grace period a notified party is paged again; after two it is a no-show."
        value={draft.gracePeriodMinutes}
        onChange={(value) => {
          setDraft({ ...draft, gracePeriodMinutes: value });
        }}
      />
      {messageKinds.map((kind) => (
        <TemplateEditor
          key={kind}
          kind={kind}
          value={draft.templates[kind]}
          sample={sample}
          serverRefusal={refusal?.kind === kind ? refusal.text : null}
          onChange={(text) => {
            setDraft({ ...draft, templates: { ...draft.templates, [kind]: text } });
          }}
        />
      ))}
      {problem === null ? null : (
        <p className="message message--error" role="alert">
          {problem}
        </p>
      )}
      {refusal === null ? null : (
        <p className="message message--error" role="alert">
          Not saved. {refusal.text}
        </p>
      )}
      {saved ? (
        <p className="message message--ok" role="status">
          Saved.
        </p>
      ) : null}
      <button type="submit" className="button button--primary" disabled={save.isPending}>
        {save.isPending ? 'Saving…' : 'Save settings'}
      </button>
    </form>
  );
}

function SettingsScreen({ restaurant, waitlist }: ScreenProps): ReactNode {
  if (waitlist === null) return null;
  return (
    <section className="settings" aria-labelledby="settings-title">
      <h1 id="settings-title" tabIndex={-1}>
        Line settings
      </h1>
      <OpenClose waitlist={waitlist} />
      <SettingsForm key={waitlist.id} waitlist={waitlist} restaurantName={restaurant.name} />
    </section>
  );
}

export const screen: ScreenDefinition = {
  path: 'settings',
  label: 'Settings',
  scope: 'waitlist',
  ownerOnly: true,
  order: 20,
  Component: SettingsScreen,
};
