import { beforeAll, describe, expect, it } from 'vitest';
import { SmsGateway } from '../../src/adapters/sms/sms-gateway.js';
import type { SmsOutcome } from '../../src/application/ports.js';
import { recordDeliveryReport } from '../../src/application/delivery-reports.js';
import { consume } from '../../src/application/notifications.js';
import type { Services } from '../../src/application/services.js';
import { smsTagOf, type DeliveryReport, type Notification } from '../../src/domain/notification.js';
import { diffSnapshots, snapshotDatabase } from '../support/db-snapshot.js';
import {
  act,
  addParty,
  eventually,
  memoryLog,
  phoneNumber,
  recordOf,
  recordsOf,
  smsFor,
  useNotificationStack,
  writePending,
} from '../support/notifications.js';
import { Api, newVenue, type Venue } from '../support/stack.js';

/**
 * Delivery reports (docs/architecture.md, "At least once everywhere"): Event Grid delivers each report at least once and in
 * any order, possibly before the consumer has recorded the send; the record ends right and no text
 * is sent twice.
 */

const stack = useNotificationStack({ timers: false });
const api = () => new Api(stack().apiUrl);
const quiet = memoryLog();

let venue: Venue;
let phones = 0;
const nextPhone = () => phoneNumber(7000 + phones++);

beforeAll(async () => {
  venue = await newVenue(api());
});

async function sentNotification(): Promise<Notification> {
  const party = await addParty(venue, { name: 'Ada', phone: nextPhone() });
  await act(venue, party.id, 'notify');
  const [written] = await recordsOf(stack().services, venue.waitlistId, party.id);
  if (written === undefined) throw new Error('notify wrote no record');
  return eventually(
    () => recordOf(stack().services, venue.waitlistId, written.id),
    (r) => r.status === 'sent',
  );
}

const reportFor = (
  n: Pick<Notification, 'waitlistId' | 'id' | 'providerMessageId'>,
  status: string,
  details: string | null,
  receivedAt = new Date().toISOString(),
) => ({
  providerMessageId: n.providerMessageId ?? 'Outgoing_unknown',
  deliveryStatus: status,
  deliveryStatusDetails: details,
  receivedAt,
  tag: smsTagOf(n),
});

describe('recording a delivery report', () => {
  it('moves a sent text to delivered, and the same report again changes nothing', async () => {
    const s = stack().services;
    const sent = await sentNotification();
    const report = reportFor(sent, 'Delivered', 'No error.');

    expect(await recordDeliveryReport(s, report, quiet.log)).toBe('recorded');
    const after = await s.notifications.get(venue.waitlistId, sent.id);
    expect(after?.value).toEqual({ ...sent, status: 'delivered', deliveredAt: report.receivedAt });

    expect(await recordDeliveryReport(s, report, quiet.log)).toBe('unchanged');
    expect((await s.notifications.get(venue.waitlistId, sent.id))?.etag).toBe(after?.etag);
  });

  it('records a failed delivery with the reason', async () => {
    const s = stack().services;
    const sent = await sentNotification();
    const report = reportFor(sent, 'Failed', 'Number is unreachable.');

    expect(await recordDeliveryReport(s, report, quiet.log)).toBe('recorded');
    expect(await recordOf(s, venue.waitlistId, sent.id)).toMatchObject({
      status: 'failed',
      failedAt: report.receivedAt,
      lastError: 'Number is unreachable.',
      sentAt: sent.sentAt,
    });
  });

  it('ends delivered whatever the order of concurrent reports, retrying its conditional write', async () => {
    const s = stack().services;
    const sent = await sentNotification();
    const delivered = reportFor(sent, 'Delivered', 'No error.');
    const failed = reportFor(sent, 'Failed', 'Temporary network failure.');

    const results = await Promise.all([failed, delivered, failed, delivered, failed].map((r) => recordDeliveryReport(s, r, quiet.log)));
    expect(results.filter((r) => r === 'recorded').length).toBeGreaterThanOrEqual(1);
    expect(await recordOf(s, venue.waitlistId, sent.id)).toMatchObject({
      status: 'delivered',
      deliveredAt: delivered.receivedAt,
      lastError: null,
      failedAt: null,
    });
  });

  it('ignores, without writing anything, a report whose tag is not ours or leads to no record', async () => {
    const s = stack().services;
    const log = memoryLog();
    const before = await snapshotDatabase(s);
    const unknownRecord = { waitlistId: venue.waitlistId, id: '00000000-0000-4000-8000-000000000000', providerMessageId: 'Outgoing_x' };

    expect(await recordDeliveryReport(s, { ...reportFor(unknownRecord, 'Delivered', null), tag: 'not-our-tag' }, log.log)).toBe(
      'unknown-tag',
    );
    expect(await recordDeliveryReport(s, { ...reportFor(unknownRecord, 'Delivered', null), tag: undefined }, log.log)).toBe('unknown-tag');
    expect(await recordDeliveryReport(s, reportFor(unknownRecord, 'Delivered', null), log.log)).toBe('missing');

    expect(diffSnapshots(before, await snapshotDatabase(s))).toEqual({ added: [], removed: [], changed: [] });
    expect(log.lines).toEqual([
      expect.stringContaining('tag "not-our-tag" is not one this app sends'),
      expect.stringContaining('tag null is not one this app sends'),
      expect.stringContaining(`notification ${unknownRecord.id} does not exist`),
    ]);
  });
});

