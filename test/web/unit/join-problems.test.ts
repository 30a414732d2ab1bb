import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { problemTypes, problemTypeUri, type ProblemSlug } from '../../../src/functions/http/problem.js';
import { joinCodeFromPath } from '../../../web/src/join/join-api.js';
import { explainJoinFailure, linkGoneSentence } from '../../../web/src/lib/join-problems.js';
import type { Problem } from '../../../web/src/lib/problems.js';

const contract = JSON.parse(readFileSync(new URL('../../../openapi/openapi.json', import.meta.url), 'utf8')) as {
  components: { schemas: { Problem: { properties: { type: { enum: string[] } } } } };
};

function problem(slug: ProblemSlug, extra: Partial<Problem> = {}): Problem {
  const { status, title } = problemTypes[slug];
  return { type: problemTypeUri(slug) as Problem['type'], title, status, detail: `The detail of ${slug}.`, correlationId: 'c-1', ...extra };
}

describe('every refused join becomes a sentence a guest understands', () => {
  it('has a sentence for every problem type of the contract, none of them a status code, a type or the server’s detail', () => {
    const types = contract.components.schemas.Problem.properties.type.enum;
    expect(types).toContain('urn:waitlist:problem:too-many-attempts');
    for (const type of types) {
      const sentence = explainJoinFailure(400, { type, title: 'T', status: 400, detail: 'The detail.', correlationId: 'c-1' }).sentence;
      expect(sentence, type).toMatch(/^[A-Z].*\.$/);
      expect(sentence, type).not.toMatch(/\b[45]\d\d\b|urn:/);
      expect(sentence, type).not.toBe('The detail.');
    }
  });

  it('counts the tries a wrong code leaves, and asks for a new code after the last or once it expired', () => {
    expect(explainJoinFailure(400, problem('validation-failed', { field: 'code', triesLeft: 3 }))).toEqual({
      sentence: 'That code is not right. You have 3 tries left.',
      next: 'stay',
    });
    expect(explainJoinFailure(400, problem('validation-failed', { field: 'code', triesLeft: 1 })).sentence).toBe(
      'That code is not right. You have 1 try left.',
    );
    expect(explainJoinFailure(409, problem('conflict', { newCodeNeeded: true }))).toEqual({
      sentence: 'That code was entered wrongly too many times. Ask for a new code.',
      next: 'new-code',
    });
    expect(explainJoinFailure(409, problem('conflict', { newCodeNeeded: true, expired: true })).sentence).toBe(
      'That code has expired. Ask for a new code.',
    );
  });

  it('says the line is closed or full, and that a turned-off link no longer works', () => {
    expect(explainJoinFailure(409, problem('conflict')).sentence).toBe(
      'The line is closed right now, so no one can join it here. Please ask the host stand to add you.',
    );
    expect(explainJoinFailure(409, problem('limit-reached', { limit: 500 })).sentence).toBe(
      'The line is full right now. Please ask the host stand to add you.',
    );
    expect(explainJoinFailure(404, problem('not-found'))).toEqual({ sentence: linkGoneSentence, next: 'link-gone' });
    expect(explainJoinFailure(404, undefined).next).toBe('link-gone');
  });

  it('says when a new code may be asked for, from the problem or from Retry-After', () => {
    expect(explainJoinFailure(429, problem('too-many-attempts', { limit: 3, retryAfterSeconds: 1800 }))).toEqual({
      sentence: 'Too many codes were asked for this number. You can ask for a new one in 30 minutes.',
      next: 'stay',
      retryAfterSeconds: 1800,
    });
    expect(explainJoinFailure(429, problem('too-many-attempts'), '45')).toMatchObject({
      sentence: 'Too many codes were asked for this number. You can ask for a new one in 45 seconds.',
      retryAfterSeconds: 45,
    });
  });

  it('names the field of an invalid input, and explains a phone number the server could not read', () => {
    expect(
      explainJoinFailure(
        400,
        problem('validation-failed', { errors: [{ pointer: '/name', where: 'body', message: 'must not contain a link' }] }),
      ).sentence,
    ).toBe('Please check your name: must not contain a link.');
    expect(explainJoinFailure(400, problem('validation-failed', { field: 'phone' })).sentence).toBe(
      'That phone number does not work here. Check it, or start it with + and the country code.',
    );
  });
});

describe('the join page’s address', () => {
  it('reads the code of /j/{code} with the server’s alphabet and length, and nothing else', () => {
    expect(joinCodeFromPath('/j/abcdefghjk')).toBe('abcdefghjk');
    expect(joinCodeFromPath('/j/abcdefghjk/')).toBe('abcdefghjk');
    expect(joinCodeFromPath('/j/abcdefghj')).toBeNull();
    expect(joinCodeFromPath('/j/abcdefghj0')).toBeNull();
    expect(joinCodeFromPath('/restaurants')).toBeNull();
  });
});
