/**
 * Failures the domain and use cases report. Each kind maps to one stable problem type and HTTP
 * status at the edge (src/functions/http/problem.ts); the domain never knows about HTTP.
 */
export type DomainErrorKind =
  | 'validation'
  | 'unauthenticated'
  | 'forbidden'
  | 'not-found'
  | 'conflict'
  | 'invalid-transition'
  | 'precondition-failed'
  | 'limit-reached'
  | 'too-many-attempts'
  | 'invalid-grant';

export class DomainError extends Error {
  constructor(
    readonly kind: DomainErrorKind,
    message: string,
    readonly details: Readonly<Record<string, unknown>> = {},
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

export const notFound = (what: string): DomainError => new DomainError('not-found', `${what} was not found.`);
