import { describe, expect, it } from 'vitest';
import { addRequestOf, changesOf, draftOf, draftProblem, emptyDraft, partySizeOf } from '../../../web/src/lib/party-draft.js';
import { party } from './party.js';

describe('the walk-in and edit forms: what is sent, and what stops it', () => {
  const draft = { ...emptyDraft('US'), name: '  Ada  ', phone: '(415) 555-0123', partySize: '4', notes: ' high chair ' };

  it('sends trimmed text, the phone in E.164 and the size as a number', () => {
    expect(addRequestOf(draft)).toEqual({ name: 'Ada', phone: '+14155550123', partySize: 4, notes: 'high chair' });
    expect(addRequestOf({ ...draft, phone: '', notes: '  ' })).toMatchObject({ phone: null, notes: null });
  });

  it('says what to fix before anything is sent', () => {
    expect(draftProblem(draft)).toBeNull();
    expect(draftProblem({ ...draft, name: ' ' })).toBe('Enter the name to call out.');
    expect(draftProblem({ ...draft, partySize: '0' })).toBe('Enter a party size from 1 to 50.');
    expect(draftProblem({ ...draft, partySize: '51' })).toBe('Enter a party size from 1 to 50.');
    expect(draftProblem({ ...draft, partySize: '2.5' })).toBe('Enter a party size from 1 to 50.');
    expect(draftProblem({ ...draft, phone: '415 55' })).toBe(
      'Phone: Keep typing: the number is too short so far. Or leave it empty: then nobody is texted.',
    );
    expect(draftProblem({ ...draft, phone: '' })).toBeNull();
    expect(partySizeOf({ ...draft, partySize: '' })).toBeNull();
  });

  it('patches only what changed, null clearing a phone or notes', () => {
    const inLine = party({ name: 'Ada', phone: '+14155550123', partySize: 2, notes: 'patio' });
    const start = draftOf(inLine, 'US');
    expect(start.phone).toBe('+1 415 555 0123');
    expect(changesOf(inLine, start)).toBeNull();
    expect(changesOf(inLine, { ...start, partySize: '3' })).toEqual({ partySize: 3 });
    expect(changesOf(inLine, { ...start, phone: '', notes: '' })).toEqual({ phone: null, notes: null });
    expect(changesOf(inLine, { ...start, name: 'Ada L.', phone: '(650) 555-0101' })).toEqual({ name: 'Ada L.', phone: '+16505550101' });
  });
});
