import { useId, useState, type ReactNode, type SyntheticEvent } from 'react';
import { useSession } from '../api/context.js';
import { networkSentence } from '../lib/problems.js';
import { signInErrorSentence } from './oauth-errors.js';

/** Email and password; used by the sign-in page and by the dialog that asks again when a session expires. */
export function SignInForm({ initialEmail, onSignedIn }: { initialEmail?: string; onSignedIn?: () => void }): ReactNode {
  const session = useSession();
  const [email, setEmail] = useState(initialEmail ?? '');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const id = useId();

  const submit = async (event: SyntheticEvent<HTMLFormElement>): Promise<void> => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const result = await session.signIn(email.trim(), password);
      if (result.ok) {
        setPassword('');
        onSignedIn?.();
      } else setError(signInErrorSentence(result.error, result.status));
    } catch {
      setError(networkSentence);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="form" onSubmit={(event) => void submit(event)} aria-describedby={error === null ? undefined : `${id}-error`}>
      <label htmlFor={`${id}-email`}>Email</label>
      <input
        id={`${id}-email`}
        type="email"
        autoComplete="username"
        required
        value={email}
        onChange={(event) => {
          setEmail(event.target.value);
        }}
      />
      <label htmlFor={`${id}-password`}>Password</label>
      <input
        id={`${id}-password`}
        type="password"
        autoComplete="current-password"
        required
        // Asked again for a known account: the password is all that is missing.
        autoFocus={initialEmail !== undefined && initialEmail !== ''}
        value={password}
        onChange={(event) => {
          setPassword(event.target.value);
        }}
      />
      {error === null ? null : (
        <p id={`${id}-error`} className="message message--error" role="alert">
          {error}
        </p>
      )}
      <button type="submit" className="button button--primary" disabled={busy}>
        {busy ? 'Signing in…' : 'Sign in'}
      </button>
    </form>
  );
}
