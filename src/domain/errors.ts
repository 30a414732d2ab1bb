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
  | 'limit-reached'
  | 'too-many-attempts'
  | 'text-limit-reached'
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

/**
 * The not-found answers, one sentence each. A restaurant the caller is no member of reads the same
 * as one that does not exist, so restaurant ids cannot be probed.
 */
export const notFound = {
  restaurant: (): DomainError => new DomainError('not-found', 'Restaurant not found, or you are not a member of it.'),
  waitlist: (): DomainError => new DomainError('not-found', 'Waitlist not found.'),
  waitee: (): DomainError => new DomainError('not-found', 'Party not found in this waitlist.'),
  statusLink: (): DomainError => new DomainError('not-found', 'This status link is not valid.'),
  invitation: (): DomainError => new DomainError('not-found', 'Invitation not found: it was answered, revoked or has expired.'),
} as const;
