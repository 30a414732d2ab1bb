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

/** What the details form changes, or what to fix first; null body when nothing changed. */
function changeOf(restaurant: Restaurant, name: string, timeZone: string, phoneInput: string): RestaurantChange | string | null {
  const country = defaultCountry(restaurant);
  const phone = checkPhone(phoneInput, country);
  if (name.trim() === '') return 'Enter the restaurant’s name.';
  if (phone.state === 'incomplete' || phone.state === 'invalid') return `Phone: ${phone.message}`;
  const e164 = phone.state === 'valid' ? phone.e164 : null;
  const change: RestaurantChange = {
    ...(name.trim() !== restaurant.name ? { name: name.trim() } : {}),
    ...(timeZone !== restaurant.timeZone ? { timeZone } : {}),
    ...(e164 !== restaurant.phone ? { phone: e164 } : {}),
  };
  return Object.keys(change).length === 0 ? null : change;
}

/**
 * The restaurant's name, time zone (today's service and text times follow it) and phone. Loaded
 * with the screen: it carries the phone number library (see line/WalkInPanel.tsx).
 */
export default function RestaurantDetails({ restaurant }: { restaurant: Restaurant }): ReactNode {
  const api = useApi();
  const queryClient = useQueryClient();
  const id = useId();
  const country = useMemo(() => defaultCountry(restaurant), [restaurant]);
  const [name, setName] = useState(restaurant.name);
  const [timeZone, setTimeZone] = useState(restaurant.timeZone);
  const [phone, setPhone] = useState(restaurant.phone === null ? '' : formatAsYouType(restaurant.phone, country));
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
    const change = changeOf(restaurant, name, timeZone, phone);
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
