import { useEffect, useRef, type ReactNode } from 'react';
import { useSession, useSessionState } from '../api/context.js';
import { SignInForm } from './SignInForm.js';

/**
 * When the refresh token is refused, the screen stays as it was (with whatever was being typed) and
 * this modal asks for the password; requests made meanwhile wait and then go through.
 */
export function SessionExpiredDialog(): ReactNode {
  const state = useSessionState();
  const session = useSession();
  const dialog = useRef<HTMLDialogElement>(null);
  const open = state.status === 'expired';

  useEffect(() => {
    const element = dialog.current;
    if (element === null) return;
    if (open && !element.open) element.showModal();
    if (!open && element.open) element.close();
  }, [open]);

  return (
    <dialog
      ref={dialog}
      className="dialog"
      aria-labelledby="session-expired-title"
      onCancel={(event) => {
        event.preventDefault();
      }}
    >
      <h2 id="session-expired-title">Sign in again</h2>
      <p>Your session has ended. Sign in to carry on; nothing you typed is lost.</p>
      {open ? <SignInForm initialEmail={state.email ?? ''} /> : null}
      <button type="button" className="button" onClick={() => void session.signOut()}>
        Sign out instead
      </button>
    </dialog>
  );
}
