import { expect } from 'vitest';
import type { LocalStack } from '../../local/stack.js';
import { eventually } from '../support/notifications.js';
import type { Api, Json, Venue } from '../support/stack.js';

/** The owner turns the waitlist's join link on; returns its code. */
export async function joinLinkOf(venue: Venue): Promise<string> {
  const link = await venue.owner.api.request<{ code: string }>('PUT', `${venue.waitlistPath}/join-link`);
  expect(link.status, JSON.stringify(link.body)).toBe(200);
  return link.body.code;
}

export const guest = (phone: string, name = 'Robin') => ({ name, partySize: 2, phone, consentToTexts: true });

/** Starts a join as a guest's phone would (no account); returns the join id. */
export async function startJoin(api: Api, code: string, phone: string): Promise<string> {
  const started = await api.post<{ joinId: string }>(`/v1/join/${code}`, guest(phone));
  expect(started.status, JSON.stringify(started.body)).toBe(202);
  return started.body.joinId;
}

/** The one-time code the SMS emulator received for a number (the latest), as the guest reads it off the phone. */
export async function codeTextedTo(stack: LocalStack, phone: string): Promise<string> {
  const texts = await eventually(
    () => stack.sms.outbox().filter((m) => m.to === phone && /is your code/.test(m.message)),
    (found) => found.length > 0,
  );
  const latest = texts.at(-1);
  const code = /^(\d{6}) is your code/.exec(latest?.message ?? '')?.[1];
  if (code === undefined) throw new Error(`no code texted to ${phone}: ${JSON.stringify(texts)}`);
  return code;
}

/** Joins the line by code, start to finish; returns the confirmation (party id and status link). */
export async function joinByCode(
  stack: LocalStack,
  api: Api,
  code: string,
  phone: string,
): Promise<Json & { waiteeId: string; statusUrl: string }> {
  const joinId = await startJoin(api, code, phone);
  const confirmed = await api.post<Json & { waiteeId: string; statusUrl: string }>(`/v1/join/${code}/confirm`, {
    joinId,
    code: await codeTextedTo(stack, phone),
  });
  expect(confirmed.status, JSON.stringify(confirmed.body)).toBe(201);
  return confirmed.body;
}

/** A code that is not the right one. */
export const otherThan = (code: string) => String((Number(code) + 1) % 1_000_000).padStart(6, '0');
