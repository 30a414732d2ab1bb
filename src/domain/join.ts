import { DomainError } from './errors.js';
import type { JoinRequest } from './model.js';

/** The one-time code of an account-less join (docs/api.md, Joining without an account). */
export const joinCodePolicy = { digits: 6, lifetimeMinutes: 10, tries: 5 } as const;

/** Join link codes: 10 characters of an alphabet without look-alikes (no 0/o, 1/l/i), about 50 bits. */
export const joinLinkAlphabet = '23456789abcdefghjkmnpqrstuvwxyz';
export const joinLinkCodeLength = 10;
export const joinLinkCodePattern = new RegExp(`^[${joinLinkAlphabet}]{${joinLinkCodeLength}}$`);

/** The words a guest agrees to before any text is sent (shown on the join page, carried by every code text). */
export const textConsentWording = 'Reply STOP to opt out';

/** A join request as it starts: the code is valid for its lifetime and a fixed number of tries. */
export function startJoin(fields: Omit<JoinRequest, 'expiresAt' | 'triesLeft' | 'confirmedAt'>): JoinRequest {
  const expiresAt = new Date(Date.parse(fields.createdAt) + joinCodePolicy.lifetimeMinutes * 60_000).toISOString();
  return { ...fields, expiresAt, triesLeft: joinCodePolicy.tries, confirmedAt: null };
}

const newCodeNeeded = (why: string, expired = false) =>
  new DomainError('conflict', `${why} Start the join again (POST the join link) to get a new code.`, {
    newCodeNeeded: true,
    ...(expired ? { expired: true } : {}),
  });

/** Refuses a try on a join whose code expired or whose tries are used up; a confirmed join is not tried again. */
export function checkTryAllowed(join: JoinRequest, now: Date): void {
  if (join.confirmedAt !== null) return;
  if (now.getTime() >= Date.parse(join.expiresAt))
    throw newCodeNeeded(`This code expired ${joinCodePolicy.lifetimeMinutes} minutes after it was sent.`, true);
  if (join.triesLeft <= 0) throw newCodeNeeded(`This code was entered wrongly ${joinCodePolicy.tries} times.`);
}

/** The answer to a wrong code: how many tries are left, or that a new code is needed. */
export function wrongCode(triesLeft: number): DomainError {
  if (triesLeft <= 0) return newCodeNeeded(`That code is not right, and it was entered wrongly ${joinCodePolicy.tries} times.`);
  return new DomainError('validation', `That code is not right: ${triesLeft} ${triesLeft === 1 ? 'try' : 'tries'} left.`, {
    field: 'code',
    triesLeft,
  });
}

/**
 * Events within a sliding window (one-time codes sent to a number, requested from an address): a
 * counter document read and written under its ETag, so parallel requests are counted one by one.
 */
export interface RateWindow {
  readonly at: readonly string[];
}

export type WindowAdmission =
  { readonly admitted: true; readonly next: RateWindow } | { readonly admitted: false; readonly retryAfterSeconds: number };

/** Admits one more event if fewer than `limit` happened within the last `windowMs`. */
export function admitToWindow(window: RateWindow, now: Date, limit: number, windowMs: number): WindowAdmission {
  const recent = window.at.filter((at) => now.getTime() - Date.parse(at) < windowMs).sort();
  if (recent.length < limit) return { admitted: true, next: { at: [...recent, now.toISOString()] } };
  const oldest = recent[recent.length - limit] ?? now.toISOString();
  return { admitted: false, retryAfterSeconds: Math.max(1, Math.ceil((Date.parse(oldest) + windowMs - now.getTime()) / 1000)) };
}
