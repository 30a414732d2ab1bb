import type { components } from './schema.js';

export type Problem = components['schemas']['Problem'];

/** An API answer that is not a success: the HTTP status and the problem+json body when there is one. */
export class ApiProblem extends Error {
  constructor(
    readonly status: number,
    readonly problem: Problem | undefined,
  ) {
    super(problem?.detail ?? `The server answered ${status}.`);
  }

  /** The problem type's slug (`urn:waitlist:problem:<slug>`), or undefined without a problem body. */
  get slug(): string | undefined {
    return this.problem?.type.replace(/^urn:waitlist:problem:/, '');
  }
}

function isProblem(body: unknown): body is Problem {
  return typeof body === 'object' && body !== null && typeof (body as Record<string, unknown>).type === 'string';
}

/** The data of an openapi-fetch result, or an ApiProblem for anything else. */
export function unwrap<T>(result: { data?: T; error?: unknown; response: Response }): T {
  if (result.response.ok) return result.data as T;
  throw new ApiProblem(result.response.status, isProblem(result.error) ? result.error : undefined);
}
