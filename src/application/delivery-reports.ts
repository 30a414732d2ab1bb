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
import { countTextOutcome, type RollupServices } from './analytics.js';
import { conflictPolicies, writeConditionally } from './conditional-write.js';
import type { Services } from './services.js';

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
): Promise<Change> {
  const outcome = await writeConditionally({
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
  // Set by the change below when the report cannot be about the stored text.
  let notThisText = null as string | null;
  const change = await changeNotification(s, address, (current) => {
    notThisText = reportIsFor(current, report)
      ? null
      : current.providerMessageId === null
        ? 'was never handed to the provider'
        : `was sent as ${current.providerMessageId}`;
    return withDeliveryReport(current, report);
  });
  if (change.kind === 'missing') {
    log(`delivery report for ${report.providerMessageId} ignored: notification ${address.notificationId} does not exist`);
    return 'missing';
  }
  if (notThisText !== null) {
    log(`delivery report for ${report.providerMessageId} ignored: notification ${address.notificationId} ${notThisText}`);
    return 'not-this-text';
  }
  // Counted on a repeated report too: Event Grid repeats one whose count failed (counting is idempotent).
  await countTextOutcome(s, change.notification);
  if (change.kind === 'unchanged') return 'unchanged';
  const { notification } = change;
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
