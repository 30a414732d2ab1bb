import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DomainError } from '../../src/domain/errors.js';
import { guestTextProblem, textSafe } from '../../src/domain/guest-text.js';
import {
  checkTemplate,
  defaultTemplates,
  inspectTemplate,
  maxSegments,
  messageKinds,
  renderText,
  smsSegments,
  textFieldLimits,
  type TemplateValues,
} from '../../src/domain/messages.js';

/** Characters a name can hold: GSM-7 letters, GSM-7 characters that take two units, Cyrillic, CJK, emoji. */
const nameCharacter = fc.constantFrom(...'aZé €[]{}|~^ЖщюЯ漢字ß😀🍝👩‍🍳'.split(''), ...Array.from('😀🍝'));
const longName = fc.array(nameCharacter, { minLength: 1, maxLength: 100 }).map((cs) => cs.join(''));
/** A status link as the app builds it from STATUS_PAGE_BASE_URL, on hosts up to the 40 characters the check allows for. */
const statusUrl = fc.stringMatching(/^[a-z0-9-]{1,40}$/).map((host) => `https://${host}/api/v1/status/${'x'.repeat(16)}`);
const values = fc.record<TemplateValues>({
  name: longName,
  restaurant: longName,
  position: fc.integer({ min: 1, max: 500 }).map(String),
  wait: fc.integer({ min: 0, max: 600 }).map(String),
  statusUrl,
});
const templateWord = fc.oneof(
  fc.constantFrom('{name}', '{restaurant}', '{position}', '{wait}', '{statusUrl}'),
  fc.array(nameCharacter, { minLength: 1, maxLength: 12 }).map((cs) => cs.join('')),
);
const template = fc.array(templateWord, { minLength: 1, maxLength: 60 }).map((words) => words.join(' '));

const passesCheck = (text: string): boolean => {
  try {
    checkTemplate('table-ready', text);
    return true;
  } catch (error) {
    if (error instanceof DomainError) return false;
    throw error;
  }
};

describe('the 3-segment promise', () => {
  it('keeps every text of the default templates within 3 segments for 100-character Cyrillic names', () => {
    const cyrillic = 'Ж'.repeat(100);
    for (const kind of messageKinds) {
      const text = renderText(defaultTemplates[kind], {
        name: cyrillic,
        restaurant: cyrillic,
        position: '500',
        wait: '600',
        statusUrl: `https://${'h'.repeat(40)}/api/v1/status/${'t'.repeat(16)}`,
      });
      expect(smsSegments(text), kind).toMatchObject({ encoding: 'UCS-2' });
      expect(smsSegments(text).segments, `${kind}: ${text}`).toBeLessThanOrEqual(maxSegments);
    }
  });

  it('keeps the default templates within 3 segments for generated names and restaurant names', () => {
    fc.assert(
      fc.property(fc.constantFrom(...messageKinds), values, (kind, v) => {
        expect(smsSegments(renderText(defaultTemplates[kind], v)).segments).toBeLessThanOrEqual(maxSegments);
      }),
      { numRuns: 500 },
    );
  });

  it('keeps every template that passes the save-time check within 3 segments, whatever the names', () => {
    let checked = 0;
    fc.assert(
      fc.property(template, values, (text, v) => {
        fc.pre(passesCheck(text));
        checked++;
        expect(smsSegments(renderText(text, v)).segments).toBeLessThanOrEqual(maxSegments);
      }),
      { numRuns: 1000 },
    );
    expect(checked).toBeGreaterThan(200);
  });

  it('refuses a re-page template that 7 segments would need with a long name, counting UCS-2', () => {
    const long = `Hi {name}, your table at {restaurant} is still waiting for you. ${'Please come to the host stand now. '.repeat(2)}{statusUrl}`;
    expect(inspectTemplate(long).worstCase).toMatchObject({ encoding: 'UCS-2' });
    expect(() => {
      checkTemplate('re-page', long);
    }).toThrow(/SMS segments \(UCS-2\)/);
  });
});

describe('guest text inside a text', () => {
  it('refuses the relay attempt and other links at input, with a reason', () => {
    expect(guestTextProblem('URGENT: pay deposit at http://evil.example/p or lose table')).toContain('http://');
    for (const name of ['see evil.example', 'www.x', 'bit.ly/abc', 'mail me@host.org', '10.0.0.1', 'EVIL.EXAMPLE'])
      expect(guestTextProblem(name), name).not.toBeNull();
  });

  it('answers at once for a body-sized value instead of searching it for links', () => {
    const started = performance.now();
    expect(guestTextProblem('a@'.repeat(32_000))).toContain('at most');
    expect(performance.now() - started).toBeLessThan(50);
  });

  it('refuses control and text-direction characters', () => {
    expect(guestTextProblem('Ann\u202Eelbat')).toContain('direction');
    expect(guestTextProblem('Ann\nPay now')).toContain('control');
  });

  it('accepts ordinary names in any alphabet', () => {
    for (const name of ['Lin', 'Anne-Marie O’Neil', 'Dr. Smith', 'Жанна', '山田 太郎', 'Zoë 🍝', 'J.R. Tolkien', 'Party of 4'])
      expect(guestTextProblem(name), name).toBeNull();
  });

  it('renders a stored name with a link as a neutral word, strips invisible characters and cuts long names', () => {
    expect(textSafe('URGENT: pay at http://evil.example/p', 20, 'there')).toBe('there');
    expect(textSafe('An\u200Bn\u202E', 20, 'there')).toBe('Ann');
    expect(textSafe('Ж'.repeat(100), textFieldLimits.name, 'there')).toBe('Ж'.repeat(textFieldLimits.name));
    expect(textSafe('😀'.repeat(30), 5, 'there')).toBe('😀😀');
  });
});

describe('inspectTemplate: what saving a template checks, for a client to show before it saves', () => {
  it('lists the variables it does not know', () => {
    expect(inspectTemplate('Hi {name}, {table} is ready at {restaurant} {when}').unknownVariables).toEqual(['table', 'when']);
  });

  it('counts the segments with the longest values filled in, not the template as typed', () => {
    const template = `Hi {name} ${'x'.repeat(140)}`;
    expect(smsSegments(template).segments).toBe(1);
    expect(inspectTemplate(template).worstCase.segments).toBeGreaterThan(1);
  });

  it('agrees with checkTemplate: refused exactly when the worst case exceeds the limit', () => {
    const verdicts = Array.from({ length: 400 }, (_, n) => `{name} ${'x'.repeat(n)}`).map((text) => ({
      withinLimit: inspectTemplate(text).worstCase.segments <= maxSegments,
      saved: passesCheck(text),
    }));
    expect(verdicts.every(({ withinLimit, saved }) => withinLimit === saved)).toBe(true);
    expect(verdicts.some(({ saved }) => saved)).toBe(true);
    expect(verdicts.some(({ saved }) => !saved)).toBe(true);
  });

  it('switches to UCS-2 when one character is outside GSM-7', () => {
    expect(inspectTemplate(`${defaultTemplates['table-ready']} 🎉`).worstCase.encoding).toBe('UCS-2');
  });
});
