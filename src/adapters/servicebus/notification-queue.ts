import type { TokenCredential } from '@azure/core-auth';
import { ServiceBusClient, type ServiceBusSender } from '@azure/service-bus';
import type { Config } from '../../config.js';
import type { NotificationMessage, NotificationQueue } from '../../application/ports.js';

/** The one Service Bus adapter: sends notifications, with the record's id as the messageId. */
export class ServiceBusNotificationQueue implements NotificationQueue {
  private readonly client: ServiceBusClient;
  private sender: ServiceBusSender | undefined;
  private readonly queue: string;

  /** An emulator connection string locally; in Azure the namespace with the app's managed-identity credential. */
  constructor(settings: Config['serviceBus'], credential: TokenCredential | undefined) {
    if (settings.emulatorConnectionString !== undefined) {
      this.client = new ServiceBusClient(settings.emulatorConnectionString);
    } else if (settings.fullyQualifiedNamespace !== undefined && credential !== undefined) {
      this.client = new ServiceBusClient(settings.fullyQualifiedNamespace, credential);
    } else {
      throw new Error('Service Bus needs an emulator connection string or a namespace and a credential');
    }
    this.queue = settings.queue;
  }

  /**
   * Sends in as few batches as fit. The messageId is the notification id: Service Bus duplicate
   * detection drops a repeat within its window, so a sweep overlapping an immediate send is harmless.
   */
  async send(messages: readonly NotificationMessage[]): Promise<void> {
    this.sender ??= this.client.createSender(this.queue);
    const sender = this.sender;
    let batch = await sender.createMessageBatch();
    for (const { traceparent, ...address } of messages) {
      // JSON bytes (an AMQP data section), the body form every Service Bus client and the Functions host read.
      // The trace context rides as properties: `Diagnostic-Id` is the one the Functions host and the
      // Azure SDKs read, `traceparent` the W3C name (docs/observability.md).
      const serviceBusMessage = {
        messageId: address.notificationId,
        body: Buffer.from(JSON.stringify(address)),
        contentType: 'application/json',
        ...(traceparent === undefined ? {} : { applicationProperties: { traceparent, 'Diagnostic-Id': traceparent } }),
      };
      if (!batch.tryAddMessage(serviceBusMessage)) {
        await sender.sendMessages(batch);
        batch = await sender.createMessageBatch();
        if (!batch.tryAddMessage(serviceBusMessage)) throw new Error('a notification message does not fit in an empty batch');
      }
    }
    if (batch.count > 0) await sender.sendMessages(batch);
  }

  async close(): Promise<void> {
    await this.sender?.close();
    await this.client.close();
  }
}
