import { randomUUID } from 'node:crypto';
import { SpanKind } from '@opentelemetry/api';
import { DomainError, notFound } from '../domain/errors.js';
import { quoteContextOf, quotesInLine } from '../domain/estimate.js';
import { defaultTemplates, renderText, type MessageKind } from '../domain/messages.js';
import type { Restaurant, Versioned, Waitee, Waitlist } from '../domain/model.js';
import {
  canDropUnfilled,
  codePlaceholder,
  enqueueWork,
  gettingClosePosition,
  isAddressed,
  isSettled,
  maskPhone,
  type AddressedNotification,
  pagingPlan,
  producerWork,
  smsTagOf,
  type DueWork,
  type Notification,
  unsentState,
} from '../domain/notification.js';
import { pageRefusal, phoneTrusted, unverifiedNumberReason, withPage } from '../domain/send-limits.js';
import { isActive, nextStatus, positionsInLine } from '../domain/waitee.js';
import type { Caller } from './access.js';
import { memberWith, waitlistOf } from './access.js';
import { conflictPolicies, writeConditionally } from './conditional-write.js';
import { recordExitOn } from './line-history.js';
import { recordSendAfterConflict } from './delivery-reports.js';
import { recordLineParties, recordRedelivery, recordSendLimitHit, recordSweep, recordTextFailed, recordTextSent } from './metrics.js';
import { TransientSmsError, VersionConflict, type NotificationMessage } from './ports.js';
import { countLeaving, countTextOutcomes, type RollupServices } from './analytics.js';
import { countText } from './send-limits.js';
import type { Services } from './services.js';
import { activeTraceparent, inSpan } from './tracing.js';
import { saveMove, type FinishingRestaurant } from './waitee-writes.js';

/** What writes, enqueues and sweeps the outbox touches (the use cases that move waitees and the producer). */
export type OutboxServices = Pick<
  Services,
  'restaurants' | 'waitees' | 'users' | 'notifications' | 'dueWork' | 'notificationQueue' | 'now' | 'config' | 'analytics'
>;

/** What the consumer touches: the record and the SMS gateway. */
type ConsumerServices = Pick<Services, 'notifications' | 'dueWork' | 'sms' | 'now' | 'admissions' | 'config' | 'joinCodes'> &
  RollupServices;

/** The text as sent: a join-code text gets its code only now, so no stored record or log line ever holds it. */
function textOf(s: Pick<Services, 'joinCodes'>, record: AddressedNotification): string {
  return record.kind === 'join-code' ? record.message.replace(codePlaceholder, s.joinCodes.codeFor(record.waiteeId)) : record.message;
}

type Log = (message: string) => void;

export function statusUrlOf(s: Pick<Services, 'config'>, statusToken: string): string {
  const base = s.config.statusPageBaseUrl.endsWith('/') ? s.config.statusPageBaseUrl : `${s.config.statusPageBaseUrl}/`;
  return new URL(statusToken, base).toString();
}

/** A token of these characters resolves against the base as a plain suffix: nothing to escape, no dot segments. */
const plainToken = /^[A-Za-z0-9_-]+$/;

/**
 * statusUrlOf for many parties at once: the base is parsed once, not once per party (a page of the
 * line builds one URL per party on every poll).
 */
export function statusUrlBuilder(s: Pick<Services, 'config'>): (statusToken: string) => string {
  const resolved = statusUrlOf(s, 'x');
  const prefix = resolved.slice(0, -1);
  return (statusToken) => (plainToken.test(statusToken) ? prefix + statusToken : statusUrlOf(s, statusToken));
}

/**
 * A text recorded as not sent, with the reason staff see in the party's texts: it is written like
 * any other (nothing silently dropped) but never enqueued.
 */
export function refusedText(notification: Notification, reason: string, at: string = notification.createdAt): Notification {
  return { ...notification, status: 'failed', failedAt: at, lastError: reason };
}

/** Where a party stands, for a text that says so: its position and the minutes it is quoted still to wait. */
export interface PlaceInLine {
  readonly position: number;
  readonly waitMinutes: number;
}

/**
 * The text for a waitee, rendered from the waitlist's template; null when the waitee has no phone.
 * A number the restaurant may not text (a customer's, unverified) gets the text recorded as failed.
 * `restaurant` is the waitee's restaurant when the caller read it already; otherwise it is read here.
 */
