import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { problemTypes, problemTypeUri, type ProblemSlug as ServerSlug } from '../../../src/functions/http/problem.js';
import { explainFailure, networkSentence, neverArrived, type Problem } from '../../../web/src/lib/problems.js';

const contract = JSON.parse(readFileSync(new URL('../../../openapi/openapi.json', import.meta.url), 'utf8')) as {
  components: { schemas: { Problem: { properties: { type: { enum: string[] } } } } };
};

function problem(slug: ServerSlug, extra: Partial<Problem> = {}): Problem {
  const { status, title } = problemTypes[slug];
  return {
    type: problemTypeUri(slug) as Problem['type'],
    title,
    status,
    detail: `The detail of ${slug}.`,
    correlationId: 'corr-1',
    ...extra,
  };
}

describe('every problem+json answer becomes a sentence a host understands', () => {
  it('has a sentence for every problem type in the contract (from the app and from the gateway), none of them a status code or a type', () => {
    const types = contract.components.schemas.Problem.properties.type.enum;
    expect(types).toContain('urn:waitlist:problem:rate-limited');
    for (const type of types) {
      // A problem body is read by its type; the status only matters for answers without one.
      const body = { type, title: 'A title', status: 400, detail: 'The detail.', correlationId: 'corr-1' } as Problem;
      const sentence = explainFailure(400, body);
      expect(sentence, type).toMatch(/^[A-Z].*\.$/);
      expect(sentence, type).not.toMatch(/\b[45]\d\d\b|urn:/);
      // Only these pass the server's own sentence through; any other type needs one of its own.
      if (!['validation-failed', 'conflict'].includes(type.replace('urn:waitlist:problem:', '')))
        expect(sentence, type).not.toBe('The detail.');
    }
  });

  it('says that someone else changed the party on 412, and what it is now on a move made first elsewhere', () => {
    expect(explainFailure(412, problem('precondition-failed'))).toBe(
      'Someone else changed this party; here is the latest. Check it and try again.',
    );
    expect(explainFailure(409, problem('invalid-transition', { currentStatus: 'seated', action: 'notify', allowedActions: [] }))).toBe(
      'Someone else already moved this party: it is seated now. Here is the latest.',
    );
    expect(explainFailure(412, problem('precondition-failed'), 'waitlist')).toContain('changed this waitlist');
  });

  it("names the field of a validation error, and keeps the server's sentence for a rule it checked", () => {
    const invalid = problem('validation-failed', {
      errors: [{ pointer: '/partySize', where: 'body', message: 'Too big: expected number to be <=50' }],
    });
    expect(explainFailure(400, invalid)).toBe('Please check the party size: Too big: expected number to be <=50.');
    const template = problem('validation-failed', {
      detail: 'The table-ready message can take 4 SMS segments (GSM-7) with long names; keep it within 3.',
      field: 'messageTemplates/table-ready',
      segments: 4,
      errors: [{ pointer: '/messageTemplates/table-ready', where: 'body', message: 'too long' }],
    });
    expect(explainFailure(400, template)).toBe(
      'The table-ready message can take 4 SMS segments (GSM-7) with long names; keep it within 3.',
    );
  });

  it('keeps the detail of a conflict, which names what clashes', () => {
    expect(explainFailure(409, problem('conflict', { detail: 'The waitlist still has 3 parties in line.' }))).toBe(
      'The waitlist still has 3 parties in line.',
    );
  });

  it('gives the correlation id on an internal error, so support can find it', () => {
    expect(explainFailure(500, problem('internal'))).toContain('corr-1');
  });

  it('explains answers that carry no problem body by their status, without the number', () => {
    expect(explainFailure(502, '<html>Bad gateway</html>')).toBe('The server is having trouble right now. Wait a moment and try again.');
    expect(explainFailure(429, null)).toBe('Too many requests at once. Wait a moment and try again.');
    expect(explainFailure(404, '', 'waitlist')).toBe('This waitlist is no longer there; it may have been removed on another device.');
    expect(networkSentence).toMatch(/cannot be reached/);
  });
});

describe('neverArrived: whether a move may be sent again', () => {
  it('is a fetch that got no answer, not an answer that refused', () => {
    expect(neverArrived(new TypeError('Failed to fetch'))).toBe(true);
    expect(neverArrived(Object.assign(new Error('x'), { status: 412, problem: problem('precondition-failed') }))).toBe(false);
  });
});
