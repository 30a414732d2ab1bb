import { useCallback, useEffect, useState, type ReactNode } from 'react';
import type { JoinFailure } from '../lib/join-problems.js';
import { CodeForm } from './CodeForm.js';
import { DetailsForm, emptyDraft, type Draft } from './DetailsForm.js';
import type { JoinApi, JoinStarted, JoinSummary, StartJoinRequest } from './join-api.js';
import { LineSummary } from './LineSummary.js';

type Step =
  | { readonly kind: 'loading' }
  | { readonly kind: 'unreachable'; readonly sentence: string }
  | { readonly kind: 'gone' }
  | { readonly kind: 'details'; readonly summary: JoinSummary }
  | {
      readonly kind: 'code';
      readonly summary: JoinSummary;
      readonly request: StartJoinRequest;
      readonly started: JoinStarted;
      readonly sentTo: string;
      readonly sentAt: number;
      readonly resent: boolean;
    };

/** A turned-off or replaced link (an old poster), or an address that is not a join link at all. */
export function LinkGone(): ReactNode {
  useEffect(() => {
    document.title = 'This link no longer works';
  }, []);
  return (
    <main className="join">
      <h1 tabIndex={-1}>This link no longer works — ask the host</h1>
      <p className="join__lead">
        The restaurant may have turned this link off or printed a new poster. The host stand can give you the current one, or add you to the
        line.
      </p>
    </main>
  );
}

/** Focus moves to each step's heading, so a screen reader starts at the top of what changed. */
function useHeadingFocus(key: string): void {
  useEffect(() => {
    document.querySelector<HTMLElement>('main h1, main h2[tabindex]')?.focus();
  }, [key]);
}

/**
 * The join, step by step: the line's summary and the guest's details, then the texted code, then
 * the status page (a full navigation: it is the server's page, the one the texts link to).
 */
export function JoinPage({ api }: { api: JoinApi }): ReactNode {
  const [step, setStep] = useState<Step>({ kind: 'loading' });
  const [draft, setDraft] = useState<Draft>(emptyDraft);
  const load = useCallback(async () => {
    const summary = await api.summary();
    if (summary.ok) setStep({ kind: 'details', summary: summary.data });
    else setStep(summary.failure.next === 'link-gone' ? { kind: 'gone' } : { kind: 'unreachable', sentence: summary.failure.sentence });
  }, [api]);
  useEffect(() => {
    void load();
  }, [load]);
  useHeadingFocus(step.kind);
  useEffect(() => {
    if (step.kind === 'details' || step.kind === 'code') document.title = `Join the line · ${step.summary.restaurantName}`;
  }, [step]);

  /** Asks for a code (first or again): the code step on success, else the failure for the form to show. */
  const sendCode = async (summary: JoinSummary, request: StartJoinRequest, sentTo: string): Promise<JoinFailure | null> => {
    const started = await api.start(request);
    if (started.ok) {
      setStep({ kind: 'code', summary, request, started: started.data, sentTo, sentAt: Date.now(), resent: step.kind === 'code' });
      return null;
    }
    if (started.failure.next === 'link-gone') setStep({ kind: 'gone' });
    return started.failure;
  };

  switch (step.kind) {
    case 'loading':
      return (
        <main className="join">
          <p role="status">Loading the line…</p>
        </main>
      );
    case 'gone':
      return <LinkGone />;
    case 'unreachable':
      return (
        <main className="join">
          <h1 tabIndex={-1}>Join the line</h1>
          <p role="alert" className="join__error">
            {step.sentence}
          </p>
          <button type="button" className="join__button join__button--primary" onClick={() => void load()}>
            Try again
          </button>
        </main>
      );
    case 'details':
    case 'code':
      return (
        <main className="join">
          <LineSummary summary={step.summary} />
          {step.kind === 'details' ? (
            <DetailsForm summary={step.summary} draft={draft} onDraft={setDraft} onSend={sendCode} />
          ) : (
            <CodeForm
              key={step.started.joinId}
              api={api}
              started={step.started}
              sentTo={step.sentTo}
              sentAt={step.sentAt}
              resent={step.resent}
              onResend={() => sendCode(step.summary, step.request, step.sentTo)}
              onChangeDetails={() => {
                setStep({ kind: 'details', summary: step.summary });
              }}
              onGone={() => {
                setStep({ kind: 'gone' });
              }}
            />
          )}
        </main>
      );
  }
}
