import { describe, expect, it } from 'vitest';
import { csvField, csvOf } from '../../src/domain/csv.js';

describe('csvField', () => {
  it('quotes fields holding a comma, a quote or a line break, doubling the quotes', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a, b')).toBe('"a, b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
    expect(csvField('cr\rhere')).toBe('"cr\rhere"');
  });

  it('neutralises text a spreadsheet would run as a formula', () => {
    for (const start of ['=', '+', '-', '@', '\t', '\r'])
      expect(csvField(`${start}1+1`).startsWith("'") || csvField(`${start}1+1`).startsWith(`"'`)).toBe(true);
    expect(csvField('=HYPERLINK("http://evil.test")')).toBe(`"'=HYPERLINK(""http://evil.test"")"`);
    expect(csvField('+14155550123')).toBe("'+14155550123");
    expect(csvField('Ada = Bob')).toBe('Ada = Bob');
  });

  it('writes numbers as they are and null as an empty field', () => {
    expect(csvField(-3)).toBe('-3');
    expect(csvField(12.5)).toBe('12.5');
    expect(csvField(null)).toBe('');
  });
});

describe('csvOf', () => {
  it('ends every row with CRLF', () => {
    expect(
      csvOf([
        ['a', 'b'],
        [1, null],
      ]),
    ).toBe('a,b\r\n1,\r\n');
  });
});
