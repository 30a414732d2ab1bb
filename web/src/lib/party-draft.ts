import type { components } from '../api/schema.js';
import { checkPhone, formatAsYouType, type CountryCode, type PhoneCheck } from './phone.js';

type Schemas = components['schemas'];

/** What the host is typing about a party, before it is sent. */
export interface PartyDraft {
  readonly name: string;
  readonly phone: string;
  readonly country: CountryCode;
  readonly partySize: string;
  readonly notes: string;
}

export function emptyDraft(country: CountryCode): PartyDraft {
  return { name: '', phone: '', country, partySize: '2', notes: '' };
}

/** A party in line, as the edit form starts: its phone laid out the way it would be typed. */
export function draftOf(party: Pick<Schemas['Waitee'], 'name' | 'phone' | 'partySize' | 'notes'>, country: CountryCode): PartyDraft {
  return {
    name: party.name,
    phone: party.phone === null ? '' : formatAsYouType(party.phone, country),
    country,
    partySize: String(party.partySize),
    notes: party.notes ?? '',
  };
}

/** The party size as the API takes it (1–50), or null while it is not one. */
export function partySizeOf(draft: PartyDraft): number | null {
  const size = Number(draft.partySize);
  return draft.partySize.trim() !== '' && Number.isInteger(size) && size >= 1 && size <= 50 ? size : null;
}

/** What stops the draft from being sent, in words (the contract's rules, checked before sending); null when it can go. */
export function draftProblem(draft: PartyDraft, phone: PhoneCheck = checkPhone(draft.phone, draft.country)): string | null {
  if (draft.name.trim() === '') return 'Enter the name to call out.';
  if (partySizeOf(draft) === null) return 'Enter a party size from 1 to 50.';
  if (phone.state === 'incomplete' || phone.state === 'invalid') return `Phone: ${phone.message} Or leave it empty: then nobody is texted.`;
  if (draft.notes.trim().length > 500) return 'Keep the notes within 500 characters.';
  return null;
}

function phoneOf(draft: PartyDraft): string | null {
  const phone = checkPhone(draft.phone, draft.country);
  return phone.state === 'valid' ? phone.e164 : null;
}

/** The body that adds the draft as a walk-in; only call it when draftProblem is null. */
export function addRequestOf(draft: PartyDraft): Schemas['AddWaiteeRequest'] {
  const notes = draft.notes.trim();
  return { name: draft.name.trim(), partySize: partySizeOf(draft) ?? 1, phone: phoneOf(draft), notes: notes === '' ? null : notes };
}

/** A merge patch of what the draft changes on the party (null clears phone or notes); null when nothing changed. */
export function changesOf(
  party: Pick<Schemas['Waitee'], 'name' | 'phone' | 'partySize' | 'notes'>,
  draft: PartyDraft,
): Schemas['UpdateWaiteeRequest'] | null {
  const wanted = addRequestOf(draft);
  const changes: Schemas['UpdateWaiteeRequest'] = {
    ...(wanted.name !== party.name ? { name: wanted.name } : {}),
    ...(wanted.partySize !== party.partySize ? { partySize: wanted.partySize } : {}),
    ...(wanted.phone !== party.phone ? { phone: wanted.phone ?? null } : {}),
    ...(wanted.notes !== party.notes ? { notes: wanted.notes ?? null } : {}),
  };
  return Object.keys(changes).length === 0 ? null : changes;
}
