import type { components } from '../../../web/src/api/schema.js';

type Waitee = components['schemas']['Waitee'];

/** A party as the API returns it, waiting since `joinedAt`; override what a test is about. */
export function party(overrides: Partial<Waitee> = {}): Waitee {
  return {
    id: '00000000-0000-4000-8000-000000000001',
    restaurantId: '00000000-0000-4000-8000-0000000000a1',
    waitlistId: '00000000-0000-4000-8000-0000000000b1',
    name: 'Ada',
    phone: '+14155550123',
    phoneVerified: true,
    onMyWayAt: null,
    partySize: 2,
    notes: null,
    status: 'waiting',
    source: 'staff',
    position: 1,
    estimatedWaitMinutes: 10,
    estimatedWaitRange: { low: 5, high: 20 },
    quotedWaitMinutes: null,
    allowedActions: ['notify', 'seat', 'cancel'],
    statusUrl: 'http://127.0.0.1:7071/api/v1/status/abc',
    joinedAt: '2026-12-01T19:00:00.000Z',
    notifiedAt: null,
    seatedAt: null,
    endedAt: null,
    updatedAt: '2026-12-01T19:00:00.000Z',
    personalDataRemovedAt: null,
    etag: '"1"',
    ...overrides,
  };
}

export const at = (iso: string): Date => new Date(iso);
