import { describe, expect, it } from 'vitest';
import { DomainError } from '../../src/domain/errors.js';
import { checkTemplate, defaultTemplates, inspectTemplate, maxSegments, smsSegments } from '../../src/domain/messages.js';

describe('inspectTemplate: what saving a template checks, for a client to show before it saves', () => {
  it('lists the variables it does not know', () => {
    expect(inspectTemplate('Hi {name}, {table} is ready at {restaurant} {when}').unknownVariables).toEqual(['table', 'when']);
  });

  it('counts the segments with long values filled in, not the template as typed', () => {
    const template = 'Hi {name}';
    expect(smsSegments(template).units).toBe(11); // { and } are GSM-7 extension characters: two units each
    expect(inspectTemplate(template).worstCase).toEqual({ encoding: 'GSM-7', units: 33, segments: 1 });
  });

  it('agrees with checkTemplate: refused exactly when the worst case exceeds the limit', () => {
    const atLimit = `{name} ${'x'.repeat(3 * 153 - 31)}`;
    expect(inspectTemplate(atLimit).worstCase.segments).toBe(maxSegments);
    expect(() => {
      checkTemplate('table-ready', atLimit);
    }).not.toThrow();
    const overLimit = `${atLimit}x`;
    expect(inspectTemplate(overLimit).worstCase.segments).toBe(maxSegments + 1);
    expect(() => {
      checkTemplate('table-ready', overLimit);
    }).toThrow(DomainError);
  });

  it('switches to UCS-2 when one character is outside GSM-7', () => {
    expect(inspectTemplate(`${defaultTemplates['table-ready']} 🎉`).worstCase.encoding).toBe('UCS-2');
  });
});
