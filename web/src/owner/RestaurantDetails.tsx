import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useId, useMemo, useState, type SubmitEvent, type ReactNode } from 'react';
import { useApi } from '../api/context.js';
import { unwrap } from '../api/errors.js';
import { queryKeys } from '../api/queries.js';
import type { components } from '../api/schema.js';
import { describeError } from '../app/describe-error.js';
import type { Restaurant } from '../app/screens.js';
import { checkPhone, defaultCountry, formatAsYouType, nextPhoneInput } from '../lib/phone.js';

type RestaurantChange = components['schemas']['UpdateRestaurantRequest'];

function timeZones(current: string): readonly string[] {
  const zones = Intl.supportedValuesOf('timeZone');
  return zones.includes(current) ? zones : [current, ...zones];
}

/** The bounds the API accepts for `retentionDays` (src/domain/retention.ts). */
const retentionBounds = { min: 1, max: 365 } as const;

interface DetailsInput {
  readonly name: string;
  readonly timeZone: string;
  readonly phone: string;
  readonly retentionDays: string;
}

/** What the details form changes, or what to fix first; null body when nothing changed. */
function changeOf(restaurant: Restaurant, input: DetailsInput): RestaurantChange | string | null {
  const country = defaultCountry(restaurant);
  const phone = checkPhone(input.phone, country);
  const name = input.name.trim();
  const retentionDays = Number(input.retentionDays);
  if (name === '') return 'Enter the restaurant’s name.';
  if (phone.state === 'incomplete' || phone.state === 'invalid') return `Phone: ${phone.message}`;
  if (!Number.isInteger(retentionDays) || retentionDays < retentionBounds.min || retentionDays > retentionBounds.max) {
    return `Keep guests’ details: a whole number of days from ${retentionBounds.min} to ${retentionBounds.max}.`;
  }
  const e164 = phone.state === 'valid' ? phone.e164 : null;
  const change: RestaurantChange = {
    ...(name !== restaurant.name ? { name } : {}),
    ...(input.timeZone !== restaurant.timeZone ? { timeZone: input.timeZone } : {}),
    ...(e164 !== restaurant.phone ? { phone: e164 } : {}),
    ...(retentionDays !== restaurant.retentionDays ? { retentionDays } : {}),
  };
  return Object.keys(change).length === 0 ? null : change;
}

/** How long guests' details are kept, with the sentence saying what that means for them and for the figures. */
function RetentionField({ id, value, onChange }: { id: string; value: string; onChange: (value: string) => void }): ReactNode {
  return (
    <>
      <label htmlFor={id}>Keep guests’ details for (days)</label>
      <input
        id={id}
        type="number"
        inputMode="numeric"
        min={retentionBounds.min}
        max={retentionBounds.max}
        step={1}
        value={value}
        aria-describedby={`${id}-hint`}
        onChange={(event) => {
          onChange(event.target.value);
        }}
      />
      <p id={`${id}-hint`} className="hint">
        This many days after a party leaves the line (seated, cancelled or no-show), its name, phone number and notes are removed for good;
        its visit, party size and wait times stay for your figures. A change applies to parties that leave the line after it.
      </p>
    </>
  );
}

/**
 * The restaurant's name, time zone (today's service and text times follow it), phone and how long
 * guests' details are kept. Loaded with the screen: it carries the phone number library (see
 * line/WalkInPanel.tsx).
 */
export default function RestaurantDetails({ restaurant }: { restaurant: Restaurant }): ReactNode {
  const api = useApi();
  const queryClient = useQueryClient();
  const id = useId();
  const country = useMemo(() => defaultCountry(restaurant), [restaurant]);
  const [name, setName] = useState(restaurant.name);
  const [timeZone, setTimeZone] = useState(restaurant.timeZone);
  const [phone, setPhone] = useState(restaurant.phone === null ? '' : formatAsYouType(restaurant.phone, country));
  const [retentionDays, setRetentionDays] = useState(String(restaurant.retentionDays));
  const [shown, setShown] = useState<{ text: string; ok: boolean } | null>(null);
  const save = useMutation({
    mutationFn: async (body: RestaurantChange) =>
      unwrap(
        await api.PATCH('/v1/restaurants/{restaurantId}', {
          params: { path: { restaurantId: restaurant.id }, header: { 'If-Match': restaurant.etag } },
          body,
        }),
      ),
    onSuccess: (saved) => {
      queryClient.setQueryData(queryKeys.restaurant(restaurant.id), saved);
      setShown({ text: 'Saved.', ok: true });
    },
    onError: (error) => {
      setShown({ text: describeError(error, 'restaurant'), ok: false });
    },
    onSettled: () => queryClient.invalidateQueries({ queryKey: queryKeys.restaurants }),
  });
  const submit = (event: SubmitEvent<HTMLFormElement>): void => {
    event.preventDefault();
    const change = changeOf(restaurant, { name, timeZone, phone, retentionDays });
    if (typeof change === 'string') setShown({ text: change, ok: false });
    else if (change === null) setShown({ text: 'Nothing to save.', ok: true });
    else save.mutate(change);
  };
  return (
    <form className="form owner__form" onSubmit={submit} noValidate aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>Details</h2>
      <label htmlFor={`${id}-name`}>Name</label>
      <input
        id={`${id}-name`}
        value={name}
        maxLength={100}
        onChange={(event) => {
          setName(event.target.value);
        }}
      />
      <label htmlFor={`${id}-zone`}>Time zone</label>
      <select
        id={`${id}-zone`}
        value={timeZone}
        onChange={(event) => {
          setTimeZone(event.target.value);
        }}
      >
        {timeZones(restaurant.timeZone).map((zone) => (
          <option key={zone} value={zone}>
            {zone}
          </option>
        ))}
      </select>
      <label htmlFor={`${id}-phone`}>Phone</label>
      <input
        id={`${id}-phone`}
        type="tel"
        value={phone}
        onChange={(event) => {
          setPhone(nextPhoneInput(phone, event.target.value, country));
        }}
      />
      <RetentionField
        id={`${id}-retention`}
        value={retentionDays}
        onChange={(value) => {
          setRetentionDays(value);
        }}
      />
      {shown === null ? null : (
        <p className={`message ${shown.ok ? 'message--ok' : 'message--error'}`} role={shown.ok ? 'status' : 'alert'}>
          {shown.text}
        </p>
      )}
      <button type="submit" className="button button--primary" disabled={save.isPending}>
        {save.isPending ? 'Saving…' : 'Save details'}
      </button>
    </form>
  );
}
