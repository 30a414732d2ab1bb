import type { InvocationContext } from '@azure/functions';
import { ROOT_CONTEXT, SpanKind } from '@opentelemetry/api';
import { recordDeadLetter, recordRedelivery } from '../application/metrics.js';
import { consume, notificationsMaxDeliveryCount, notificationsOf, sweep } from '../application/notifications.js';
import { TransientSmsError, type NotificationMessage } from '../application/ports.js';
import { contextOfTraceparent, inSpan, linkTo } from '../application/tracing.js';
import type { HttpFunction, ServiceBusQueueFunction, TimerFunction } from './catalog-types.js';
import { endpoint } from './http/endpoint.js';
import { waiteeParams } from './schemas.js';
import { invocationLog, invocationParent, type LogScope } from './telemetry.js';

/** Every minute, UTC (NCRONTAB with seconds). */
export const producerSchedule = '0 */1 * * * *';

/** The queue name comes from the NOTIFICATIONS_QUEUE app setting (a binding expression). */
export const notificationsQueueBinding = '%NOTIFICATIONS_QUEUE%';

/** The host hands over the body as parsed JSON, a string or bytes depending on how it was sent. */
function parseBody(body: unknown): unknown {
  if (typeof body === 'string') return JSON.parse(body) as unknown;
  if (body instanceof Uint8Array) return JSON.parse(Buffer.from(body).toString('utf8')) as unknown;
  return body;
}

/** A trigger's correlation id is its invocation id (what the host's own log lines carry). */
const scopeOfMessage = (message: NotificationMessage, context: InvocationContext): LogScope => ({
  correlationId: context.invocationId,
  ...(message.restaurantId === undefined ? {} : { restaurantId: message.restaurantId }),
});

function isNotificationMessage(body: unknown): body is NotificationMessage {
  if (typeof body !== 'object' || body === null) return false;
  const { notificationId, waitlistId } = body as Record<string, unknown>;
  return typeof notificationId === 'string' && typeof waitlistId === 'string';
}

/** The message's trace context: the `traceparent` property the app sets, else `Diagnostic-Id` (what other Azure SDK senders set). */
function carriedTraceparent(context: InvocationContext): string | undefined {
  const properties: unknown = context.triggerMetadata?.applicationProperties;
  if (typeof properties !== 'object' || properties === null) return undefined;
  const { traceparent, 'Diagnostic-Id': diagnosticId } = properties as Record<string, unknown>;
  const carried = traceparent ?? diagnosticId;
  return typeof carried === 'string' ? carried : undefined;
}

/** Each sweep is the root of its own trace; texts it writes (re-pages) carry it. */
export const notificationProducer: TimerFunction = {
  kind: 'timer',
  name: 'notification-producer',
  schedule: producerSchedule,
  handler: (services) => async (_timer, context) => {
    const parent = invocationParent(context, () => ROOT_CONTEXT);
    await inSpan('sweep', { kind: SpanKind.INTERNAL, parent }, async (span) => {
      const log = invocationLog(context, { correlationId: context.invocationId });
      const result = await sweep(await services(), log);
      span.setAttributes({ 'waitlist.sweep.enqueued': result.enqueued, 'waitlist.sweep.re_paged': result.rePaged });
      if (result.enqueued + result.rePaged + result.markedNoShow > 0) {
        log(`sweep: ${result.enqueued} enqueued, ${result.rePaged} re-paged, ${result.markedNoShow} marked no-show`);
      }
    });
  },
};

export const notificationConsumer: ServiceBusQueueFunction = {
  kind: 'serviceBusQueue',
  name: 'notification-consumer',
  queueName: notificationsQueueBinding,
  connection: 'ServiceBusConnection',
  handler: (services) => async (message, context) => {
    const body = parseBody(message);
    const deliveryCount = context.triggerMetadata?.deliveryCount;
    const count = typeof deliveryCount === 'number' ? deliveryCount : 1;
    if (!isNotificationMessage(body)) {
      if (count > 1) recordRedelivery();
      if (count >= notificationsMaxDeliveryCount) recordDeadLetter('malformed-message');
      // Retrying cannot fix a malformed message: throwing lets it reach the dead-letter queue.
      throw new Error(`message ${String(context.triggerMetadata?.messageId)} is not a notification message`);
    }
    // Each delivery is its own span in the trace of the request that wrote the text. The Functions
    // host's invocation span (context.traceContext) may start a trace of its own with only a link to
    // the message's, so the message's context is the parent and the host's a link.
    const carried = carriedTraceparent(context);
    const parent = carried === undefined ? invocationParent(context, () => ROOT_CONTEXT) : contextOfTraceparent(carried);
    const links = carried === undefined ? [] : linkTo(context.traceContext?.traceParent);
    const attributes = {
      'messaging.system': 'servicebus',
      'messaging.operation.type': 'process',
      'messaging.message.id': body.notificationId,
      'messaging.servicebus.message.delivery_count': count,
    };
    try {
      await inSpan('deliver text', { kind: SpanKind.CONSUMER, parent, links, attributes }, async (span) => {
        const outcome = await consume(await services(), body, invocationLog(context, scopeOfMessage(body, context)), { count });
        span.setAttribute('waitlist.consume.outcome', outcome);
      });
    } catch (error) {
      // Throwing on the queue's last delivery leaves the message to the dead-letter queue.
      if (count >= notificationsMaxDeliveryCount)
        recordDeadLetter(error instanceof TransientSmsError ? 'retries-exhausted' : 'processing-error');
      throw error;
    }
  },
};

export const notificationHttpFunctions: readonly HttpFunction[] = [
  {
    kind: 'http',
    name: 'waitee-notifications',
    route: 'v1/restaurants/{restaurantId}/waitlists/{waitlistId}/waitees/{waiteeId}/notifications',
    handlers: {
      GET: endpoint({
        auth: 'user',
        params: waiteeParams,
        handle: async ({ caller, params, services: s }) => ({ status: 200, body: { items: await notificationsOf(s, caller, params) } }),
      }),
    },
  },
];
