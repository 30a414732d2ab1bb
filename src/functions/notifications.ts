import type { InvocationContext } from '@azure/functions';
import { recordDeadLetter, recordRedelivery } from '../application/metrics.js';
import { consume, notificationsMaxDeliveryCount, notificationsOf, sweep } from '../application/notifications.js';
import { TransientSmsError, type NotificationMessage } from '../application/ports.js';
import type { HttpFunction, ServiceBusQueueFunction, TimerFunction } from './catalog-types.js';
import { endpoint } from './http/endpoint.js';
import { waiteeParams } from './schemas.js';

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

function isNotificationMessage(body: unknown): body is NotificationMessage {
  if (typeof body !== 'object' || body === null) return false;
  const { notificationId, waitlistId } = body as Record<string, unknown>;
  return typeof notificationId === 'string' && typeof waitlistId === 'string';
}

const logTo = (context: InvocationContext) => (message: string) => {
  context.log(message);
};

export const notificationProducer: TimerFunction = {
  kind: 'timer',
  name: 'notification-producer',
  schedule: producerSchedule,
  handler: (services) => async (_timer, context) => {
    const result = await sweep(await services(), logTo(context));
    if (result.enqueued + result.rePaged + result.markedNoShow > 0) {
      context.log(`sweep: ${result.enqueued} enqueued, ${result.rePaged} re-paged, ${result.markedNoShow} marked no-show`);
    }
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
    try {
      await consume(await services(), body, logTo(context), { count });
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
