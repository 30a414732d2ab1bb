import { useEffect, useId, useState, type SubmitEvent, type ReactNode } from 'react';
import { joinCodePolicy } from '../../../src/domain/join.js';
import type { JoinFailure } from '../lib/join-problems.js';
import type { JoinApi, JoinStarted } from './join-api.js';

/** A first code may be asked for again after this long (the text may just be slow); a code limit's Retry-After may say longer. */
const resendAfterMs = 30_000;

/** Ticks once a second while `until` is ahead, for the "ask again in 12 s" countdown. */
function useSecondsUntil(until: number): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (now >= until) return;
    const timer = setTimeout(() => {
      setNow(Date.now());
    }, 1000);
    return () => {
      clearTimeout(timer);
    };
  }, [now, until]);
  return Math.max(0, Math.ceil((until - now) / 1000));
}

const waitText = (seconds: number): string => (seconds < 90 ? `${seconds}\u00a0s` : `${Math.ceil(seconds / 60)}\u00a0min`);

/** The code field (numeric keypad, filled from the text where the phone offers it) and its button. */
function CodeEntry(props: {
  id: string;
  code: string;
  onCode: (code: string) => void;
  failure: string | null;
  needsNewCode: boolean;
  busy: string | null;
  onSubmit: (event: SubmitEvent<HTMLFormElement>) => void;
}): ReactNode {
  const { id, code, failure, needsNewCode, busy } = props;
  return (
    <form noValidate onSubmit={props.onSubmit}>
      <div className="join__field">
        <label htmlFor={`${id}-code`}>Code from the text</label>
        <input
          id={`${id}-code`}
          className="join__code"
          type="text"
          inputMode="numeric"
          autoComplete="one-time-code"
          pattern="[0-9]*"
          maxLength={joinCodePolicy.digits}
          value={code}
          disabled={needsNewCode}
          aria-describedby={failure === null ? undefined : `${id}-failure`}
          onChange={(e) => {
            props.onCode(e.target.value.replace(/\D/g, '').slice(0, joinCodePolicy.digits));
          }}
        />
      </div>
      <div aria-live="assertive">
        {failure === null ? null : (
          <p className="join__error" id={`${id}-failure`}>
            {failure}
          </p>
        )}
      </div>
      {needsNewCode ? null : (
        <button type="submit" className="join__button join__button--primary" disabled={busy !== null}>
          {busy === 'confirming' ? 'Checking…' : 'Join the line'}
        </button>
      )}
    </form>
  );
}

export function CodeForm(props: {
  api: JoinApi;
  started: JoinStarted;
  sentTo: string;
  sentAt: number;
  resent: boolean;
  onResend: () => Promise<JoinFailure | null>;
  onChangeDetails: () => void;
  onGone: () => void;
}): ReactNode {
  const id = useId();
  const [code, setCode] = useState('');
  const [failure, setFailure] = useState<string | null>(null);
  const [needsNewCode, setNeedsNewCode] = useState(false);
  const [busy, setBusy] = useState<'confirming' | 'resending' | 'joined' | null>(null);
  // A code limit's Retry-After; without a usable code there is no reason to wait for a slow text.
  const [retryAt, setRetryAt] = useState(0);
  const resendIn = useSecondsUntil(needsNewCode ? retryAt : Math.max(retryAt, props.sentAt + resendAfterMs));

  const confirm = async (event: SubmitEvent<HTMLFormElement>): Promise<void> => {
    event.preventDefault();
    if (!new RegExp(`^\\d{${joinCodePolicy.digits}}$`).test(code)) {
      setFailure(`Enter the ${joinCodePolicy.digits} digits from the text message.`);
      return;
    }
    setBusy('confirming');
    const confirmed = await props.api.confirm(props.started.joinId, code);
    if (confirmed.ok) {
      setBusy('joined');
      window.location.assign(confirmed.data.statusUrl);
      return;
    }
    setBusy(null);
    if (confirmed.failure.next === 'link-gone') props.onGone();
    if (confirmed.failure.next === 'new-code') setNeedsNewCode(true);
    setCode('');
    setFailure(confirmed.failure.sentence);
  };

  const resend = async (): Promise<void> => {
    setBusy('resending');
    const refused = await props.onResend();
    // On success this form is replaced by the new code's.
    if (refused === null) return;
    setBusy(null);
    setFailure(refused.sentence);
    if (refused.retryAfterSeconds !== undefined) setRetryAt(Date.now() + refused.retryAfterSeconds * 1000);
  };

  return (
    <section className="join__form" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`} tabIndex={-1}>
        Enter your code
      </h2>
      <p className="join__lead">
        We texted {props.resent ? 'a new' : 'a'} {joinCodePolicy.digits}-digit code to <strong>{props.sentTo}</strong>. It works for{' '}
        {joinCodePolicy.lifetimeMinutes} minutes.
      </p>
      {busy === 'joined' ? (
        <p role="status" className="join__ok">
          You are in line. Opening your place…
        </p>
      ) : null}
      <CodeEntry
        id={id}
        code={code}
        onCode={setCode}
        failure={failure}
        needsNewCode={needsNewCode}
        busy={busy}
        onSubmit={(event) => void confirm(event)}
      />
      <button
        type="button"
        className={`join__button${needsNewCode ? ' join__button--primary' : ''}`}
        disabled={busy !== null || resendIn > 0}
        onClick={() => void resend()}
      >
        {busy === 'resending' ? 'Sending…' : resendIn > 0 ? `Send a new code in ${waitText(resendIn)}` : 'Send me a new code'}
      </button>
      <button type="button" className="join__button join__button--quiet" disabled={busy !== null} onClick={props.onChangeDetails}>
        Change my details
      </button>
    </section>
  );
}
