import { useEffect, useId, useState, type ReactNode, type SubmitEvent } from 'react';
import type { JoinFailure } from '../lib/join-problems.js';
import type { CountryCode } from '../lib/phone.js';
import type { JoinSummary, StartJoinRequest } from './join-api.js';
import type * as PhoneRulesModule from './phone-rules.js';

type PhoneRules = typeof PhoneRulesModule;
const loadPhoneRules = (): Promise<PhoneRules> => import('./phone-rules.js');

/** The phone rules, fetched once the first screen is up; null until they arrive. */
function usePhoneRules(): PhoneRules | null {
  const [rules, setRules] = useState<PhoneRules | null>(null);
  useEffect(() => {
    let live = true;
    loadPhoneRules()
      .then((loaded) => {
        if (live) setRules(loaded);
      })
      .catch(() => undefined);
    return () => {
      live = false;
    };
  }, []);
  return rules;
}

/** What the guest typed, kept while they go to the code and back. */
export interface Draft {
  readonly name: string;
  readonly partySize: string;
  readonly phone: string;
  readonly consent: boolean;
}

export const emptyDraft: Draft = { name: '', partySize: '2', phone: '', consent: false };

type Problems = Partial<Record<'name' | 'partySize' | 'phone' | 'consent', string>>;

/** The request to send, or what to fix first (checked here as the server checks it: same phone rules). */
export function requestOf(
  draft: Draft,
  country: CountryCode,
  checkPhone: PhoneRules['checkPhone'],
): { request: StartJoinRequest; sentTo: string } | { problems: Problems } {
  const problems: Problems = {};
  const name = draft.name.trim();
  if (name === '') problems.name = 'Enter the name the host will call.';
  const partySize = Number(draft.partySize);
  if (!Number.isInteger(partySize) || partySize < 1 || partySize > 50) problems.partySize = 'Enter how many people, from 1 to 50.';
  const phone = checkPhone(draft.phone, country);
  if (phone.state === 'empty') problems.phone = 'Enter the mobile number the code should go to.';
  else if (phone.state !== 'valid') problems.phone = phone.message;
  if (!draft.consent) problems.consent = 'Tick the box: the code and your place in line come by text message.';
  if (Object.keys(problems).length > 0 || phone.state !== 'valid') return { problems };
  return { request: { name, partySize, phone: phone.e164, consentToTexts: true }, sentTo: phone.international };
}

const regionName = (country: CountryCode): string => {
  try {
    return new Intl.DisplayNames([navigator.language, 'en'], { type: 'region' }).of(country) ?? country;
  } catch {
    return country;
  }
};

function Field(props: { id: string; label: string; hint?: string; problem: string | undefined; children: ReactNode }): ReactNode {
  return (
    <div className="join__field">
      <label htmlFor={props.id}>{props.label}</label>
      {props.hint === undefined ? null : (
        <p className="join__hint" id={`${props.id}-hint`}>
          {props.hint}
        </p>
      )}
      {props.children}
      {props.problem === undefined ? null : (
        <p className="join__problem" id={`${props.id}-problem`}>
          {props.problem}
        </p>
      )}
    </div>
  );
}

const describedBy = (id: string, hint: boolean, problem: string | undefined): string | undefined =>
  [hint ? `${id}-hint` : '', problem === undefined ? '' : `${id}-problem`].filter(Boolean).join(' ') || undefined;

