import { isProblem, slugOf, type Problem, type ProblemSlug } from './problems.js';

/**
 * What the join page does after a refused request, besides saying why: stay where it is, go back
 * to the details for a new code, or show the page for a link that no longer works.
 */
export type JoinNext = 'stay' | 'new-code' | 'link-gone';

export interface JoinFailure {
  readonly sentence: string;
  readonly next: JoinNext;
  /** Seconds until a new code may be asked for (a code limit's Retry-After), when the answer said. */
  readonly retryAfterSeconds?: number;
}

/** The page for a link that was turned off or replaced (a poster from before a rotation). */
export const linkGoneSentence = 'This link no longer works — ask the host for the current one.';
export const joinNetworkSentence = 'Your phone could not reach the restaurant’s waitlist. Check your signal and try again.';

const fieldNames: Readonly<Record<string, string>> = {
  name: 'your name',
  partySize: 'the party size',
  phone: 'the phone number',
  consentToTexts: 'the agreement to receive texts',
  code: 'the code',
};

function inAbout(seconds: number): string {
  if (seconds < 90) return `${seconds} seconds`;
  const minutes = Math.ceil(seconds / 60);
  return `${minutes} minutes`;
}

function retryAfterOf(problem: Problem, header: string | null): number | undefined {
  const fromHeader = header === null ? Number.NaN : Number(header);
  const seconds = problem.retryAfterSeconds ?? (Number.isFinite(fromHeader) ? fromHeader : undefined);
  return seconds === undefined ? undefined : Math.max(1, Math.ceil(seconds));
}

function invalidInput(problem: Problem): JoinFailure {
  if (problem.triesLeft !== undefined)
    return {
      sentence: `That code is not right. You have ${problem.triesLeft} ${problem.triesLeft === 1 ? 'try' : 'tries'} left.`,
      next: 'stay',
    };
  if (problem.field === 'phone')
    return { sentence: 'That phone number does not work here. Check it, or start it with + and the country code.', next: 'stay' };
  const first = problem.errors?.[0];
  const field = first?.pointer.split('/').filter(Boolean)[0] ?? problem.field ?? '';
  const name = fieldNames[field] ?? 'what you entered';
  return { sentence: `Please check ${name}: ${first?.message ?? problem.detail}`.replace(/\.?$/, '.'), next: 'stay' };
}

const askTheHost = 'Please ask the host stand to add you.';
const reload = (): JoinFailure => ({ sentence: 'Something on this page is out of date. Reload it and try again.', next: 'stay' });

/** One sentence per problem type: a type added to the contract is a compile error here until it has one. */
const sentences: Readonly<Record<ProblemSlug, (problem: Problem, retryAfter: number | undefined) => JoinFailure>> = {
  'validation-failed': invalidInput,
  'malformed-body': reload,
  'unsupported-media-type': reload,
  'method-not-allowed': reload,
  'headers-too-large': reload,
  'payload-too-large': () => ({ sentence: 'That is too much text. Shorten your name and try again.', next: 'stay' }),
  unauthenticated: reload,
  forbidden: reload,
  'precondition-failed': reload,
  'invalid-transition': reload,
  'not-found': () => ({ sentence: linkGoneSentence, next: 'link-gone' }),
  // On a join, a conflict is a used-up code or a line that closed meanwhile.
  conflict: (problem) =>
    problem.newCodeNeeded === true
      ? {
          sentence: `${problem.expired === true ? 'That code has expired.' : 'That code was entered wrongly too many times.'} Ask for a new code.`,
          next: 'new-code',
        }
      : { sentence: `The line is closed right now, so no one can join it here. ${askTheHost}`, next: 'stay' },
  'limit-reached': () => ({ sentence: `The line is full right now. ${askTheHost}`, next: 'stay' }),
  'too-many-attempts': (_problem, retryAfter) =>
    retryAfter === undefined
      ? { sentence: 'Too many codes were asked for. Wait a while, then ask for a new one.', next: 'stay' }
      : {
          sentence: `Too many codes were asked for this number. You can ask for a new one in ${inAbout(retryAfter)}.`,
          next: 'stay',
          retryAfterSeconds: retryAfter,
        },
  'rate-limited': (_problem, retryAfter) => ({
    sentence: `Too many tries at once. Wait ${inAbout(retryAfter ?? 10)} and try again.`,
    next: 'stay',
    ...(retryAfter === undefined ? {} : { retryAfterSeconds: retryAfter }),
  }),
  'text-limit-reached': () => ({ sentence: `The restaurant cannot send more texts right now. ${askTheHost}`, next: 'stay' }),
  internal: (problem) => ({
    sentence: `Something went wrong on our side. Try again in a moment; if it keeps happening, show the host this reference: ${problem.correlationId}.`,
    next: 'stay',
  }),
  unavailable: () => ({ sentence: 'Joining is not possible for a moment. Please try again shortly.', next: 'stay' }),
};

/**
 * A refused join request as a sentence a guest understands, read by the problem's type, and what
 * the page does next. An answer without a problem body (a gateway's) is read by its status.
 */
export function explainJoinFailure(status: number, body: unknown, retryAfterHeader: string | null = null): JoinFailure {
  if (isProblem(body)) {
    const explain = sentences[slugOf(body)] as ((problem: Problem, retryAfter: number | undefined) => JoinFailure) | undefined;
    return explain === undefined ? { sentence: body.detail, next: 'stay' } : explain(body, retryAfterOf(body, retryAfterHeader));
  }
  if (status === 404) return { sentence: linkGoneSentence, next: 'link-gone' };
  if (status === 429) return { sentence: 'Too many tries at once. Wait a moment and try again.', next: 'stay' };
  if (status >= 500) return { sentence: 'The waitlist is having trouble right now. Wait a moment and try again.', next: 'stay' };
  return reload();
}
