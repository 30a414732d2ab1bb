import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  canDropUnfilled,
  deliveryOutcome,
  dueWorkFor,
  dueWorkSettleMs,
  enqueueWork,
  isSettled,
  lineWork,
  maskPhone,
  pagingPlan,
  pagingWork,
  parseSmsTag,
  smsTagOf,
  reportIsFor,
  withDeliveryReport,
  withSendRecorded,
  type DeliveryReport,
  type Notification,
  type NotificationStatus,
} from '../../src/domain/notification.js';

const waitlistId = '0b6f8a52-3c1d-4e8f-9a27-5d4c3b2a1f00';
const notificationId = '7d3e2c1b-0a9f-4e8d-b7c6-a5f4e3d2c1b0';

function record(overrides: Partial<Notification> = {}): Notification {
  return {
    id: notificationId,
    waitlistId,
    restaurantId: 'e1d2c3b4-a5f6-4789-8abc-def012345678',
    waiteeId: 'a1b2c3d4-e5f6-4789-8abc-def012345678',
    kind: 'table-ready',
    to: '+14155550123',
    message: 'Your table is ready',
    status: 'sent',
    dueAt: '2030-01-01T12:00:00.000Z',
    createdAt: '2030-01-01T12:00:00.000Z',
    enqueuedAt: '2030-01-01T12:00:00.100Z',
    sendingSince: '2030-01-01T12:00:00.200Z',
    sentAt: '2030-01-01T12:00:00.300Z',
    deliveredAt: null,
    providerMessageId: 'Outgoing_20300101120000aaaa',
    attempts: 1,
    lastError: null,
    failedAt: null,
    ...overrides,
  };
}

const delivered: DeliveryReport = {
  providerMessageId: 'Outgoing_20300101120000aaaa',
  deliveryStatus: 'Delivered',
  deliveryStatusDetails: 'No error.',
  receivedAt: '2030-01-01T12:00:05.000Z',
};
const failed: DeliveryReport = {
  ...delivered,
  deliveryStatus: 'Failed',
  deliveryStatusDetails: 'Number is unreachable.',
  receivedAt: '2030-01-01T12:00:04.000Z',
};

describe('the SMS tag', () => {
  it('carries the partition key and the record id, and reads back', () => {
    const tag = smsTagOf({ waitlistId, id: notificationId });
    expect(tag).toBe(`${waitlistId}/${notificationId}`);
    expect(parseSmsTag(tag)).toEqual({ waitlistId, notificationId });
  });

  it.each([
    ['absent', undefined],
    ['empty', ''],
    ['the bare notification id (tags sent before the partition key was added)', notificationId],
    ['three parts', `${waitlistId}/${notificationId}/x`],
    ['an empty part', `${waitlistId}/`],
    ['ids that are not UUIDs', 'waitlist/notification'],
    ['path tricks', `../${notificationId}`],
  ])('refuses a tag that is %s', (_what, tag) => {
    expect(parseSmsTag(tag)).toBeNull();
  });

  it('reads back every tag it writes (any pair of UUIDs)', () => {
    fc.assert(
      fc.property(fc.uuid(), fc.uuid(), (w, n) => {
        expect(parseSmsTag(smsTagOf({ waitlistId: w, id: n }))).toEqual({ waitlistId: w, notificationId: n });
      }),
    );
  });
});

describe('delivery status mapping', () => {
  it('treats only "Delivered" (in any case) as delivered', () => {
    expect(deliveryOutcome({ deliveryStatus: 'Delivered', deliveryStatusDetails: 'No error.' })).toEqual({ kind: 'delivered' });
    expect(deliveryOutcome({ deliveryStatus: 'delivered', deliveryStatusDetails: null })).toEqual({ kind: 'delivered' });
  });

  it.each(['Failed', 'Undelivered', 'Expired', 'SomethingNew'])('treats "%s" as a failure with the details as reason', (status) => {
    expect(deliveryOutcome({ deliveryStatus: status, deliveryStatusDetails: ' Number is blocked. ' })).toEqual({
      kind: 'failed',
      reason: 'Number is blocked.',
    });
  });

  it('names the status when the report gives no details', () => {
    expect(deliveryOutcome({ deliveryStatus: 'Expired', deliveryStatusDetails: null })).toEqual({
      kind: 'failed',
      reason: 'delivery status Expired, no details',
    });
    expect(deliveryOutcome({ deliveryStatus: 'Failed', deliveryStatusDetails: '  ' })).toEqual({
      kind: 'failed',
      reason: 'delivery status Failed, no details',
    });
  });
});

