import { describe, expect, it } from 'vitest';
import { lateMargin, quoteForNewParty, quoteStanding, quoteText, quotedMinutes } from '../../../web/src/lib/quote.js';
import { at, party } from './party.js';

describe('quoteStanding: a row turns amber past its quote, red past the margin', () => {
  it('is on time up to and including the quoted minute', () => {
    expect(quoteStanding(0, 20)).toBe('on-time');
    expect(quoteStanding(20, 20)).toBe('on-time');
  });

  it('is late (amber) as soon as the wait passes the quote, up to the margin', () => {
    expect(quoteStanding(20.5, 20)).toBe('late');
    expect(quoteStanding(30, 20)).toBe('late');
  });

  it('is very late (red) beyond the margin', () => {
    expect(quoteStanding(31, 20)).toBe('very-late');
  });

  it('uses a margin of a quarter of the quote, never under 10 minutes', () => {
    expect(lateMargin(0)).toBe(10);
    expect(lateMargin(20)).toBe(10);
    expect(lateMargin(60)).toBe(15);
    expect(quoteStanding(75, 60)).toBe('late');
    expect(quoteStanding(76, 60)).toBe('very-late');
    expect(quoteStanding(11, 0)).toBe('very-late');
  });

  it('says the standing in words, so colour is never the only signal', () => {
    expect(quoteText(12, 20)).toBe('Waited 12 of 20 min quoted');
    expect(quoteText(25, 20)).toBe('Late: 5 min past the 20 min quote');
    expect(quoteText(45, 20)).toBe('Very late: 25 min past the 20 min quote');
  });
});

describe('quotedMinutes: the quote the host stand measures a party against', () => {
  const now = at('2026-12-01T19:30:00.000Z');

  it('is the quote the server kept when the party joined, whatever is left of it now', () => {
    const quoted = party({ joinedAt: '2026-12-01T19:00:00.000Z', estimatedWaitMinutes: 3, quotedWaitMinutes: 34 });
    expect(quotedMinutes(quoted, [quoted], 15, now)).toBe(34);
  });

  it('for a party that joined before quotes were kept, is the minutes waited plus the minutes left while the estimate is above zero', () => {
    expect(quotedMinutes(party({ joinedAt: '2026-12-01T19:18:00.000Z', estimatedWaitMinutes: 8 }), [], 15, now)).toBe(20);
  });

  it('past the quote, takes the quote of a party of the same size band', () => {
    const late = party({ joinedAt: '2026-12-01T19:00:00.000Z', estimatedWaitMinutes: 0, partySize: 2 });
    const sameBand = party({ joinedAt: '2026-12-01T19:25:00.000Z', estimatedWaitMinutes: 20, partySize: 1 });
    const otherBand = party({ joinedAt: '2026-12-01T19:25:00.000Z', estimatedWaitMinutes: 40, partySize: 6 });
    expect(quotedMinutes(late, [otherBand, late, sameBand], 15, now)).toBe(25);
  });

  it("falls back to the waitlist's default wait when no party of the band is inside its quote", () => {
    const late = party({ estimatedWaitMinutes: 0 });
    expect(quotedMinutes(late, [late], 15, now)).toBe(15);
  });
});

describe('quoteForNewParty: the quote shown before a walk-in is saved', () => {
  it('is what the last party of its band still waits plus one more gap between two of them', () => {
    const first = party({ partySize: 4, estimatedWaitMinutes: 20 });
    const second = party({ partySize: 3, estimatedWaitMinutes: 34 });
    const otherBand = party({ partySize: 2, estimatedWaitMinutes: 90 });
    expect(quoteForNewParty(3, [first, otherBand, second], 15)).toBe(48);
    expect(quoteForNewParty(4, [first], 15)).toBe(40);
  });

  it("is the waitlist's default wait with nobody of that band in line", () => {
    const inLine = party({ partySize: 2, estimatedWaitMinutes: 25 });
    expect(quoteForNewParty(8, [inLine], 15)).toBe(15);
  });
});
