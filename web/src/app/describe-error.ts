import { ApiProblem } from '../api/errors.js';
import { SignedOutError } from '../api/session.js';
import { explainFailure, networkSentence, type Subject } from '../lib/problems.js';

/** Any error a query or mutation throws, as a sentence for the host. */
export function describeError(error: unknown, subject?: Subject): string {
  if (error instanceof ApiProblem) return explainFailure(error.status, error.problem, subject);
  if (error instanceof SignedOutError) return error.message;
  if (error instanceof TypeError) return networkSentence;
  return error instanceof Error ? error.message : String(error);
}
