import { describe, expect, it } from 'vitest';
import type { components } from '../../../web/src/api/schema.js';
import { latestText, textOutcome, textStatusText, wasRepaged } from '../../../web/src/lib/texts.js';

type Notification = components['schemas']['Notification'];

function text(overrides: Partial<Notification>): Notification {
  return {
    id: 'n1',
    kind: 'table-ready',
    to: '+14155550123',
    message: 'Hi Ada, your table is ready',
    status: 'pending',
    createdAt: '2026-12-01T19:40:00.000Z',
    sentAt: null,
    deliveredAt: null,
    failedAt: null,
    attempts: 0,
    providerMessageId: null,
    lastError: null,
    ...overrides,
  };
}

describe("a party's texts: status and times in words", () => {
  it("says delivered and when, in the restaurant's time zone", () => {
    const delivered = text({ status: 'delivered', sentAt: '2026-12-01T19:40:01.000Z', deliveredAt: '2026-12-01T19:42:00.000Z' });
    expect(textStatusText(delivered, 'UTC', 'en-US')).toBe('Delivered 7:42 PM');
    expect(textStatusText(delivered, 'Europe/Paris', 'en-US')).toBe('Delivered 8:42 PM');
    expect(textOutcome(delivered)).toBe('delivered');
  });

  it('says sent but not delivered yet, and the reason of a failure', () => {
    expect(textStatusText(text({ status: 'sent', sentAt: '2026-12-01T19:41:00.000Z' }), 'UTC', 'en-US')).toBe(
      'Sent 7:41 PM, not delivered yet',
    );
    const failed = text({ status: 'failed', failedAt: '2026-12-01T19:43:00.000Z', lastError: 'The number is unreachable' });
    expect(textStatusText(failed, 'UTC', 'en-US')).toBe('Failed 7:43 PM: The number is unreachable');
    expect(textOutcome(failed)).toBe('failed');
  });

  it('says a queued text is retrying after a provider error', () => {
    expect(textStatusText(text({ status: 'pending' }), 'UTC', 'en-US')).toBe('Queued to send');
    expect(textStatusText(text({ status: 'enqueued', attempts: 2 }), 'UTC', 'en-US')).toBe('Queued, retrying (2 attempts so far)');
    expect(textOutcome(text({ status: 'sending' }))).toBe('on-its-way');
  });

  it('reports the latest text on the row, and whether the party was re-paged', () => {
    const first = text({ id: 'a', createdAt: '2026-12-01T19:40:00.000Z' });
    const repage = text({ id: 'b', kind: 're-page', createdAt: '2026-12-01T19:50:00.000Z' });
    expect(latestText([repage, first])?.id).toBe('b');
    expect(latestText([])).toBeNull();
    expect(wasRepaged([first])).toBe(false);
    expect(wasRepaged([first, repage])).toBe(true);
  });
});
