import { ServiceBusClient, type ServiceBusReceivedMessage, type ServiceBusReceiver } from '@azure/service-bus';
import type { ServicesProvider } from '../../src/application/services.js';
import type { ServiceBusQueueFunction } from '../../src/functions/catalog-types.js';
import { invocationContext } from './invocation.js';

export interface ServiceBusTriggerOptions {
  readonly services: ServicesProvider;
  readonly connectionString: string;
  /** Resolves `%SETTING%` binding expressions in queue names, as the host does from app settings. */
  readonly resolve: (expression: string) => string;
  readonly maxConcurrentCalls: number;
  readonly log: (line: string) => void;
  /**
   * Fault injection for tests: when it answers true after a successful invocation, the message is
   * neither completed nor abandoned, as if the worker died; its lock expires and it comes back.
   */
  readonly crashBeforeComplete?: () => boolean;
}

/** The body as the Functions host hands it to a Node function: parsed JSON when it is JSON. */
function bodyForHandler(message: ServiceBusReceivedMessage): unknown {
  const body: unknown = message.body;
  if (!(body instanceof Uint8Array)) return body;
  const text = Buffer.from(body).toString('utf8');
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

/** Trigger metadata with the names the v4 Node model uses (camelCased by the worker). */
function triggerMetadata(message: ServiceBusReceivedMessage): Record<string, unknown> {
  return {
    messageId: message.messageId,
    // The .NET SDK under the Functions host counts this delivery too (1 on the first); the JS SDK does not.
    deliveryCount: (message.deliveryCount ?? 0) + 1,
    enqueuedTimeUtc: message.enqueuedTimeUtc?.toISOString(),
    lockedUntilUtc: message.lockedUntilUtc?.toISOString(),
    lockToken: message.lockToken,
    sequenceNumber: message.sequenceNumber?.toNumber(),
    contentType: message.contentType,
    correlationId: message.correlationId,
    subject: message.subject,
    applicationProperties: message.applicationProperties ?? {},
  };
}

/** host.json `extensions.serviceBus.maxAutoLockRenewalDuration` (00:05:00). */
const maxAutoLockRenewalDurationMs = 5 * 60_000;

/**
 * Renews a message's lock while its invocation runs, as the host does for up to
 * maxAutoLockRenewalDuration, and stops when told. Done here rather than by the SDK because the
 * SDK keeps renewing an unsettled message after the handler returns, so a simulated crash
 * (crashBeforeComplete) would hold the lock for five minutes instead of letting it expire.
 */
function keepLocked(receiver: ServiceBusReceiver, message: ServiceBusReceivedMessage): () => void {
  const deadline = Date.now() + maxAutoLockRenewalDurationMs;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  const renewBefore = (lockedUntil: number) => {
    if (stopped) return;
    const remaining = lockedUntil - Date.now();
    const renewIn = Math.max(0, remaining - Math.min(remaining / 2, 10_000));
    if (Date.now() + renewIn >= deadline) return;
    timer = setTimeout(() => {
      // A lost lock (settled meanwhile, or expired) ends the renewals; the settle call reports it.
      receiver.renewMessageLock(message).then(
        (until) => {
          renewBefore(until.getTime());
        },
        () => undefined,
      );
    }, renewIn);
  };
  renewBefore(message.lockedUntilUtc?.getTime() ?? Date.now());
  return () => {
    stopped = true;
    clearTimeout(timer);
  };
}

/**
 * Feeds Service Bus queue functions from a (local) namespace the way the Functions host does:
 * peek-lock, complete on success, abandon on throw; the queue dead-letters after its max delivery count.
 */
export function startServiceBusTriggers(
  functions: readonly ServiceBusQueueFunction[],
  options: ServiceBusTriggerOptions,
): { stop(): Promise<void> } {
  const client = new ServiceBusClient(options.connectionString);
  const receivers: ServiceBusReceiver[] = [];
  for (const fn of functions) {
    const receiver = client.createReceiver(options.resolve(fn.queueName), { receiveMode: 'peekLock', maxAutoLockRenewalDurationInMs: 0 });
    receivers.push(receiver);
    const handler = fn.handler(options.services);
    receiver.subscribe(
      {
        processMessage: async (message) => {
          const context = invocationContext({ functionName: fn.name, log: options.log, triggerMetadata: triggerMetadata(message) });
          const stopRenewing = keepLocked(receiver, message);
          try {
            await handler(bodyForHandler(message), context);
          } catch (error) {
            stopRenewing();
            options.log(
              `[${fn.name}] delivery ${String(message.deliveryCount)} of ${String(message.messageId)} failed: ${error instanceof Error ? error.message : String(error)}`,
            );
            await receiver.abandonMessage(message);
            return;
          }
          stopRenewing();
          if (options.crashBeforeComplete?.() === true) return;
          await receiver.completeMessage(message);
        },
        processError: (args) => {
          options.log(`[${fn.name}] receiver error (${args.errorSource}): ${args.error.message}`);
          return Promise.resolve();
        },
      },
      { autoCompleteMessages: false, maxConcurrentCalls: options.maxConcurrentCalls },
    );
  }
  return {
    stop: async () => {
      for (const receiver of receivers) await receiver.close();
      await client.close();
    },
  };
}
