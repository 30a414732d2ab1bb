import { isValidPhoneNumber } from 'libphonenumber-js';
import { z } from 'zod';
import { isCalendarDate } from '../domain/analytics.js';
import { guestTextProblem } from '../domain/guest-text.js';
import { maximumPasswordLength } from '../domain/password-policy.js';
import { uploadKinds } from '../domain/images.js';
import { restaurantRoles } from '../domain/roles.js';
import { waiteeStatuses } from '../domain/waitee.js';
import { unsupportedGrantTypeMessage } from './http/oauth-error.js';

/** Request schemas shared by the HTTP functions. Unknown properties are rejected, not ignored. */

export const id = z.uuid({ error: 'must be an id (UUID)' });

const text = (max: number) => z.string().trim().min(1, 'must not be empty').max(max, `must be at most ${max} characters`);

/** A name the restaurant's number may text to someone: no links, no control or text-direction characters. */
export const guestName = (max: number): z.ZodString =>
  text(max).superRefine((value, ctx) => {
    // The length check has answered an over-long value already; the link search is for names, not 64 KiB bodies.
    if (value.length > max) return;
    const problem = guestTextProblem(value);
    if (problem !== null) ctx.addIssue({ code: 'custom', message: problem });
  });

export const phone = z
  .string()
  .regex(/^\+[1-9]\d{6,14}$/, 'must be an E.164 phone number such as +14155550123')
  .refine((value) => isValidPhoneNumber(value), 'is not a valid phone number');

export const email = z.email({ error: 'must be an email address' }).max(254);

export const password = z.string().max(maximumPasswordLength, `must be at most ${maximumPasswordLength} characters`);

export const timeZone = z
  .string()
  .max(64)
  .refine((value) => {
    try {
      new Intl.DateTimeFormat('en', { timeZone: value });
      return true;
    } catch {
      return false;
    }
  }, 'must be an IANA time zone such as Europe/Paris');

export const registerBody = z.strictObject({ email, password, displayName: guestName(100), phone: phone.optional() });

export const tokenBody = z.discriminatedUnion(
  'grant_type',
  [
    // RFC 6749 names the field `username`; `email` is accepted as the clearer alias.
    z.object({ grant_type: z.literal('password'), email: email.optional(), username: email.optional(), password }),
    z.object({ grant_type: z.literal('refresh_token'), refresh_token: z.string().min(1).max(200) }),
  ],
  {
    // A missing grant_type is invalid_request, an unknown one unsupported_grant_type (RFC 6749 §5.2).
    error: (issue) =>
      issue.note !== 'No matching discriminator'
        ? undefined
        : typeof issue.input === 'object' && issue.input !== null && 'grant_type' in issue.input && issue.input.grant_type !== undefined
          ? unsupportedGrantTypeMessage
          : 'is required',
  },
);

export const logoutBody = z.strictObject({ refresh_token: z.string().min(1).max(200) });

export const restaurantParams = z.object({ restaurantId: id });
export const staffParams = restaurantParams.extend({ userId: id });
export const invitationParams = restaurantParams.extend({ invitationId: id });
export const myInvitationParams = z.object({ invitationId: id });
export const waitlistParams = restaurantParams.extend({ waitlistId: id });
export const waiteeParams = waitlistParams.extend({ waiteeId: id });

export const createRestaurantBody = z.strictObject({
  name: text(100),
  timeZone: timeZone.default('UTC'),
  phone: phone.nullable().default(null),
});
export const updateRestaurantBody = z
  .strictObject({ name: text(100).optional(), timeZone: timeZone.optional(), phone: phone.nullable().optional() })
  .refine((patch) => Object.keys(patch).length > 0, 'must change at least one property');

export const inviteMemberBody = z.strictObject({ email, role: z.enum(restaurantRoles).default('staff') });

const template = z.string().trim().min(1).max(640, 'must be at most 640 characters');
const messageTemplates = z.strictObject({
  'table-ready': template.optional(),
  'getting-close': template.optional(),
  're-page': template.optional(),
});

const minutes = (max: number) => z.number().int('must be whole minutes').min(0).max(max);
export const createWaitlistBody = z.strictObject({
  name: text(60),
  open: z.boolean().default(true),
  defaultWaitMinutes: minutes(600).default(15),
  gracePeriodMinutes: minutes(120).default(10),
  messageTemplates: messageTemplates.default({}),
});
export const updateWaitlistBody = z
  .strictObject({
    name: text(60).optional(),
    open: z.boolean().optional(),
    defaultWaitMinutes: minutes(600).optional(),
    gracePeriodMinutes: minutes(120).optional(),
    messageTemplates: messageTemplates.optional(),
  })
  .refine((patch) => Object.keys(patch).length > 0, 'must change at least one property');

const partySize = z.number().int('must be a whole number').min(1).max(50);
const notes = text(500).nullable();
export const addWaiteeBody = z.strictObject({
  name: guestName(100).optional(),
  phone: phone.nullable().optional(),
  partySize,
  notes: notes.optional(),
});
export const updateWaiteeBody = z
  .strictObject({
    name: guestName(100).optional(),
    phone: phone.nullable().optional(),
    partySize: partySize.optional(),
    notes: notes.optional(),
  })
  .refine((patch) => Object.keys(patch).length > 0, 'must change at least one property');

/** A query parameter that takes one value: given twice (`limit=1&limit=2`) it is refused, not guessed at. */
const once = z.string({ error: (issue) => (Array.isArray(issue.input) ? 'must be given once' : undefined) });

export const listWaiteesQuery = z.strictObject({
  // Repeated (`status=waiting&status=notified`, what openapi-fetch sends) or comma-separated.
  status: z
    .union([z.string(), z.array(z.string())])
    .transform((value) => [value].flat().flatMap((item) => item.split(',')))
    .pipe(z.array(z.enum(waiteeStatuses)).min(1).max(waiteeStatuses.length, `must list at most ${waiteeStatuses.length} statuses`))
    .optional(),
  limit: once.transform(Number).pipe(z.number().int().min(1).max(100)).default(50),
  // Tokens this API issues are printable ASCII; anything else could not even travel to the database
  // in its continuation header.
  continuationToken: once
    .min(1)
    .max(4096)
    .regex(/^[\x20-\x7e]+$/, 'is not a continuation token this API issued: pass the one from the previous page unchanged')
    .optional(),
});

export const statusParams = z.object({ token: z.string().regex(/^[A-Za-z0-9_-]{16}$/, 'is not a status token') });

/** Upload ids name their kind (`logo-<uuid>`), so confirming needs no stored record of the request. */
const uploadId = z
  .string()
  .regex(
    new RegExp(`^(${uploadKinds.join('|')})-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`),
    'must be an upload id as the upload request answered it',
  );
export const uploadParams = restaurantParams.extend({ uploadId });
export const imageParams = restaurantParams.extend({ imageId: uploadId });
export const requestUploadBody = z.strictObject({
  kind: z.enum(uploadKinds),
  contentType: z.string().trim().toLowerCase().min(1).max(100),
  size: z.number().int().min(1, 'must be at least 1 byte (an empty file is no picture)'),
});

const calendarDate = once.refine(isCalendarDate, 'must be a date written YYYY-MM-DD, such as 2026-12-01');
/** A range of days in the restaurant's time zone (the use case fills the defaults and checks the span). */
export const analyticsRangeQuery = z.object({ from: calendarDate.optional(), to: calendarDate.optional() });
