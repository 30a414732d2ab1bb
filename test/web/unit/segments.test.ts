import { describe, expect, it } from 'vitest';
import { checkTemplate, defaultTemplates, render } from '../../../src/domain/messages.js';
import { maxSegments, meterTemplate, sampleStatusUrl, sampleValues, smsCountText } from '../../../web/src/lib/segments.js';

const sample = sampleValues('Demo Bistro', sampleStatusUrl('https://waitlist.example/api'));

describe('the template editor counter agrees with the server check', () => {
  it('previews the text with sample values, filled in the way the server fills them', () => {
    const meter = meterTemplate('table-ready', '  Hi {name}, table at {restaurant}! {statusUrl}  ', sample);
    expect(meter.preview).toBe('Hi Alex, table at Demo Bistro! https://waitlist.example/api/v1/status/xxxxxxxxxxxxxxxx');
    expect(meter.preview).toBe(render('Hi {name}, table at {restaurant}! {statusUrl}', sample));
    expect(meter.refusal).toBeNull();
  });

  it('accepts every default template', () => {
    for (const kind of ['table-ready', 'getting-close', 're-page'] as const) {
      expect(meterTemplate(kind, defaultTemplates[kind], sample).refusal).toBeNull();
    }
  });

  it("refuses a template over 3 segments with the server's own sentence", () => {
    const long = `Hi {name}, ${'your table is ready and waiting for you. '.repeat(12)}`;
    const meter = meterTemplate('table-ready', long, sample);
    expect(meter.worstCase.segments).toBeGreaterThan(maxSegments);
    expect(() => {
      checkTemplate('table-ready', long.trim());
    }).toThrow(meter.refusal ?? 'expected a refusal');
    expect(meter.refusal).toMatch(/can take \d+ SMS segments \((GSM-7|UCS-2)\) with long names.*within 3\./);
  });

  it('counts UCS-2 when one character is outside GSM-7, halving the room', () => {
    // 29 characters and the emoji, which takes two UCS-2 units.
    const meter = meterTemplate('table-ready', 'Hi {name}, your table is ready 🍽', sample);
    expect(meter.previewSms.encoding).toBe('UCS-2');
    expect(smsCountText(meter.previewSms)).toBe('1 SMS (UCS-2, 31 of 70 characters)');
  });

  it('refuses unknown variables, naming them', () => {
    expect(meterTemplate('re-page', 'Hi {guest}', sample).refusal).toContain('unknown variables: {guest}');
  });

  it('refuses an empty template and one over the contract length, before the server does', () => {
    expect(meterTemplate('re-page', '   ', sample).refusal).toBe('The re-page message cannot be empty.');
    expect(meterTemplate('re-page', 'x'.repeat(641), sample).refusal).toBe('The re-page message is 641 characters; keep it within 640.');
  });

  it('says the count in words', () => {
    expect(smsCountText({ encoding: 'GSM-7', units: 97, segments: 1 })).toBe('1 SMS (GSM-7, 97 of 160 characters)');
    expect(smsCountText({ encoding: 'GSM-7', units: 200, segments: 2 })).toBe('2 SMS (GSM-7, 200 characters)');
  });
});
