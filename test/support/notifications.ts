import { afterAll, beforeAll } from 'vitest';
import type { SentSms } from '../../local/sms/emulator.js';
import { startLocalStack, type LocalStack, type LocalStackOptions } from '../../local/stack.js';
import { composeNotification } from '../../src/application/notifications.js';
import type { Services } from '../../src/application/services.js';
import type { MessageKind } from '../../src/domain/messages.js';
import type { Versioned, Waitee } from '../../src/domain/model.js';
import { parseSmsTag, type Notification } from '../../src/domain/notification.js';
import type { Json, Venue } from './stack.js';
import { saveMove } from '../../src/application/waitee-writes.js';

export type NotificationStackOptions = Pick<
  LocalStackOptions,
  'lockDurationMs' | 'timers' | 'crashBeforeComplete' | 'deliveryReportDelayMs' | 'log' | 'settings'
>;

/**
 * The local stack for notification tests: like useLocalStack, with the queue's lock duration, the
 * timers, the consumer's crash injection and the emulator's delivery reports under the test's
 * control, and no demo data (so every SMS in the outbox belongs to the test that caused it).
 */
export function useNotificationStack(options: NotificationStackOptions = {}): () => LocalStack {
  let stack: LocalStack | undefined;
  beforeAll(async () => {
    stack = await startLocalStack({ port: 0, passwordHashCost: 10, seed: false, ...options });
  });
  afterAll(async () => {
    await stack?.close();
  });
  return () => {
    if (stack === undefined) throw new Error('local stack not started');
    return stack;
  };
}

export const queueName = () => process.env.NOTIFICATIONS_QUEUE ?? 'notifications';

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Polls until `accept` holds or the time is up, and returns the last value (the test asserts on it). */
export async function eventually<T>(
  probe: () => Promise<T> | T,
  accept: (value: T) => boolean,
  timeoutMs = 10_000,
  everyMs = 25,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (accept(value) || Date.now() > deadline) return value;
    await sleep(everyMs);
  }
}

/** Nothing on the notifications queue: no message waiting, locked or scheduled. */
export function queueIdle(stack: LocalStack): boolean {
  const stats = stack.serviceBus.stats(queueName());
  return stats.active === 0 && stats.locked === 0 && stats.scheduled === 0;
}

/** Waits until the queue has drained and stays drained for a moment (a lock may still be about to expire). */
export async function waitForQueueIdle(stack: LocalStack, timeoutMs = 15_000, quietMs = 150): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (queueIdle(stack)) {
      await sleep(quietMs);
      if (queueIdle(stack)) return true;
    } else {
      await sleep(25);
    }
  }
  return false;
}

/** The texts the provider accepted for a notification: the SMS tag carries the notification id. */
export function smsFor(stack: LocalStack, notificationId: string): SentSms[] {
  return stack.sms.outbox().filter((m) => parseSmsTag(m.tag)?.notificationId === notificationId);
}

/** Provider requests so far (every HTTP call the SmsClient made, retries included). */
export const smsRequestCount = (stack: LocalStack) => stack.sms.requests().length;

export async function addParty(
  venue: Venue,
  party: { name: string; phone: string | null; partySize?: number },
): Promise<Json & { id: string }> {
  const created = await venue.owner.api.post<Json & { id: string }>(`${venue.waitlistPath}/waitees`, {
    name: party.name,
    phone: party.phone,
    partySize: party.partySize ?? 2,
  });
  if (created.status !== 201) throw new Error(`add party failed: ${created.status} ${JSON.stringify(created.body)}`);
  return created.body;
}

/** Staff move a party (notify, seat, no-show, cancel) through the HTTP API. */
export async function act(venue: Venue, waiteeId: string, action: 'notify' | 'seat' | 'no-show' | 'cancel'): Promise<Json> {
  const moved = await venue.owner.api.post(`${venue.waitlistPath}/waitees/${waiteeId}/${action}`);
  if (moved.status !== 200) throw new Error(`${action} failed: ${moved.status} ${JSON.stringify(moved.body)}`);
  return moved.body;
}

export async function recordsOf(s: Services, waitlistId: string, waiteeId: string): Promise<Notification[]> {
  return s.notifications.forWaitee(waitlistId, waiteeId);
}

export async function recordOf(s: Services, waitlistId: string, notificationId: string): Promise<Notification> {
  const found = await s.notifications.get(waitlistId, notificationId);
  if (found === null) throw new Error(`notification ${notificationId} not stored`);
  return found.value;
}

export async function waiteeOf(s: Services, waitlistId: string, waiteeId: string): Promise<Versioned<Waitee>> {
  const found = await s.waitees.get(waitlistId, waiteeId);
  if (found === null) throw new Error(`waitee ${waiteeId} not stored`);
  return found;
}

/**
 * Writes an outbox record for a party the way the use cases do (one batch with the party) but
 * without enqueueing it: the record stays pending until a sweep or a test hands it to the queue.
 */
export async function writePending(
  s: Services,
  waitlistId: string,
  waiteeId: string,
  kind: MessageKind = 'table-ready',
): Promise<Notification> {
  const party = await waiteeOf(s, waitlistId, waiteeId);
  const waitlist = await s.restaurants.waitlist(party.value.restaurantId, waitlistId);
  if (waitlist === null) throw new Error(`waitlist ${waitlistId} not stored`);
  const notification = await composeNotification(s, kind, party.value, waitlist.value, null);
  if (notification === null) throw new Error('party has no phone');
  await saveMove(s, party.value, party.etag, [notification]);
  return notification;
}

/** Distinct valid E.164 numbers (US +1 415 555 xxxx); callers pick disjoint ranges of n. */
export const phoneNumber = (n: number) => `+1415555${String(n % 10_000).padStart(4, '0')}`;

/** The message of a log line: the `message` field of the functions' JSON lines, the line itself otherwise. */
export function messageOfLine(line: string): string {
  if (!line.startsWith('{')) return line;
  const parsed = JSON.parse(line) as { message?: unknown };
  return typeof parsed.message === 'string' ? parsed.message : line;
}

/** A log sink that keeps lines for assertions instead of printing them. */
export function memoryLog(): { readonly lines: string[]; readonly log: (line: string) => void } {
  const lines: string[] = [];
  return {
    lines,
    log: (line: string) => {
      lines.push(line);
    },
  };
}
