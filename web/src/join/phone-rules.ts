/**
 * The phone number rules the join page loads after its first screen (libphonenumber's metadata is
 * about 40 KB gzip): the same rules and country default the server applies to a join.
 */
export { defaultCountry } from '../../../src/domain/country.js';
export { checkPhone, nextPhoneInput } from '../lib/phone.js';