describe('applying a delivery report', () => {
  it('moves a sent text to delivered with the report time', () => {
    expect(withDeliveryReport(record(), delivered)).toEqual(record({ status: 'delivered', deliveredAt: delivered.receivedAt }));
  });

  it('moves a sent text to failed with the reason and the report time', () => {
    expect(withDeliveryReport(record(), failed)).toEqual(
      record({ status: 'failed', failedAt: failed.receivedAt, lastError: 'Number is unreachable.' }),
    );
  });

  it.each<NotificationStatus>(['pending', 'enqueued', 'sending'])(
    'applies to a record still %s (the report overtook the consumer) and records the provider message id',
    (status) => {
      const early = record({ status, sentAt: null, providerMessageId: null });
      expect(withDeliveryReport(early, delivered)).toEqual({
        ...early,
        status: 'delivered',
        deliveredAt: delivered.receivedAt,
        providerMessageId: delivered.providerMessageId,
      });
      expect(withDeliveryReport(early, failed)).toMatchObject({
        status: 'failed',
        providerMessageId: failed.providerMessageId,
        lastError: 'Number is unreachable.',
      });
    },
  );

  it('changes nothing for a report about another message id than the one the send recorded', () => {
    expect(reportIsFor(record({ providerMessageId: 'Outgoing_first' }), delivered)).toBe(false);
    expect(withDeliveryReport(record({ providerMessageId: 'Outgoing_first' }), delivered)).toBeNull();
    expect(withDeliveryReport(record({ providerMessageId: 'Outgoing_first' }), failed)).toBeNull();
  });

  it('changes nothing when the same report comes again', () => {
    for (const report of [delivered, failed]) {
      const once = withDeliveryReport(record(), report);
      expect(once).not.toBeNull();
      if (once !== null) expect(withDeliveryReport(once, report)).toBeNull();
    }
  });

  it('lets a delivery override a reported failure, never the other way round', () => {
    const failedFirst = withDeliveryReport(record(), failed);
    expect(failedFirst === null ? null : withDeliveryReport(failedFirst, delivered)).toEqual(
      record({ status: 'delivered', deliveredAt: delivered.receivedAt }),
    );
    const deliveredFirst = withDeliveryReport(record(), delivered);
    expect(deliveredFirst === null ? null : withDeliveryReport(deliveredFirst, failed)).toBeNull();
  });

  it('ends in the same state whatever the order and repetition of the reports', () => {
    const reports = fc.array(fc.constantFrom(delivered, failed), { minLength: 1, maxLength: 6 });
    fc.assert(
      fc.property(reports, (sequence) => {
        const final = sequence.reduce((n, report) => withDeliveryReport(n, report) ?? n, record());
        const expected = sequence.includes(delivered) ? 'delivered' : 'failed';
        expect(final.status).toBe(expected);
      }),
    );
  });
});

describe('recording the send', () => {
  const send = { sentAt: '2030-01-01T12:00:03.000Z', providerMessageId: 'Outgoing_20300101120000aaaa' };

  it('marks a claimed record sent and clears the last transient error', () => {
    const claimed = record({ status: 'sending', sentAt: null, providerMessageId: null, lastError: 'HTTP 503' });
    expect(withSendRecorded(claimed, send)).toEqual({ ...claimed, status: 'sent', ...send, lastError: null });
  });

  it('keeps the outcome a delivery report recorded first, adding what only the sender knows', () => {
    const reported = record({ status: 'delivered', deliveredAt: delivered.receivedAt, sentAt: null });
    expect(withSendRecorded(reported, send)).toEqual({ ...reported, sentAt: send.sentAt });
    const reportedFailed = record({ status: 'failed', failedAt: failed.receivedAt, lastError: 'Number is unreachable.', sentAt: null });
    expect(withSendRecorded(reportedFailed, send)).toEqual({ ...reportedFailed, sentAt: send.sentAt });
  });

  it('drops an outcome reported for another message id than the sender got, and records the send', () => {
    const forged = record({ status: 'delivered', deliveredAt: delivered.receivedAt, sentAt: null, providerMessageId: 'Outgoing_forged' });
    expect(withSendRecorded(forged, send)).toEqual({
      ...forged,
      status: 'sent',
      sentAt: send.sentAt,
      providerMessageId: send.providerMessageId,
      deliveredAt: null,
      failedAt: null,
      lastError: null,
    });
  });

  it('changes nothing when the send is already recorded', () => {
    expect(withSendRecorded(record(), send)).toBeNull();
    expect(withSendRecorded(record({ status: 'delivered', deliveredAt: delivered.receivedAt }), send)).toBeNull();
  });
});

