import { context as otelContext } from '@opentelemetry/api';
import { z } from 'zod';
import { recordDeliveryReport } from '../application/delivery-reports.js';
import type { EventGridFunction } from './catalog-types.js';
import { invocationLog, invocationParent, logWarning } from './telemetry.js';

export const smsDeliveryReportEventType = 'Microsoft.Communication.SMSDeliveryReportReceived';

/**
 * Microsoft's own examples spell the report's fields both ways: camelCase in the Event Grid schema
 * (`messageId`, `deliveryStatus`), PascalCase from ACS (`MessageId`, `Tag`). Both are read.
 */
function withCamelCaseKeys(value: unknown): unknown {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return value;
  return Object.fromEntries(Object.entries(value).map(([key, field]) => [`${key.charAt(0).toLowerCase()}${key.slice(1)}`, field]));
}

const timestamp = z.iso.datetime({ offset: true });

const deliveryReportEvent = z.object({
  id: z.string(),
  eventTime: timestamp,
  data: z.preprocess(
    withCamelCaseKeys,
    z.object({
      messageId: z.string().min(1),
      deliveryStatus: z.string().min(1),
      deliveryStatusDetails: z.string().optional(),
      receivedTimestamp: timestamp.optional(),
      tag: z.string().optional(),
    }),
  ),
});

/**
 * ACS publishes a delivery report for every text sent with delivery reports on; the Event Grid
 * subscription (infra/delivery-reports.bicep) delivers only this event type. Returning
 * acknowledges the event; throwing makes Event Grid retry it, so only a failure worth retrying throws.
 */
export const smsDeliveryReports: EventGridFunction = {
  kind: 'eventGrid',
  name: 'sms-delivery-report',
  handler: (services) => async (event, context) => {
    if (event.eventType !== smsDeliveryReportEventType) {
      logWarning(context, `event ${event.id} ignored: ${event.eventType} is not ${smsDeliveryReportEventType}`, {
        correlationId: context.invocationId,
      });
      return;
    }
    const parsed = deliveryReportEvent.safeParse(event);
    if (!parsed.success) {
      logWarning(context, `delivery report ${event.id} ignored, malformed:\n${z.prettifyError(parsed.error)}`, {
        correlationId: context.invocationId,
      });
      return;
    }
    const { data, eventTime } = parsed.data;
    const report = {
      providerMessageId: data.messageId,
      deliveryStatus: data.deliveryStatus,
      deliveryStatusDetails: data.deliveryStatusDetails ?? null,
      receivedAt: new Date(data.receivedTimestamp ?? eventTime).toISOString(),
      tag: data.tag,
    };
    const s = await services();
    // The report's span is the application's, under the text's trace (read from the record); the
    // invocation's own context, where the host gives one, becomes its link.
    await otelContext.with(
      invocationParent(context, () => otelContext.active()),
      () => recordDeliveryReport(s, report, invocationLog(context, { correlationId: context.invocationId })),
    );
  },
};
