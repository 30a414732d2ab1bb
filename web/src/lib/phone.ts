import { AsYouType, parsePhoneNumberFromString, validatePhoneNumberLength, type CountryCode } from 'libphonenumber-js';
import { defaultCountry as countryFor, restaurantCountry } from '../../../src/domain/country.js';
import type { components } from '../api/schema.js';

export type { CountryCode };

type Restaurant = components['schemas']['Restaurant'];

/**
 * The country a local number typed at this restaurant's host stand is read in: the country of the
 * restaurant's own phone, else of its time zone (src/domain/country.ts, as the server reads a
 * join), else the device's region, else the US.
 */
export function defaultCountry(restaurant: Pick<Restaurant, 'phone' | 'timeZone'>, deviceLocale?: string): CountryCode {
  return countryFor(restaurantCountry(restaurant), deviceLocale);
}

/** What the host typed, laid out as they type it: "(415) 555-01", "+33 6 12 34". */
export function formatAsYouType(input: string, country: CountryCode): string {
  return new AsYouType(country).input(input);
}

export type PhoneCheck =
  | { readonly state: 'empty' }
  | { readonly state: 'incomplete'; readonly message: string }
  | { readonly state: 'invalid'; readonly message: string }
  | { readonly state: 'valid'; readonly e164: string; readonly international: string };

/**
 * Whether what was typed is a number the server will take. It uses the same library and metadata
 * as the server's check (src/functions/schemas.ts: E.164 and `isValidPhoneNumber`), so the form
 * accepts exactly what saving accepts. A number still being typed is "incomplete", not an error.
 */
export function checkPhone(input: string, country: CountryCode): PhoneCheck {
  if (input.trim() === '') return { state: 'empty' };
  const parsed = parsePhoneNumberFromString(input, country);
  if (parsed?.isValid() === true) return { state: 'valid', e164: parsed.number, international: parsed.formatInternational() };
  switch (validatePhoneNumberLength(input, country)) {
    case 'TOO_SHORT':
      return { state: 'incomplete', message: 'Keep typing: the number is too short so far.' };
    case 'TOO_LONG':
      return { state: 'invalid', message: 'That number has too many digits.' };
    case 'INVALID_COUNTRY':
      return { state: 'invalid', message: 'Start an international number with + and its country code.' };
    default:
      return { state: 'invalid', message: `That is not a valid phone number in ${country} or with a + country code.` };
  }
}

/**
 * The phone field's next value. Typing is laid out as you type; deleting is left alone, because
 * re-laying out "(415) 5" after a backspace over ")" would put the ")" straight back.
 */
export function nextPhoneInput(previous: string, typed: string, country: CountryCode): string {
  return typed.length > previous.length ? formatAsYouType(typed, country) : typed;
}
