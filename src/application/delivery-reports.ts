import { SpanKind } from '@opentelemetry/api';
import {
  maskPhone,
  parseSmsTag,
  reportIsFor,
  withDeliveryReport,
  withSendRecorded,
  type DeliveryReport,
  type Notification,
  type NotificationAddress,
} from '../domain/notification.js';
import type { Versioned } from '../domain/model.js';
import { countTextOutcomes, type RollupServices } from './analytics.js';
import { conflictPolicies, writeConditionally } from './conditional-write.js';
import { recordTextDelivered, recordTextFailed } from './metrics.js';
import type { Services } from './services.js';
import { activeTraceparent, contextOfTraceparent, inSpan, linkTo } from './tracing.js';

type Log = (message: string) => void;

type Change = { readonly kind: 'missing' } | { readonly kind: 'changed' | 'unchanged'; readonly notification: Notification };

/**
 * Reads the record, applies `change` and writes the result only if nobody wrote in between (ETag);
 * after a conflict it starts again from the newer version, a few times, then leaves it to the
 * trigger's own retry (Event Grid, Service Bus).
 */
async function changeNotification(
  s: Pick<Services, 'notifications'>,
  address: NotificationAddress,
  change: (current: Notification) => Notification | null,
  first?: Versioned<Notification>,
): Promise<Change> {
  const outcome = await writeConditionally({
    ...(first === undefined ? {} : { first }),
    read: () => s.notifications.get(address.waitlistId, address.notificationId),
    change,
    write: (next, etag) => s.notifications.replace(next, etag),
    policy: conflictPolicies.background,
  });
  if (outcome.kind === 'missing') return { kind: 'missing' };
  if (outcome.kind === 'lost') {
    throw new Error(
      `notification ${address.notificationId} kept changing: gave up after ${conflictPolicies.background.attempts} conditional writes`,
    );
  }
  return { kind: outcome.kind === 'written' ? 'changed' : 'unchanged', notification: outcome.value };
}

export type DeliveryReportResult = 'recorded' | 'unchanged' | 'unknown-tag' | 'missing' | 'not-this-text';

/**
 * Records what the handset's delivery report says about a text. Event Grid delivers at least once
 * and in any order, so a repeated or stale report changes nothing. A report that leads to no record
 * is logged and acknowledged: Event Grid would otherwise redeliver it for a day to no avail. So is
 * one whose message id is not the one the provider gave for that text (reportIsFor).
 */
export async function recordDeliveryReport(
  s: Pick<Services, 'notifications'> & RollupServices,
  report: DeliveryReport & { readonly tag: string | undefined },
  log: Log,
): Promise<DeliveryReportResult> {
  const address = parseSmsTag(report.tag);
  if (address === null) {
    log(
      `delivery report for ${report.providerMessageId} ignored: tag ${JSON.stringify(report.tag?.slice(0, 100) ?? null)} is not one this app sends`,
    );
    return 'unknown-tag';
  }
  // The record is read first so the report's span joins the text's trace (as a child of the request
  // that wrote it) and links to the invocation that carried the report; its write starts from this read.
  const found = await s.notifications.get(address.waitlistId, address.notificationId);
  return inSpan(
    'delivery report',
    {
      kind: SpanKind.CONSUMER,
      parent: contextOfTraceparent(found?.value.traceparent),
      links: linkTo(activeTraceparent()),
      attributes: { 'waitlist.notification.id': address.notificationId, 'waitlist.delivery.status': report.deliveryStatus },
    },
    () => recordReportOn(s, address, found ?? undefined, report, log),
  );
}

async function recordReportOn(
  s: Pick<Services, 'notifications'> & RollupServices,
  address: NotificationAddress,
  found: Versioned<Notification> | undefined,
  report: DeliveryReport,
  log: Log,
): Promise<DeliveryReportResult> {
  // Set by the change below when the report cannot be about the stored text.
  let notThisText = null as string | null;
  const change = await changeNotification(
    s,
    address,
    (current) => {
      notThisText = reportIsFor(current, report)
        ? null
        : current.providerMessageId === null
          ? 'was never handed to the provider'
          : `was sent as ${current.providerMessageId}`;
      return withDeliveryReport(current, report);
    },
    found,
  );
  if (change.kind === 'missing') {
    log(`delivery report for ${report.providerMessageId} ignored: notification ${address.notificationId} does not exist`);
    return 'missing';
  }
  if (notThisText !== null) {
    log(`delivery report for ${report.providerMessageId} ignored: notification ${address.notificationId} ${notThisText}`);
    return 'not-this-text';
  }
  // The report counts the text as sent (the provider accepted it) and its outcome; on a repeated
  // report too, since Event Grid repeats one whose count failed (counting is idempotent).
  const reported = change.notification;
  await countTextOutcomes(s, { ...reported, sentAt: reported.sentAt ?? report.receivedAt });
  if (change.kind === 'unchanged') return 'unchanged';
  const { notification } = change;
  if (notification.status === 'delivered') recordTextDelivered(notification, notification.deliveredAt ?? report.receivedAt);
  if (notification.status === 'failed') recordTextFailed(notification.kind, 'undelivered');
  log(
    `sms ${notification.kind} to ${maskPhone(notification.to)} ${notification.status}${notification.status === 'failed' ? `: ${notification.lastError ?? ''}` : ''} (${report.providerMessageId})`,
  );
  return 'recorded';
}

/**
 * For the consumer whose `sent` write lost to another writer, usually a delivery report that
 * overtook it: records the send on the newer version without undoing the outcome found there,
 * unless that outcome came from a report about another message id, which is then dropped.
 */
export async function recordSendAfterConflict(
  s: Pick<Services, 'notifications'>,
  notification: Notification,
  send: { readonly sentAt: string; readonly providerMessageId: string },
  log: Log,
): Promise<void> {
  const found = await s.notifications.get(notification.waitlistId, notification.id);
  if (found !== null && !reportIsFor(found.value, send)) {
    log(
      `delivery outcome of notification ${notification.id} dropped: it was reported for ${String(found.value.providerMessageId)}, sent as ${send.providerMessageId}`,
    );
  }
  await changeNotification(s, { waitlistId: notification.waitlistId, notificationId: notification.id }, (current) =>
    withSendRecorded(current, send),
  );
}