/** Name, party size, phone (laid out as typed, in the restaurant's country) and the consent to texts. */
function DetailsFields(props: {
  id: string;
  draft: Draft;
  onDraft: (draft: Draft) => void;
  problems: Problems;
  country: CountryCode | null;
  rules: PhoneRules | null;
  consentText: string;
}): ReactNode {
  const { id, draft, problems, country, rules } = props;
  const change = (field: Partial<Draft>): void => {
    props.onDraft({ ...draft, ...field });
  };
  return (
    <>
      <Field id={`${id}-name`} label="Your name" problem={problems.name}>
        <input
          id={`${id}-name`}
          type="text"
          autoComplete="name"
          maxLength={100}
          value={draft.name}
          aria-invalid={problems.name !== undefined}
          aria-describedby={describedBy(`${id}-name`, false, problems.name)}
          onChange={(e) => {
            change({ name: e.target.value });
          }}
        />
      </Field>
      <Field id={`${id}-partySize`} label="How many people, you included" problem={problems.partySize}>
        <input
          id={`${id}-partySize`}
          type="number"
          inputMode="numeric"
          min={1}
          max={50}
          value={draft.partySize}
          aria-invalid={problems.partySize !== undefined}
          aria-describedby={describedBy(`${id}-partySize`, false, problems.partySize)}
          onChange={(e) => {
            change({ partySize: e.target.value });
          }}
        />
      </Field>
      <Field
        id={`${id}-phone`}
        label="Mobile number"
        hint={`We text your code and your place in line here.${country === null ? '' : ` Numbers without + are read as ${regionName(country)} numbers.`}`}
        problem={problems.phone}
      >
        <input
          id={`${id}-phone`}
          type="tel"
          autoComplete="tel"
          inputMode="tel"
          value={draft.phone}
          aria-invalid={problems.phone !== undefined}
          aria-describedby={describedBy(`${id}-phone`, true, problems.phone)}
          onChange={(e) => {
            change({
              phone: rules === null || country === null ? e.target.value : rules.nextPhoneInput(draft.phone, e.target.value, country),
            });
          }}
        />
      </Field>
      <div className="join__field join__consent">
        <input
          id={`${id}-consent`}
          type="checkbox"
          checked={draft.consent}
          aria-invalid={problems.consent !== undefined}
          aria-describedby={describedBy(`${id}-consent`, false, problems.consent)}
          onChange={(e) => {
            change({ consent: e.target.checked });
          }}
        />
        <label htmlFor={`${id}-consent`}>{props.consentText}</label>
        {problems.consent === undefined ? null : (
          <p className="join__problem" id={`${id}-consent-problem`}>
            {problems.consent}
          </p>
        )}
      </div>
    </>
  );
}

export function DetailsForm(props: {
  summary: JoinSummary;
  draft: Draft;
  onDraft: (draft: Draft) => void;
  onSend: (summary: JoinSummary, request: StartJoinRequest, sentTo: string) => Promise<JoinFailure | null>;
}): ReactNode {
  const { summary, draft, onDraft } = props;
  const id = useId();
  const rules = usePhoneRules();
  const country = rules === null ? null : rules.defaultCountry(summary.defaultPhoneCountry, navigator.language);
  const [problems, setProblems] = useState<Problems>({});
  const [failure, setFailure] = useState<string | null>(null);
  const [sending, setSending] = useState(false);

  const submit = async (event: SubmitEvent<HTMLFormElement>): Promise<void> => {
    event.preventDefault();
    setFailure(null);
    const loaded = rules ?? (await loadPhoneRules());
    const checked = requestOf(draft, loaded.defaultCountry(summary.defaultPhoneCountry, navigator.language), loaded.checkPhone);
    if ('problems' in checked) {
      setProblems(checked.problems);
      const first = (['name', 'partySize', 'phone', 'consent'] as const).find((f) => checked.problems[f] !== undefined);
      if (first !== undefined) document.getElementById(`${id}-${first}`)?.focus();
      return;
    }
    setProblems({});
    setSending(true);
    const refused = await props.onSend(summary, checked.request, checked.sentTo);
    setSending(false);
    if (refused !== null) setFailure(refused.sentence);
  };

  if (!summary.open) return null;
  return (
    <form className="join__form" noValidate onSubmit={(event) => void submit(event)} aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>Join the line</h2>
      <DetailsFields
        id={id}
        draft={draft}
        onDraft={onDraft}
        problems={problems}
        country={country}
        rules={rules}
        consentText={summary.consentText}
      />
      {failure === null ? null : (
        <p role="alert" className="join__error">
          {failure}
        </p>
      )}
      <button type="submit" className="join__button join__button--primary" disabled={sending}>
        {sending ? 'Sending…' : 'Send me a code'}
      </button>
    </form>
  );
}