export async function composeNotification(
  s: Pick<Services, 'restaurants' | 'now' | 'config'>,
  kind: MessageKind,
  waitee: Waitee,
  waitlist: Waitlist,
  place: PlaceInLine | null,
  restaurant?: Pick<Restaurant, 'name' | 'timeZone'> | null,
): Promise<Notification | null> {
  if (waitee.phone === null) return null;
  const known = restaurant === undefined ? (await s.restaurants.get(waitee.restaurantId))?.value : restaurant;
  const name = known?.name;
  const now = s.now();
  const template = waitlist.messageTemplates?.[kind] ?? defaultTemplates[kind];
  const notification: Notification = {
    id: randomUUID(),
    waitlistId: waitee.waitlistId,
    restaurantId: waitee.restaurantId,
    waiteeId: waitee.id,
    kind,
    to: waitee.phone,
    message: renderText(template, {
      name: waitee.name,
      restaurant: name ?? 'the restaurant',
      position: String(place?.position ?? ''),
      wait: String(place?.waitMinutes ?? 0),
      statusUrl: statusUrlOf(s, waitee.statusToken),
    }),
    ...unsentState(now.toISOString()),
    ...traceparentField(),
    ...(known?.timeZone === undefined ? {} : { timeZone: known.timeZone }),
  };
  return phoneTrusted(waitee) ? notification : refusedText(notification, unverifiedNumberReason);
}

function traceparentField(): { traceparent?: string } {
  const traceparent = activeTraceparent();
  return traceparent === undefined ? {} : { traceparent };
}

/** The queue message for a record: its address, and the trace it belongs to. */
export function messageOf(n: Notification): NotificationMessage {
  return {
    notificationId: n.id,
    waitlistId: n.waitlistId,
    restaurantId: n.restaurantId,
    ...(n.traceparent === undefined ? {} : { traceparent: n.traceparent }),
  };
}

/**
 * Hands freshly written outbox records to Service Bus right away. A failure here loses nothing:
 * the records stay pending and the producer's next sweep sends them. The request stops there: the
 * consumer's claim moves the record on from pending and takes its due entry out, so marking
 * it enqueued would only cost the request two more round trips (the queue message id is the record
 * id, so a sweep that finds it still pending meanwhile enqueues a copy Service Bus drops).
 */
