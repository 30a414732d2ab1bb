import { DomainError } from './errors.js';

export const minimumPasswordLength = 12;
export const maximumPasswordLength = 256;

/**
 * Rejects short passwords and ones built on a common password ("sunshine2024!" is "sunshine"):
 * padding a leaked password with digits or symbols is the first thing guessing tools try.
 */
export function checkPassword(password: string, isCommon: (candidate: string) => boolean, personal: readonly string[] = []): void {
  if (Array.from(password).length < minimumPasswordLength) {
    throw new DomainError('validation', `The password must be at least ${minimumPasswordLength} characters long.`, { field: 'password' });
  }
  const lower = password.toLowerCase();
  const core = lower.replace(/^[\d\W_]+|[\d\W_]+$/gu, '');
  const halves = lower.length % 2 === 0 && lower.slice(0, lower.length / 2) === lower.slice(lower.length / 2);
  if (isCommon(lower) || (core.length >= 4 && isCommon(core)) || halves || new Set(lower).size < 4) {
    throw new DomainError('validation', 'This password is too common or too easy to guess; choose a longer phrase of unrelated words.', {
      field: 'password',
    });
  }
  if (personal.some((p) => p.length >= 4 && lower.includes(p.toLowerCase()))) {
    throw new DomainError('validation', 'The password must not contain your email or name.', { field: 'password' });
  }
}
