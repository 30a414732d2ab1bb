import type { OAuthError } from '../api/session.js';

/** A refused sign-in in words: the token endpoint answers OAuth errors (docs/api.md), not problem+json. */
export function signInErrorSentence(error: OAuthError, status: number): string {
  if (status === 429) {
    const minutes = Math.max(1, Math.ceil((error.retryAfterSeconds ?? 60) / 60));
    return `Too many failed sign-ins for this email. Try again in ${minutes} min.`;
  }
  switch (error.error) {
    case 'invalid_grant':
      return 'That email and password do not match. Check both and try again.';
    case 'invalid_request':
      return 'Enter your email address and your password.';
    case 'server_error':
      return `Signing in failed on our side. Try again in a moment${error.correlationId === '' ? '' : ` (reference ${error.correlationId})`}.`;
    default:
      return error.error_description;
  }
}
