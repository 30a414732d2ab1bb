import { describe, expect, it } from 'vitest';
import type { components } from '../../../web/src/api/schema.js';
import { defaultTemplates } from '../../../src/domain/messages.js';
import { settingsChangeOf, settingsDraftOf, templateOfField } from '../../../web/src/lib/waitlist-settings.js';

const waitlist: components['schemas']['Waitlist'] = {
  id: 'w',
  restaurantId: 'r',
  name: 'Dinner',
  open: true,
  defaultWaitMinutes: 20,
  gracePeriodMinutes: 10,
  messageTemplates: { ...defaultTemplates },
  partiesInLine: 0,
  createdAt: '2026-12-01T17:00:00.000Z',
  etag: '"w1"',
};

describe('line settings: what a save sends', () => {
  it('sends nothing when nothing changed', () => {
    expect(settingsChangeOf(waitlist, settingsDraftOf(waitlist))).toEqual({ ok: true, body: null });
  });

  it('sends only the changed numbers and templates, trimmed', () => {
    const draft = settingsDraftOf(waitlist);
    const change = settingsChangeOf(waitlist, {
      ...draft,
      gracePeriodMinutes: '15',
      templates: { ...draft.templates, 're-page': '  Hi {name}, last call!  ' },
    });
    expect(change).toEqual({ ok: true, body: { gracePeriodMinutes: 15, messageTemplates: { 're-page': 'Hi {name}, last call!' } } });
  });

  it("refuses numbers outside the contract's bounds, in words", () => {
    const draft = settingsDraftOf(waitlist);
    expect(settingsChangeOf(waitlist, { ...draft, defaultWaitMinutes: '601' })).toEqual({
      ok: false,
      problem: 'Enter a default wait in whole minutes, from 0 to 600.',
    });
    expect(settingsChangeOf(waitlist, { ...draft, gracePeriodMinutes: '' })).toMatchObject({ ok: false });
    expect(settingsChangeOf(waitlist, { ...draft, gracePeriodMinutes: '2.5' })).toMatchObject({ ok: false });
    expect(settingsChangeOf(waitlist, { ...draft, defaultWaitMinutes: '0' })).toEqual({ ok: true, body: { defaultWaitMinutes: 0 } });
  });

  it('finds the template a server refusal names, so the reason shows under it', () => {
    expect(templateOfField('messageTemplates/table-ready')).toBe('table-ready');
    expect(templateOfField('messageTemplates/nonsense')).toBeNull();
    expect(templateOfField('email')).toBeNull();
    expect(templateOfField(undefined)).toBeNull();
  });
});
