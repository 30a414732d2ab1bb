import { describe, expect, it } from 'vitest';
import { dueWorkFor, dueWorkSettleMs, enqueueWork, canDropUnfilled, lineWork, maskPhone, pagingPlan, pagingWork, type Notification } from '../../src/domain/notification.js';

const record = (id: string, dueAt: string): Notification => ({
  id,
  waitlistId: 'wl-1',
  restaurantId: 'r-1',
  waiteeId: 'w-1',
  kind: 'table-ready',
  to: '+14155550123',
  message: 'Your table is ready',
  status: 'pending',
  dueAt,
  createdAt: dueAt,
  enqueuedAt: null,
  sendingSince: null,
  sentAt: null,
  providerMessageId: null,
  attempts: 0,
  lastError: null,
  failedAt: null,
});

describe('the producer’s due-index entries', () => {
  const notified = { id: 'w-1', waitlistId: 'wl-1', restaurantId: 'r-1', pagingDueAt: '2026-11-21T19:10:00.000Z', status: 'notified', updatedAt: '2026-11-21T19:00:00.000Z' } as const;

  it('names one entry per new record, found again from the record alone, and one for the paging timer', () => {
    const entries = dueWorkFor(notified, [record('n-1', '2026-11-21T19:00:00.000Z')], 'save-1');
    expect(entries).toEqual([
      { id: 'enqueue:n-1', waitlistId: 'wl-1', restaurantId: 'r-1', work: 'enqueue', targetId: 'n-1', dueAt: '2026-11-21T19:00:00.000Z' },
      { id: 'paging:w-1:save-1', waitlistId: 'wl-1', restaurantId: 'r-1', work: 'paging', targetId: 'w-1', dueAt: '2026-11-21T19:10:00.000Z' },
    ]);
    expect(enqueueWork(record('n-1', '2026-11-21T19:00:00.000Z'))).toEqual(entries[0]);
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
      { id: 'line:wl-1:save-1', waitlistId: 'wl-1', restaurantId: 'r-1', work: 'line', targetId: 'wl-1', dueAt: new Date(Date.parse(notified.updatedAt) + dueWorkSettleMs).toISOString() },
    ]);
    expect(lineWork({ id: 'wl-1', restaurantId: 'r-1' }, notified.updatedAt, 'save-2').id).toBe('line:wl-1:save-2');
  });

  it('drops an entry naming nothing only once no write that would fill it can still be in flight', () => {
    const entry = enqueueWork(record('n-1', '2026-11-21T19:00:00.000Z'));
    const due = Date.parse(entry.dueAt);
    expect(canDropUnfilled(entry, new Date(due))).toBe(false);
    expect(canDropUnfilled(entry, new Date(due + dueWorkSettleMs))).toBe(false);
    expect(canDropUnfilled(entry, new Date(due + dueWorkSettleMs + 1))).toBe(true);
  });
});

describe('paging plan', () => {
  it('re-pages after one grace period and marks no-show after two', () => {
    expect(pagingPlan('2026-11-21T19:00:00.000Z', 10)).toEqual({ rePageAt: '2026-11-21T19:10:00.000Z', noShowAt: '2026-11-21T19:20:00.000Z' });
  });
});

describe('phone numbers in logs', () => {
  it('keeps the country code and the last four digits', () => {
    expect(maskPhone('+14155550123')).toBe('+1******0123');
    expect(maskPhone('+12345')).toBe('******');
  });
});