export async function enqueueNow(s: OutboxServices, written: readonly Versioned<Notification>[], log: Log): Promise<void> {
  const stored = written.filter((n) => n.value.status === 'pending');
  if (stored.length === 0) return;
  try {
    await s.notificationQueue().send(stored.map(({ value }) => messageOf(value)));
  } catch (error) {
    log(`enqueue deferred to the producer sweep: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/**
 * pending → enqueued, if the record is still the version read; then its due entry has done
 * its job. A crash in between leaves the entry, and the next sweep finds the record no longer
 * pending and drops it.
 */
async function markEnqueued(s: OutboxServices, current: Versioned<Notification>): Promise<void> {
  // Someone else moving it on meanwhile (the consumer or a sweep) is newer than us: their state stands.
  await writeConditionally({
    first: current,
    read: () => s.notifications.get(current.value.waitlistId, current.value.id),
    change: (record): Notification | null =>
      record.status === 'pending' ? { ...record, status: 'enqueued', enqueuedAt: s.now().toISOString() } : null,
    write: (next, etag) => s.notifications.replace(next, etag),
    policy: conflictPolicies.yieldToNewer,
  });
  await s.dueWork.done(enqueueWork(current.value));
}

/**
 * After the line shortens, the waitees now near the front who have not been told yet get one
 * "getting close" text, written with the flag on the waitee in one batch.
 */
export async function announceGettingClose(s: OutboxServices, waitlist: Waitlist, log: Log): Promise<void> {
  const line = await s.waitees.line(waitlist.id);
  recordLineParties({ restaurantId: waitlist.restaurantId, waitlistId: waitlist.id }, line.length);
  const positions = positionsInLine(line.map((w) => w.value));
  const quotes = quotesInLine(
    line.map((w) => w.value),
    quoteContextOf(waitlist, s.now()),
  );
  const due = line.filter(
    (w) =>
      w.value.status === 'waiting' && w.value.gettingCloseSent !== true && (positions.get(w.value.id) ?? Infinity) <= gettingClosePosition,
  );
  for (const waitee of due) {
    const position = positions.get(waitee.value.id);
    const place = position === undefined ? null : { position, waitMinutes: quotes.get(waitee.value.id)?.minutes ?? 0 };
    // A waitee that changed meanwhile is looked at again after the next change of the line.
    const outcome = await writeConditionally({
      first: waitee,
      read: () => s.waitees.get(waitee.value.waitlistId, waitee.value.id),
      change: (current) => ({ ...current, gettingCloseSent: true }),
      write: async (next, etag) => {
        const notification = await composeNotification(s, 'getting-close', waitee.value, waitlist, place);
        return saveMove(s, next, etag, notification === null ? [] : [notification]);
      },
      policy: conflictPolicies.yieldToNewer,
    });
    if (outcome.kind === 'written') await enqueueNow(s, outcome.result.notifications, log);
  }
}

export interface SweepResult {
  readonly enqueued: number;
  readonly rePaged: number;
  readonly markedNoShow: number;
}

/** Due-index entries per sweep; a backlog larger than this drains over the following minutes. */
export const sweepBatchSize = 500;

/**
 * The timer-triggered producer: sends what is due and not yet on the queue, then pages again or
 * marks no-show the notified waitees whose grace period ran out. It reads only the due entries
 * (DueWork), then point-reads what each entry names, so its cost follows the work due; every
 * write is conditional, so overlapping sweeps neither lose nor double anything.
 */
export async function sweep(s: OutboxServices, log: Log): Promise<SweepResult> {
  const started = performance.now();
  const now = s.now();
  // Entries the earlier design left come first, retention's `forget` entries among them: the retention sweep leaves this to us.
  const moved = await s.dueWork.moveEarlierEntries();
  if (moved > 0) log(`producer: ${moved} due entries moved beside their parties`);
  const due = await s.dueWork.due(now, sweepBatchSize, producerWork);
  const of = (work: DueWork['work']) => due.filter((entry) => entry.work === work);
  const result = await sweepDue(s, of, now, log);
  // The entries come oldest first; how late the oldest is shows a producer that stopped keeping up.
  const oldest = due[0];
  recordSweep({
    seconds: (performance.now() - started) / 1000,
    oldestDueAgeSeconds: oldest === undefined ? 0 : Math.max(0, (now.getTime() - Date.parse(oldest.dueAt)) / 1000),
    items: { enqueue: of('enqueue').length, paging: of('paging').length, line: of('line').length },
  });
  return result;
}

async function sweepDue(s: OutboxServices, of: (work: DueWork['work']) => DueWork[], now: Date, log: Log): Promise<SweepResult> {
  let rePaged = 0;
  let markedNoShow = 0;
  for (const entry of of('paging')) {
    const outcome = await pagingDue(s, entry, now, log);
    if (outcome === 're-paged') rePaged++;
    if (outcome === 'no-show') markedNoShow++;
  }
  await lineDue(s, of('line'), log);
  await rollupDue(s, of('rollup'), now, log);
  const pending: Versioned<Notification>[] = [];
  await Promise.all(
    of('enqueue').map(async (entry) => {
      const record = await s.notifications.get(entry.waitlistId, entry.targetId);
      if (record?.value.status === 'pending') pending.push(record);
      else if (record !== null || canDropUnfilled(entry, now)) await s.dueWork.done(entry);
    }),
  );
  if (pending.length > 0) {
    await s.notificationQueue().send(pending.map((n) => messageOf(n.value)));
    await Promise.all(pending.map((n) => markEnqueued(s, n)));
  }
  return { enqueued: pending.length, rePaged, markedNoShow };
}

/** A paging entry is acted on only if the waitee's timer still says what the entry says. */
async function pagingDue(s: OutboxServices, entry: DueWork, now: Date, log: Log): Promise<'re-paged' | 'no-show' | 'nothing'> {
  const waitee = await s.waitees.get(entry.waitlistId, entry.targetId);
  if (waitee === null || waitee.value.pagingDueAt !== entry.dueAt) {
    if (canDropUnfilled(entry, now)) await s.dueWork.done(entry);
    return 'nothing';
  }
  const outcome = await advancePaging(s, waitee, log);
  // A waitee that staff changed meanwhile keeps its entry: the next sweep reads it again.
  if (outcome !== 'raced') await s.dueWork.done(entry);
  return outcome === 'raced' ? 'nothing' : outcome;
}

/** Lines that got shorter: whoever is near the front now and was not told yet is told, once per line. */
async function lineDue(s: OutboxServices, entries: readonly DueWork[], log: Log): Promise<void> {
  const lines = new Map(entries.map((entry) => [entry.waitlistId, entry.restaurantId]));
  for (const [waitlistId, restaurantId] of lines) {
    const waitlist = await s.restaurants.waitlist(restaurantId, waitlistId);
    if (waitlist !== null) await announceGettingClose(s, waitlist.value, log);
  }
  await Promise.all(entries.map((entry) => s.dueWork.done(entry)));
}

/**
 * Parties that left the line, counted in their day's analytics, with the outcomes of their texts
 * (those refused before sending never reach the consumer). An entry whose move has not landed yet
 * (the party still in line, or not there) waits for the next sweep until no write can be in flight.
 */
async function rollupDue(s: OutboxServices, entries: readonly DueWork[], now: Date, log: Log): Promise<void> {
  const timeZones = new Map<string, Promise<string | undefined>>();
  const timeZoneOf = (restaurantId: string) => {
    const known = timeZones.get(restaurantId) ?? s.restaurants.get(restaurantId).then((r) => r?.value.timeZone);
    timeZones.set(restaurantId, known);
    return known;
  };
  for (const entry of entries) {
    try {
      const waitee = await s.waitees.get(entry.waitlistId, entry.targetId);
      if (waitee === null || isActive(waitee.value.status)) {
        if (canDropUnfilled(entry, now)) await s.dueWork.done(entry);
        continue;
      }
      await countLeaving(s, waitee.value, await timeZoneOf(entry.restaurantId));
      const texts = await s.notifications.forWaitee(entry.waitlistId, entry.targetId);
      for (const text of texts) await countTextOutcomes(s, text);
      await s.dueWork.done(entry);
    } catch (error) {
      log(`analytics count of waitee ${entry.targetId} left to the next sweep: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
}

async function advancePaging(
  s: OutboxServices,
  current: Versioned<Waitee>,
  log: Log,
): Promise<'re-paged' | 'no-show' | 'nothing' | 'raced'> {
  const waitee = current.value;
  const waitlist = await s.restaurants.waitlist(waitee.restaurantId, waitee.waitlistId);
  // Staff acting on the waitee meanwhile wins: the next sweep sees the new state.
  const save = async (next: Waitee, notifications: readonly Notification[]) =>
    writeConditionally({
      first: current,
      read: () => s.waitees.get(waitee.waitlistId, waitee.id),
      change: () => next,
      write: async (value, etag) =>
        saveMove(s, value, etag, notifications, isActive(value.status) ? undefined : await retentionOf(s, value.restaurantId)),
      policy: conflictPolicies.yieldToNewer,
    });
  const stop = { ...waitee, pagingDueAt: null, pagingStage: null };
  if (waitee.status !== 'notified' || waitlist === null) {
    return (await save(stop, [])).kind === 'lost' ? 'raced' : 'nothing';
  }
  if (waitee.pagingStage === 're-page') {
    const composed = await composeNotification(s, 're-page', waitee, waitlist.value, null);
    const plan = pagingPlan(waitee.notifiedAt ?? waitee.updatedAt, waitlist.value.gracePeriodMinutes);
    const paged = { ...waitee, pagingDueAt: plan.noShowAt, pagingStage: 'no-show' as const };
    // The party's own limit is checked on the party, in this write; the daily ones by the consumer.
    const refusal = composed?.status === 'pending' ? pageRefusal(waitee, 0, s.config.sms.limits, s.now()) : null;
    if (refusal !== null) recordSendLimitHit(refusal);
    const notification = composed === null || refusal === null ? composed : refusedText(composed, `not sent: ${refusal.message}`);
    const outcome = await save(
      notification?.status === 'pending' ? withPage(paged, s.now()) : paged,
      notification === null ? [] : [notification],
    );
    if (outcome.kind !== 'written') return 'raced';
    await enqueueNow(s, outcome.result.notifications, log);
    return 're-paged';
  }
  const now = s.now().toISOString();
  const noShow: Waitee = { ...stop, status: nextStatus(waitee.status, 'no-show'), endedAt: now, updatedAt: now };
  if ((await save(noShow, [])).kind === 'lost') return 'raced';
  if (waitee.customerId !== null) await s.users.removePlace(waitee.customerId, waitee.waitlistId, waitee.id);
  log(`waitee ${waitee.id} marked no-show after the grace period`);
  await announceGettingClose(s, await recordExitOn(s, waitlist, noShow), log);
  return 'no-show';
}

/** The restaurant's retention setting, for a save that finishes one of its parties; a restaurant gone has only the default. */
async function retentionOf(s: Pick<Services, 'restaurants'>, restaurantId: string): Promise<FinishingRestaurant> {
  return (await s.restaurants.get(restaurantId))?.value ?? {};
}

/** The notifications queue's max delivery count (infra/app/messaging.bicep and the local emulator use it). */
export const notificationsMaxDeliveryCount = 10;

export type ConsumeResult = 'sent' | 'rejected' | 'already-done' | 'missing';

/**
 * The Service Bus–triggered consumer. Idempotent: a record already sent, delivered or failed is acknowledged
 * without a text; a resend after a crash carries the same ACS repeatability id, so the provider
 * drops it. Transient provider failures throw so Service Bus redelivers (and dead-letters after
 * the queue's max delivery count); a rejected number is recorded and not retried.
 */
export async function consume(
  s: ConsumerServices,
  message: { notificationId: string; waitlistId: string },
  log: Log,
  delivery: { readonly count: number } = { count: 1 },
): Promise<ConsumeResult> {
  if (delivery.count > 1) recordRedelivery();
  const found = await claim(s, message);
  if (found === 'missing') {
    log(`notification ${message.notificationId} not found; nothing to send`);
    return found;
  }
  // A failure counted again (idempotently): a count that failed after the record's write made this a redelivery.
  if ('settled' in found) {
    if (found.settled.status === 'failed') await countTextOutcomes(s, found.settled);
    return 'already-done';
  }
  const { record, claimed } = found;
  // The record is no longer pending, so its due entry has done its job (a sweep would drop it too).
  await s.dueWork.done(enqueueWork(record)).catch((error: unknown) => {
    log(`due entry of notification ${record.id} left to the sweep: ${error instanceof Error ? error.message : String(error)}`);
  });
  const firstAttemptAt = claimed.value.sendingSince ?? s.now().toISOString();
  const limited = await dailyLimitRefusal(s, record);
  if (limited !== null) {
    const refused = refusedText(claimed.value, limited, s.now().toISOString());
    await s.notifications.replace(refused, claimed.etag);
    await countTextOutcomes(s, refused);
    recordTextFailed(record.kind, 'send-limit');
    log(`sms ${record.kind} to ${maskPhone(record.to)} not sent: ${limited}`);
    return 'rejected';
  }
  try {
    const outcome = await inSpan(
      'ACS send SMS',
      { kind: SpanKind.CLIENT, attributes: { 'waitlist.notification.id': record.id, 'waitlist.text.kind': record.kind } },
      () => s.sms().send({ to: record.to, message: textOf(s, record), notificationId: record.id, tag: smsTagOf(record), firstAttemptAt }),
    );
    if (outcome.kind === 'sent') {
      await recordSent(s, record, claimed, outcome.providerMessageId, log);
      return 'sent';
    }
    const rejected: Notification = { ...claimed.value, status: 'failed', failedAt: s.now().toISOString(), lastError: outcome.reason };
    await s.notifications.replace(rejected, claimed.etag);
    await countTextOutcomes(s, rejected);
    recordTextFailed(record.kind, 'rejected');
    log(`sms ${record.kind} to ${maskPhone(record.to)} rejected: ${outcome.reason}`);
    return 'rejected';
  } catch (error) {
    if (error instanceof TransientSmsError) {
      // On the last delivery Service Bus dead-letters the message; the record says so for staff.
      const givingUp = delivery.count >= notificationsMaxDeliveryCount;
      const update: Notification = givingUp
        ? {
            ...claimed.value,
            status: 'failed',
            failedAt: s.now().toISOString(),
            lastError: `gave up after ${delivery.count} deliveries: ${error.message}`,
          }
        : { ...claimed.value, status: 'enqueued', lastError: error.message };
      await s.notifications.replace(update, claimed.etag).catch(() => undefined);
      if (givingUp) {
        recordTextFailed(record.kind, 'retries-exhausted');
        await countTextOutcomes(s, update).catch(() => undefined);
      }
      log(`sms ${record.kind} to ${maskPhone(record.to)} ${givingUp ? 'given up' : 'will be retried'}: ${error.message}`);
    }
    throw error;
  }
}

/** The provider took the text: the record says so (a delivery report may have overtaken this write). */
async function recordSent(
  s: ConsumerServices,
  record: AddressedNotification,
  claimed: Versioned<Notification>,
  providerMessageId: string,
  log: Log,
): Promise<void> {
  const send = { sentAt: s.now().toISOString(), providerMessageId };
  const written = await writeConditionally({
    first: claimed,
    read: () => s.notifications.get(record.waitlistId, record.id),
    change: (current): Notification => ({ ...current, status: 'sent', ...send, lastError: null }),
    write: (next, etag) => s.notifications.replace(next, etag),
    policy: conflictPolicies.yieldToNewer,
  });
  // The delivery report overtook this write (or another consumer finished first): keep its outcome.
  if (written.kind === 'lost') await recordSendAfterConflict(s, record, send, log);
  recordTextSent(record, send.sentAt);
  log(`sms ${record.kind} to ${maskPhone(record.to)} sent (${providerMessageId})`);
}

/** Counts the text in its number's and restaurant's day; the reason it may not be sent when a count is full. */
async function dailyLimitRefusal(s: ConsumerServices, record: Notification): Promise<string | null> {
  try {
    await countText(s, record);
    return null;
  } catch (error) {
    if (error instanceof DomainError && error.kind === 'text-limit-reached') return `not sent: ${error.message}`;
    throw error;
  }
}

/**
 * Marks the record `sending` with its ETag. A record left in `sending` by a crashed consumer is
 * claimed again: the repeatability id makes ACS drop the copy if the first call got through. The
 * producer marking the record enqueued meanwhile is no conflict (read again); another live
 * consumer's claim is, and throws, so Service Bus redelivers later.
 */
async function claim(
  s: ConsumerServices,
  message: { notificationId: string; waitlistId: string },
): Promise<{ record: AddressedNotification; claimed: Versioned<Notification> } | { settled: Notification } | 'missing'> {
  let tried: AddressedNotification | undefined;
  const outcome = await writeConditionally({
    read: () => s.notifications.get(message.waitlistId, message.notificationId),
    change: (record): Notification | null => {
      // A record without its number (its party's personal data was removed) is settled as failed by the removal.
      if (isSettled(record.status) || !isAddressed(record)) return null;
      // Losing a claim to a record in `sending` means another consumer holds it now.
      if (tried !== undefined && (tried.status === 'sending' || record.status === 'sending')) throw new VersionConflict(record.id);
      tried = record;
      return { ...record, status: 'sending', sendingSince: record.sendingSince ?? s.now().toISOString(), attempts: record.attempts + 1 };
    },
    write: (next, etag) => s.notifications.replace(next, etag),
    policy: conflictPolicies.background,
  });
  if (outcome.kind === 'missing') return 'missing';
  if (outcome.kind === 'unchanged') return { settled: outcome.value };
  if (outcome.kind === 'lost' || tried === undefined) throw new VersionConflict(message.notificationId);
  return { record: tried, claimed: { value: outcome.value, etag: outcome.result.etag } };
}

/**
 * The longest `lastError` staff are shown (the contract's maxLength): the reason comes from the SMS
 * provider or the Service Bus client and has no length of its own.
 */
export const maxShownErrorLength = 500;

/** One text as the line's staff see it. */
export type NotificationView = Pick<
  Notification,
  | 'id'
  | 'kind'
  | 'to'
  | 'message'
  | 'status'
  | 'createdAt'
  | 'sentAt'
  | 'deliveredAt'
  | 'failedAt'
  | 'attempts'
  | 'providerMessageId'
  | 'lastError'
>;

/** What was sent to a waitee, when, and how it went: for the line's staff. */
export async function notificationsOf(
  s: Pick<Services, 'restaurants' | 'waitees' | 'notifications'>,
  caller: Caller,
  ids: { restaurantId: string; waitlistId: string; waiteeId: string },
): Promise<NotificationView[]> {
  await memberWith(s, caller, ids.restaurantId, 'run-line');
  await waitlistOf(s, ids.restaurantId, ids.waitlistId);
  const waitee = await s.waitees.get(ids.waitlistId, ids.waiteeId);
  if (waitee === null || waitee.value.restaurantId !== ids.restaurantId) throw notFound.waitee();
  const records = await s.notifications.forWaitee(ids.waitlistId, ids.waiteeId);
  return records.map((n) => ({
    id: n.id,
    kind: n.kind,
    to: n.to,
    message: n.message,
    status: n.status,
    createdAt: n.createdAt,
    sentAt: n.sentAt,
    // Records sent before delivery reports existed have no deliveredAt.
    deliveredAt: n.deliveredAt ?? null,
    failedAt: n.failedAt,
    attempts: n.attempts,
    providerMessageId: n.providerMessageId,
    lastError: n.lastError?.slice(0, maxShownErrorLength) ?? null,
  }));
}
