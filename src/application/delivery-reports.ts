import {
  maskPhone,
  parseSmsTag,
  withDeliveryReport,
  withSendRecorded,
  type DeliveryReport,
  type Notification,
  type NotificationAddress,
} from '../domain/notification.js';
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

export type DeliveryReportResult = 'recorded' | 'unchanged' | 'unknown-tag' | 'missing';

/**
 * Records what the handset's delivery report says about a text. Event Grid delivers at least once
 * and in any order, so a repeated or stale report changes nothing. A report that leads to no record
 * is logged and acknowledged: Event Grid would otherwise redeliver it for a day to no avail.
 */
export async function recordDeliveryReport(
  s: Pick<Services, 'notifications'>,
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
  const change = await changeNotification(s, address, (current) => withDeliveryReport(current, report));
  if (change.kind === 'missing') {
    log(`delivery report for ${report.providerMessageId} ignored: notification ${address.notificationId} does not exist`);
    return 'missing';
  }
  if (change.kind === 'unchanged') return 'unchanged';
  const { notification } = change;
  log(
    `sms ${notification.kind} to ${maskPhone(notification.to)} ${notification.status}${notification.status === 'failed' ? `: ${notification.lastError ?? ''}` : ''} (${report.providerMessageId})`,
  );
  return 'recorded';
}

/**
 * For the consumer whose `sent` write lost to another writer, usually a delivery report that
 * overtook it: records the send on the newer version without undoing the outcome found there.
 */
export async function recordSendAfterConflict(
  s: Pick<Services, 'notifications'>,
  notification: Notification,
  send: { readonly sentAt: string; readonly providerMessageId: string },
): Promise<void> {
  await changeNotification(s, { waitlistId: notification.waitlistId, notificationId: notification.id }, (current) =>
    withSendRecorded(current, send),
  );
}
