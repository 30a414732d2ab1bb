import { expect } from 'vitest';
import type { ApiResponse } from './stack.js';

/**
 * Asserts an RFC 9457 problem+json answer: the status, the content type, and the members every
 * problem carries (type, title, status matching the HTTP status, detail). Returns the body.
 */
export function expectProblem(response: ApiResponse, status?: number, slug?: string): Record<string, unknown> {
  const context = `${response.status} ${typeof response.body === 'string' ? response.body.slice(0, 300) : JSON.stringify(response.body).slice(0, 300)}`;
  if (status !== undefined) expect(response.status, context).toBe(status);
  expect(response.status, context).toBeGreaterThanOrEqual(400);
  expect(response.headers.get('content-type'), context).toBe('application/problem+json');
  const body = response.body;
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new Error(`problem body is not an object: ${context}`);
  const problem = body as Record<string, unknown>;
  expect(problem.type, context).toMatch(/^urn:waitlist:problem:[a-z-]+$/);
  expect(typeof problem.title, context).toBe('string');
  expect(problem.status, context).toBe(response.status);
  expect(typeof problem.detail, context).toBe('string');
  expect(String(problem.detail), context).not.toMatch(/\n\s+at /);
  if (slug !== undefined) expect(problem.type, context).toBe(`urn:waitlist:problem:${slug}`);
  return problem;
}

/** Whether a response is a well-formed 4xx problem (for use inside fast-check properties). */
export function expectClientProblem(response: ApiResponse): Record<string, unknown> {
  const problem = expectProblem(response);
  expect(response.status, JSON.stringify(response.body).slice(0, 300)).toBeLessThan(500);
  return problem;
}
