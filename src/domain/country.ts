import { isSupportedCountry, parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js';
import { zonesByCountry } from './time-zone-countries.js';

const countryOfZone = new Map(
  Object.entries(zonesByCountry).flatMap(([country, zones]) => zones.split(' ').map((zone) => [zone, country])),
);

/**
 * The country a phone number without `+` is read in at this restaurant: its own phone's country,
 * else its time zone's, else null. The server (the join link) and the web app (walk-ins, the join
 * page) both read numbers with it, so a number typed on the page means what the server takes.
 */
export function restaurantCountry(restaurant: { readonly phone: string | null; readonly timeZone: string }): CountryCode | null {
  const fromPhone = restaurant.phone === null ? undefined : parsePhoneNumberFromString(restaurant.phone)?.country;
  if (fromPhone !== undefined) return fromPhone;
  const fromZone = countryOfZone.get(restaurant.timeZone);
  return fromZone !== undefined && isSupportedCountry(fromZone) ? fromZone : null;
}

/** A country for a number typed on a device: the restaurant's, else the device's region, else the US. */
export function defaultCountry(restaurantsCountry: string | null, deviceLocale?: string): CountryCode {
  if (restaurantsCountry !== null && isSupportedCountry(restaurantsCountry)) return restaurantsCountry;
  const region = deviceLocale === undefined ? undefined : regionOf(deviceLocale);
  return region !== undefined && isSupportedCountry(region) ? region : 'US';
}

function regionOf(locale: string): string | undefined {
  try {
    return new Intl.Locale(locale).maximize().region;
  } catch {
    return undefined;
  }
}
