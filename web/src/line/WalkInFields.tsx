import { getCountries, getCountryCallingCode } from 'libphonenumber-js';
import { useId, type ReactNode } from 'react';
import type { PartyDraft } from '../lib/party-draft.js';
import { checkPhone, nextPhoneInput, type CountryCode } from '../lib/phone.js';

let countryOptions: readonly { readonly code: CountryCode; readonly label: string }[] | undefined;

/** Every country libphonenumber knows, by name in the device's language, with its calling code. */
function countries(): readonly { readonly code: CountryCode; readonly label: string }[] {
  if (countryOptions === undefined) {
    const names = new Intl.DisplayNames(undefined, { type: 'region' });
    countryOptions = getCountries()
      .map((code) => ({ code, label: `${names.of(code) ?? code} +${getCountryCallingCode(code)}` }))
      .sort((a, b) => a.label.localeCompare(b.label));
  }
  return countryOptions;
}

/** The phone number and its country, checked as it is typed, with what will happen in words. */
function PhoneField({ draft, onChange }: { draft: PartyDraft; onChange: (draft: PartyDraft) => void }): ReactNode {
  const id = useId();
  const phone = checkPhone(draft.phone, draft.country);
  const phoneHint =
    phone.state === 'empty'
      ? 'Optional. Without a number, nobody is texted.'
      : phone.state === 'valid'
        ? `Will text ${phone.international}`
        : phone.message;
  return (
    <div className="field field--phone">
      <label htmlFor={`${id}-phone`}>Phone</label>
      <div className="phone-input">
        <select
          aria-label="Country of the phone number"
          value={draft.country}
          onChange={(event) => {
            onChange({ ...draft, country: event.target.value as CountryCode });
          }}
        >
          {countries().map(({ code, label }) => (
            <option key={code} value={code}>
              {label}
            </option>
          ))}
        </select>
        <input
          id={`${id}-phone`}
          type="tel"
          inputMode="tel"
          autoComplete="off"
          aria-describedby={`${id}-phone-hint`}
          aria-invalid={phone.state === 'invalid'}
          value={draft.phone}
          onChange={(event) => {
            onChange({ ...draft, phone: nextPhoneInput(draft.phone, event.target.value, draft.country) });
          }}
        />
      </div>
      <p id={`${id}-phone-hint`} className={`hint hint--${phone.state}`} aria-live="polite">
        {phoneHint}
      </p>
    </div>
  );
}

/** Name, phone (with its country), party size and notes: the walk-in form and the edit form share them. */
export function PartyFields({ draft, onChange }: { draft: PartyDraft; onChange: (draft: PartyDraft) => void }): ReactNode {
  const id = useId();
  return (
    <div className="party-fields">
      <div className="field field--name">
        <label htmlFor={`${id}-name`}>Name</label>
        <input
          id={`${id}-name`}
          value={draft.name}
          maxLength={100}
          autoComplete="off"
          required
          onChange={(event) => {
            onChange({ ...draft, name: event.target.value });
          }}
        />
      </div>
      <div className="field field--size">
        <label htmlFor={`${id}-size`}>Party size</label>
        <input
          id={`${id}-size`}
          type="number"
          inputMode="numeric"
          min={1}
          max={50}
          required
          value={draft.partySize}
          onChange={(event) => {
            onChange({ ...draft, partySize: event.target.value });
          }}
        />
      </div>
      <PhoneField draft={draft} onChange={onChange} />
      <div className="field field--notes">
        <label htmlFor={`${id}-notes`}>Notes (staff only)</label>
        <input
          id={`${id}-notes`}
          value={draft.notes}
          maxLength={500}
          autoComplete="off"
          placeholder="High chair, patio…"
          onChange={(event) => {
            onChange({ ...draft, notes: event.target.value });
          }}
        />
      </div>
    </div>
  );
}
