import type { components } from '../api/schema.js';
import { statusLabel } from './moves.js';

export type Problem = components['schemas']['Problem'];
type ProblemType = Problem['type'];
/** Distributes over the union, so a type added to the contract is a compile error here until it has a sentence. */
type SlugOf<T> = T extends `urn:waitlist:problem:${infer Slug}` ? Slug : never;
export type ProblemSlug = SlugOf<ProblemType>;

/** What the host was working on, so a sentence can name it ("Someone else changed this party"). */
export type Subject = 'party' | 'waitlist' | 'restaurant' | 'member' | 'line';

const prefix = 'urn:waitlist:problem:';

export function isProblem(body: unknown): body is Problem {
  return (
    typeof body === 'object' &&
    body !== null &&
    typeof (body as { type?: unknown }).type === 'string' &&
    (body as { type: string }).type.startsWith(prefix)
  );
}

export function slugOf(problem: Problem): ProblemSlug {
  return problem.type.slice(prefix.length) as ProblemSlug;
}

const fieldNames: Readonly<Record<string, string>> = {
  name: 'the name',
  phone: 'the phone number',
  partySize: 'the party size',
  notes: 'the notes',
  email: 'the email',
  role: 'the role',
  timeZone: 'the time zone',
  defaultWaitMinutes: 'the default wait',
  gracePeriodMinutes: 'the grace period',
};

/** "the party size: Too big: expected number to be <=50" from `errors: [{pointer: '/partySize', …}]`. */
function validationSentence(problem: Problem): string {
  // A rule the use case checked (a template's segments, the password policy) says it for people already.
  if (problem.field !== undefined) return problem.detail;
  const first = problem.errors?.[0];
  if (first === undefined) return problem.detail;
  const field = first.pointer.split('/').filter(Boolean)[0] ?? '';
  const name = fieldNames[field] ?? (field === '' ? 'what you entered' : field);
  return `Please check ${name}: ${first.message}.`;
}

const unreadable = 'The app sent something the server could not read. Reload the page and try again.';
const tooMany = 'Too many requests at once. Wait a moment and try again.';
const signedOut = 'Your sign-in has ended. Sign in again to carry on; nothing you typed is lost.';
const gone = (subject: Subject): string => `This ${subject} is no longer there; it may have been removed on another device.`;

const sentences: Readonly<Record<ProblemSlug, (problem: Problem, subject: Subject) => string>> = {
  'validation-failed': validationSentence,
  'malformed-body': () => unreadable,
  'unsupported-media-type': () => unreadable,
  'method-not-allowed': () => unreadable,
  'headers-too-large': () => 'The request was too large to send. Sign out, sign in again and retry.',
  unauthenticated: () => signedOut,
  forbidden: () => 'Your role does not allow this. Ask an owner of the restaurant.',
  'not-found': (problem, subject) => (problem.field === undefined ? gone(subject) : problem.detail),
  conflict: (problem) => problem.detail,
  'invalid-transition': (problem, subject) =>
    problem.currentStatus === undefined
      ? `Someone else already moved this ${subject}; here is the latest.`
      : `Someone else already moved this ${subject}: it is ${statusLabel(problem.currentStatus)} now. Here is the latest.`,
  'limit-reached': (problem) => `A limit was reached: ${problem.detail}`,
  'precondition-failed': (_problem, subject) => `Someone else changed this ${subject}; here is the latest. Check it and try again.`,
  'payload-too-large': () => 'That is too much to save at once. Shorten the text and try again.',
  'rate-limited': () => tooMany,
  'too-many-attempts': (problem) =>
    problem.retryAfterSeconds === undefined
      ? 'Too many attempts. Wait a while and try again.'
      : `Too many attempts. Try again in ${Math.ceil(problem.retryAfterSeconds / 60)} min.`,
  'text-limit-reached': (problem) => `No text was sent: ${problem.detail}`,
  internal: (problem) =>
    `Something went wrong on our side. Try again; if it keeps happening, give this reference to support: ${problem.correlationId}.`,
  unavailable: () => 'The server cannot reach its data right now. Wait a moment and try again.',
};

/** The sentence when no answer came at all: the device is offline or the API is unreachable. */
export const networkSentence = 'The server cannot be reached. Check the connection; the app keeps trying and will catch up.';

/**
 * Any failed answer as a sentence a host understands. A problem+json body is read by its `type`; an
 * answer without one (a gateway's 502, a rate limit, the Functions host's bare 404) by its status.
 */
export function explainFailure(status: number, body: unknown, subject: Subject = 'party'): string {
  if (isProblem(body)) {
    const sentence = sentences[slugOf(body)] as ((problem: Problem, subject: Subject) => string) | undefined;
    return sentence === undefined ? body.detail : sentence(body, subject);
  }
  if (status === 401) return signedOut;
  if (status === 404) return gone(subject);
  if (status === 429) return tooMany;
  if (status >= 500) return 'The server is having trouble right now. Wait a moment and try again.';
  return 'The server refused that request. Reload the page and try again.';
}

/** Whether a request failed without reaching the API, so nothing changed and it may be sent again. */
export function neverArrived(error: unknown): boolean {
  return error instanceof TypeError;
}
