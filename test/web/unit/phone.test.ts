import { isValidPhoneNumber } from 'libphonenumber-js';
import { describe, expect, it } from 'vitest';
import { checkPhone, defaultCountry, formatAsYouType, nextPhoneInput } from '../../../web/src/lib/phone.js';

describe("the walk-in phone number, read in the restaurant's country", () => {
  it("takes the country of the restaurant's phone first", () => {
    expect(defaultCountry({ phone: '+33142685300', timeZone: 'America/Los_Angeles' })).toBe('FR');
  });

  it('takes the country of its time zone when it has no phone', () => {
    expect(defaultCountry({ phone: null, timeZone: 'Europe/Paris' })).toBe('FR');
    expect(defaultCountry({ phone: null, timeZone: 'America/Los_Angeles' })).toBe('US');
    expect(defaultCountry({ phone: null, timeZone: 'Australia/Sydney' })).toBe('AU');
  });

  it("falls back to the device's region, then the US, for a zone of no country", () => {
    expect(defaultCountry({ phone: null, timeZone: 'UTC' }, 'de-DE')).toBe('DE');
    expect(defaultCountry({ phone: null, timeZone: 'UTC' }, 'ja')).toBe('JP');
    expect(defaultCountry({ phone: null, timeZone: 'UTC' })).toBe('US');
    expect(defaultCountry({ phone: null, timeZone: 'UTC' }, 'not a locale')).toBe('US');
  });

  it('lays out a number as it is typed', () => {
    expect(formatAsYouType('415555', 'US')).toBe('(415) 555');
    expect(formatAsYouType('4155550123', 'US')).toBe('(415) 555-0123');
    expect(formatAsYouType('0612345678', 'FR')).toBe('06 12 34 56 78');
    expect(formatAsYouType('+4930123', 'US')).toBe('+49 30 123');
  });

  it('lays out typing but leaves a deletion alone', () => {
    expect(nextPhoneInput('(415) 55', '(415) 555', 'US')).toBe('(415) 555');
    expect(nextPhoneInput('(415) 555', '(415) 55', 'US')).toBe('(415) 55');
    expect(nextPhoneInput('(415)', '(415', 'US')).toBe('(415');
  });

  it('reads a local number in the default country, a + number in its own, into E.164', () => {
    expect(checkPhone('(415) 555-0123', 'US')).toEqual({ state: 'valid', e164: '+14155550123', international: '+1 415 555 0123' });
    expect(checkPhone('06 12 34 56 78', 'FR')).toMatchObject({ state: 'valid', e164: '+33612345678' });
    expect(checkPhone('+44 20 7946 0958', 'US')).toMatchObject({ state: 'valid', e164: '+442079460958' });
  });

  it('says a number being typed is incomplete, not wrong', () => {
    expect(checkPhone('415 55', 'US')).toMatchObject({ state: 'incomplete' });
    expect(checkPhone('', 'US')).toEqual({ state: 'empty' });
  });

  it('refuses what the server would refuse, in words', () => {
    expect(checkPhone('415 555 0123 4567', 'US')).toMatchObject({ state: 'invalid', message: 'That number has too many digits.' });
    expect(checkPhone('(555) 555-0123', 'US')).toMatchObject({ state: 'invalid' });
    expect(isValidPhoneNumber('+15555550123')).toBe(false);
  });
});