describe('settled statuses', () => {
  it('are the ones the consumer must not send again', () => {
    const all: NotificationStatus[] = ['pending', 'enqueued', 'sending', 'sent', 'delivered', 'failed'];
    expect(all.filter(isSettled)).toEqual(['sent', 'delivered', 'failed']);
  });
});

const pendingRecord = (id: string, dueAt: string) =>
  record({
    id,
    waitlistId: 'wl-1',
    restaurantId: 'r-1',
    status: 'pending',
    dueAt,
    createdAt: dueAt,
    sentAt: null,
    providerMessageId: null,
  });

describe('the producer’s due-index entries', () => {
  const notified = {
    id: 'w-1',
    waitlistId: 'wl-1',
    restaurantId: 'r-1',
    pagingDueAt: '2026-11-21T19:10:00.000Z',
    status: 'notified',
    updatedAt: '2026-11-21T19:00:00.000Z',
  } as const;

  it('names one entry per new record, found again from the record alone, and one for the paging timer', () => {
    const entries = dueWorkFor(notified, [pendingRecord('n-1', '2026-11-21T19:00:00.000Z')], 'save-1');
    expect(entries).toEqual([
      { id: 'enqueue:n-1', waitlistId: 'wl-1', restaurantId: 'r-1', work: 'enqueue', targetId: 'n-1', dueAt: '2026-11-21T19:00:00.000Z' },
      {
        id: 'paging:w-1:save-1',
        waitlistId: 'wl-1',
        restaurantId: 'r-1',
        work: 'paging',
        targetId: 'w-1',
        dueAt: '2026-11-21T19:10:00.000Z',
      },
    ]);
    expect(enqueueWork(pendingRecord('n-1', '2026-11-21T19:00:00.000Z'))).toEqual(entries[0]);
  });

  it('needs nothing for a save that creates no record and sets no timer', () => {
    expect(dueWorkFor({ ...notified, pagingDueAt: null }, [], 'save-1')).toEqual([]);
    expect(pagingWork({ id: 'w-1', waitlistId: 'wl-1', restaurantId: 'r-1' }, 'save-1')).toBeNull();
  });

  it('gives two saves of the same timer two entries, so one save taking its entry back never removes the other’s', () => {
    expect(pagingWork(notified, 'save-a')?.id).not.toBe(pagingWork(notified, 'save-b')?.id);
  });

  it('owes the line a backstop when a party leaves it, due once the request that told them is surely over', () => {
    const seated = { ...notified, status: 'seated', pagingDueAt: null } as const;
    expect(dueWorkFor(seated, [], 'save-1')).toEqual([
      {
        id: 'line:wl-1:save-1',
        waitlistId: 'wl-1',
        restaurantId: 'r-1',
        work: 'line',
        targetId: 'wl-1',
        dueAt: new Date(Date.parse(notified.updatedAt) + dueWorkSettleMs).toISOString(),
      },
    ]);
    expect(lineWork({ id: 'wl-1', restaurantId: 'r-1' }, notified.updatedAt, 'save-2').id).toBe('line:wl-1:save-2');
  });

  it('drops an entry naming nothing only once no write that would fill it can still be in flight', () => {
    const entry = enqueueWork(pendingRecord('n-1', '2026-11-21T19:00:00.000Z'));
    const due = Date.parse(entry.dueAt);
    expect(canDropUnfilled(entry, new Date(due))).toBe(false);
    expect(canDropUnfilled(entry, new Date(due + dueWorkSettleMs))).toBe(false);
    expect(canDropUnfilled(entry, new Date(due + dueWorkSettleMs + 1))).toBe(true);
  });
});

describe('paging plan', () => {
  it('re-pages after one grace period and marks no-show after two', () => {
    expect(pagingPlan('2026-11-21T19:00:00.000Z', 10)).toEqual({
      rePageAt: '2026-11-21T19:10:00.000Z',
      noShowAt: '2026-11-21T19:20:00.000Z',
    });
  });
});

describe('phone numbers in logs', () => {
  it('keeps the country code and the last four digits', () => {
    expect(maskPhone('+14155550123')).toBe('+1******0123');
    expect(maskPhone('+12345')).toBe('******');
  });
});
