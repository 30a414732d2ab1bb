import type { ReactNode } from 'react';
import { SignInForm } from './SignInForm.js';

export function SignInPage(): ReactNode {
  return (
    <main className="page page--narrow" id="main">
      <h1 tabIndex={-1}>Host stand</h1>
      <p>Sign in to run your restaurant&rsquo;s waitlist.</p>
      <SignInForm />
    </main>
  );
}