describe('a delivery report that cannot be about the stored text', () => {
  it('is ignored and logged when the text was sent under another message id: a forged "Delivered" changes nothing', async () => {
    const s = stack().services;
    const log = memoryLog();
    const sent = await sentNotification();
    const before = await snapshotDatabase(s);

    const forged = { ...reportFor(sent, 'Delivered', 'No error.'), providerMessageId: 'Outgoing_forged' };
    expect(await recordDeliveryReport(s, forged, log.log)).toBe('not-this-text');

    expect(diffSnapshots(before, await snapshotDatabase(s))).toEqual({ added: [], removed: [], changed: [] });
    expect(log.lines).toEqual([expect.stringContaining(`ignored: notification ${sent.id} was sent as ${String(sent.providerMessageId)}`)]);
  });

  it('is ignored for a text never handed to the provider, which is then sent as usual', async () => {
    const s = stack().services;
    const log = memoryLog();
    const party = await addParty(venue, { name: 'Pending', phone: nextPhone() });
    const pending = await writePending(s, venue.waitlistId, party.id);
    const before = await snapshotDatabase(s);

    const forged = reportFor({ ...pending, providerMessageId: 'Outgoing_forged' }, 'Delivered', 'No error.');
    expect(await recordDeliveryReport(s, forged, log.log)).toBe('not-this-text');
    expect(diffSnapshots(before, await snapshotDatabase(s))).toEqual({ added: [], removed: [], changed: [] });
    expect(log.lines).toEqual([expect.stringContaining(`notification ${pending.id} was never handed to the provider`)]);

    expect(await consume(s, { notificationId: pending.id, waitlistId: venue.waitlistId }, quiet.log)).toBe('sent');
    expect(smsFor(stack(), pending.id)).toHaveLength(1);
  });

  it('that overtook the consumer under a forged id is dropped once the sender learns the real id', async () => {
    const s = stack().services;
    const log = memoryLog();
    class ForgedReportGateway extends SmsGateway {
      override async send(input: Parameters<SmsGateway['send']>[0]): Promise<SmsOutcome> {
        const outcome = await super.send(input);
        const forged = { providerMessageId: 'Outgoing_forged', deliveryStatus: 'Delivered', deliveryStatusDetails: null };
        expect(await recordDeliveryReport(s, { ...forged, receivedAt: new Date().toISOString(), tag: input.tag }, quiet.log)).toBe(
          'recorded',
        );
        return outcome;
      }
    }
    const party = await addParty(venue, { name: 'Forged', phone: nextPhone() });
    const pending = await writePending(s, venue.waitlistId, party.id);
    const forging: Services = { ...s, sms: () => new ForgedReportGateway(s.config.sms, undefined) };

    expect(await consume(forging, { notificationId: pending.id, waitlistId: venue.waitlistId }, log.log)).toBe('sent');
    const [text] = smsFor(stack(), pending.id);
    expect(await recordOf(s, venue.waitlistId, pending.id)).toMatchObject({
      status: 'sent',
      providerMessageId: text?.messageId,
      deliveredAt: null,
    });
    expect(log.lines).toEqual(
      expect.arrayContaining([expect.stringContaining(`it was reported for Outgoing_forged, sent as ${String(text?.messageId)}`)]),
    );
  });
});

describe('a delivery report that overtakes the consumer', () => {
  /** The real gateway, but the provider's report is recorded before the consumer hears back from the send. */
  function overtakenBy(s: Services, status: string, details: string): Services {
    class OvertakenGateway extends SmsGateway {
      override async send(input: Parameters<SmsGateway['send']>[0]): Promise<SmsOutcome> {
        const outcome = await super.send(input);
        if (outcome.kind !== 'sent') return outcome;
        const report: DeliveryReport = {
          providerMessageId: outcome.providerMessageId,
          deliveryStatus: status,
          deliveryStatusDetails: details,
          receivedAt: new Date().toISOString(),
        };
        expect(await recordDeliveryReport(s, { ...report, tag: input.tag }, quiet.log)).toBe('recorded');
        return outcome;
      }
    }
    return { ...s, sms: () => new OvertakenGateway(s.config.sms, undefined) };
  }

  it.each([
    ['Delivered', 'No error.', { status: 'delivered', lastError: null }],
    ['Failed', 'Sender blocked for given recipient.', { status: 'failed', lastError: 'Sender blocked for given recipient.' }],
  ] as const)('keeps the reported outcome (%s), records the send on it, and sends nothing twice', async (status, details, expected) => {
    const s = stack().services;
    const party = await addParty(venue, { name: 'Early', phone: nextPhone() });
    const pending = await writePending(s, venue.waitlistId, party.id);

    expect(await consume(overtakenBy(s, status, details), { notificationId: pending.id, waitlistId: venue.waitlistId }, quiet.log)).toBe(
      'sent',
    );
    const [text] = smsFor(stack(), pending.id);
    const final = await recordOf(s, venue.waitlistId, pending.id);
    expect(final).toMatchObject({ ...expected, attempts: 1, providerMessageId: text?.messageId });
    expect(final.sentAt).not.toBeNull();

    // Service Bus delivers the message again: the consumer sees the outcome and sends nothing.
    expect(await consume(s, { notificationId: pending.id, waitlistId: venue.waitlistId }, quiet.log)).toBe('already-done');
    expect(smsFor(stack(), pending.id)).toHaveLength(1);
    expect(await recordOf(s, venue.waitlistId, pending.id)).toEqual(final);
  });
});
