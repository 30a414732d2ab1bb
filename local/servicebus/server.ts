/**
 * A loopback Service Bus emulator for development and tests, like Azurite is for Blob storage.
 *
 * Why it exists: the only Service Bus emulator Microsoft ships runs in Docker, and this project's
 * machines have none, yet principle 1 of the design wants the real `@azure/service-bus` client to
 * speak the real wire protocol locally. With `UseDevelopmentEmulator=true` in the connection string
 * the SDK talks plain AMQP 1.0 (no TLS) to the given host and port; this module answers it.
 *
 * rhea (already a dependency of the SDK) does all of AMQP 1.0: framing, SASL, sessions, links, flow
 * control and the message codec. What is written here is only what a broker adds on top and rhea
 * has nothing for: claims-based auth (`$cbs`, every token accepted), the `$management` operations,
 * queue semantics (locks, delivery count, dead-lettering, scheduling, duplicate detection), and
 * mapping dispositions to settlements. Everything is in memory.
 */
import type { Server, Socket } from 'node:net';
import { randomUUID } from 'node:crypto';
import rhea from 'rhea';
import type { AmqpError, Connection, Delivery, EventContext, Receiver, Sender, Session, link as Link } from 'rhea';
import { dropWritten, forgetDelivery, outcome, outcomeKind, setSettleModes, transferFormat, unusedCredit } from './amqp.js';
import { encodeStored, isRecord, lockTokenTag, messagesOfTransfer } from './codec.js';
import { handleManagement } from './management.js';
import { Queue } from './queue.js';
import type { QueueOptions, QueueStats, ReceiveMode, SettleResult, StoredMessage, SubQueue } from './queue.js';
import type { Store } from './store.js';

export interface ServiceBusEmulatorOptions {
  host?: '127.0.0.1';
  /** 0 (the default) picks a free port. */
  port?: number;
  queues: QueueOptions[];
  log?: (line: string) => void;
}

/** What a developer page or a test may want to see of a stored message. */
export interface MessageSnapshot {
  sequenceNumber: number;
  messageId: string;
  state: 'active' | 'scheduled' | 'deferred';
  deliveryCount: number;
  enqueuedTimeUtc: Date;
  scheduledEnqueueTimeUtc?: Date;
  lockedUntilUtc?: Date;
  subject?: string;
  contentType?: string;
  correlationId?: string;
  applicationProperties: Record<string, unknown>;
  /** The body as text: data sections as UTF-8, other bodies as JSON. */
  body: string;
}

export interface ServiceBusEmulator {
  readonly port: number;
  /** For `new ServiceBusClient(connectionString)`; the key is the emulator's fixed placeholder. */
  readonly connectionString: string;
  stats(queue: string): QueueStats;
  messages(queue: string, subQueue?: SubQueue): MessageSnapshot[];
  /** Closes every client connection, stops listening and clears all timers. */
  close(): Promise<void>;
}

export type { QueueOptions, QueueStats, SubQueue } from './queue.js';

interface Consumer {
  readonly link: Sender;
  readonly store: Store;
  readonly mode: ReceiveMode;
  /** Deliveries queued on the link, possibly not yet written by rhea (see dropWritten). */
  readonly pending: Delivery[];
}

type LinkRole =
  | { kind: 'cbs' }
  | { kind: 'management'; store: Store }
  | { kind: 'producer'; queue: Queue }
  | { kind: 'reply' }
  | { kind: 'consumer'; consumer: Consumer };

interface ConnectionState {
  readonly consumers: Set<Consumer>;
  readonly replyLinks: Set<Sender>;
}

const managementSuffix = /\/\$management$/i;
const deadLetterSegment = '$deadletterqueue';
/** Locks held on never-settled deliveries occupy rhea's session buffer; keep room for many. */
const sessionBufferSize = 65_536;
/** Standard tier's limit; the SDK sizes message batches by it. */
const maxMessageSizeBytes = 256 * 1024;

export async function startServiceBusEmulator(options: ServiceBusEmulatorOptions): Promise<ServiceBusEmulator> {
  const host = options.host ?? '127.0.0.1';
  const log = options.log ?? (() => undefined);
  const queues = new Map<string, Queue>();
  for (const queueOptions of options.queues) {
    const key = queueOptions.name.toLowerCase();
    if (queues.has(key)) throw new Error(`Queue ${queueOptions.name} is declared twice`);
    queues.set(key, new Queue(queueOptions, log));
  }

  const roles = new WeakMap<Link, LinkRole>();
  const connections = new Map<Connection, ConnectionState>();
  const consumersByStore = new Map<Store, Consumer[]>();
  const locksByDelivery = new WeakMap<Delivery, { store: Store; token: string }>();
  const pumping = new Set<Store>();
  const pumpAgain = new Set<Store>();
  let port = 0;

  for (const queue of queues.values()) {
    for (const store of [queue.activeStore, queue.deadLetterStore])
      store.onAvailable(() => {
        pump(store);
      });
  }

  function resolveEntity(address: string | undefined): Store | undefined {
    if (!address) return undefined;
    const path = address.includes('://') ? new URL(address).pathname.replace(/^\//, '') : address;
    const [name, sub, ...rest] = path.split('/');
    const queue = queues.get((name ?? '').toLowerCase());
    if (!queue || rest.length > 0) return undefined;
    if (sub === undefined) return queue.activeStore;
    return sub.toLowerCase() === deadLetterSegment ? queue.deadLetterStore : undefined;
  }

  function entityNotFound(address: string | undefined): AmqpError {
    return {
      condition: 'amqp:not-found',
      description: `The messaging entity 'sb://${host}:${port}/${address ?? ''}' could not be found.`,
    };
  }

  function stateOf(connection: Connection): ConnectionState {
    let state = connections.get(connection);
    if (!state) {
      state = { consumers: new Set(), replyLinks: new Set() };
      connections.set(connection, state);
    }
    return state;
  }

  function removeConsumer(consumer: Consumer): void {
    const list = consumersByStore.get(consumer.store);
    const index = list?.indexOf(consumer) ?? -1;
    if (list && index >= 0) list.splice(index, 1);
  }

  /** Forgets closed links. Their locks stay until they expire or are settled via $management. */
  function prune(connection: Connection, everything: boolean): void {
    const state = connections.get(connection);
    if (!state) return;
    for (const consumer of state.consumers) {
      if (everything || !consumer.link.is_open()) {
        removeConsumer(consumer);
        state.consumers.delete(consumer);
        releaseUnsent(consumer);
        log(`servicebus: receiver on ${consumer.store.path} detached`);
      }
    }
    for (const link of state.replyLinks) if (everything || !link.is_open()) state.replyLinks.delete(link);
    if (everything) connections.delete(connection);
  }

  /** Messages queued on a link that went away before rhea wrote them go straight back. */
  function releaseUnsent(consumer: Consumer): void {
    dropWritten(consumer.link, consumer.pending);
    for (const delivery of consumer.pending) {
      const lock = locksByDelivery.get(delivery);
      if (!lock) continue;
      locksByDelivery.delete(delivery);
      lock.store.release(lock.token);
    }
    consumer.pending.length = 0;
  }

  function deliver(consumer: Consumer, message: StoredMessage): void {
    const token = message.lock?.token;
    const bytes = encodeStored(message, message.lock?.lockedUntilUtc);
    const delivery = consumer.link.send(bytes, lockTokenTag(token ?? randomUUID()), 0);
    consumer.pending.push(delivery);
    if (token) locksByDelivery.set(delivery, { store: consumer.store, token });
  }

  /** Hands available messages to consumers with credit, one each in turn, then answers drains. */
  function pump(store: Store): void {
    if (pumping.has(store)) {
      pumpAgain.add(store);
      return;
    }
    const consumers = consumersByStore.get(store);
    if (!consumers || consumers.length === 0) return;
    pumping.add(store);
    try {
      do {
        pumpAgain.delete(store);
        let delivered = true;
        while (delivered && store.hasAvailable()) {
          delivered = false;
          for (const consumer of consumers) {
            if (!consumer.link.is_open() || unusedCredit(consumer.link, consumer.pending) <= 0) continue;
            const message = store.take(consumer.mode);
            if (!message) break;
            deliver(consumer, message);
            delivered = true;
          }
        }
      } while (pumpAgain.has(store));
      const first = consumers.shift();
      if (first) consumers.push(first);
      // A receiver that asked to drain gets its unused credit back only when nothing is left.
      if (!store.hasAvailable()) for (const consumer of consumers) consumer.link.set_drained(true);
    } finally {
      pumping.delete(store);
    }
  }

  function settle(delivery: Delivery): void {
    const lock = locksByDelivery.get(delivery);
    if (!lock) return;
    locksByDelivery.delete(delivery);
    const state: unknown = delivery.remote_state;
    const chosen = isRecord(state) ? state : {};
    const kind = outcomeKind(state) ?? 'released';
    let result: SettleResult;
    switch (kind) {
      case 'accepted':
        result = lock.store.complete(lock.token);
        break;
      case 'rejected': {
        const error = isRecord(chosen.error) ? chosen.error : {};
        const { DeadLetterReason: reason, DeadLetterErrorDescription: description, ...properties } = isRecord(error.info) ? error.info : {};
        result = lock.store.deadLetter(
          lock.token,
          typeof reason === 'string' ? reason : undefined,
          typeof description === 'string' ? description : undefined,
          withoutNulls(properties),
        );
        break;
      }
      case 'modified': {
        const properties = isRecord(chosen.message_annotations) ? chosen.message_annotations : {};
        result = chosen.undeliverable_here === true ? lock.store.defer(lock.token, properties) : lock.store.abandon(lock.token, properties);
        break;
      }
      case 'released':
        // Like abandon on the real service: a failed delivery.
        result = lock.store.abandon(lock.token);
    }
    // In receiver-settle-mode "second" our settlement confirms the peer's outcome; an error in
    // the final state is what makes the SDK's complete/abandon/deadLetter call fail.
    if (result === 'ok') {
      delivery.update(true, outcome(kind));
    } else {
      delivery.update(
        true,
        outcome('rejected', {
          error:
            result === 'lock-lost'
              ? {
                  condition: 'com.microsoft:message-lock-lost',
                  description:
                    'The lock supplied is invalid. Either the lock expired, or the message has already been removed from the queue.',
                }
              : { condition: 'amqp:not-allowed', description: 'A message in a dead-letter queue cannot be dead-lettered.' },
        }),
      );
    }
    forgetDelivery(delivery);
  }

  function replyLinkFor(connection: Connection, session: Session | undefined, replyTo: unknown, address: string): Sender | undefined {
    const state = connections.get(connection);
    if (!state) return undefined;
    for (const link of state.replyLinks) {
      if (link.is_open() && typeof replyTo === 'string' && (link.target.address === replyTo || link.name === replyTo)) return link;
    }
    for (const link of state.replyLinks) if (link.is_open() && link.session === session && link.source.address === address) return link;
    return undefined;
  }

  function echoTermini(link: Link): void {
    const source: unknown = link.source;
    const target: unknown = link.target;
    if (isRecord(source) && typeof source.address === 'string') link.set_source({ address: source.address });
    if (isRecord(target) && typeof target.address === 'string') link.set_target({ address: target.address });
  }

  function addressOf(terminus: unknown): string | undefined {
    return isRecord(terminus) && typeof terminus.address === 'string' ? terminus.address : undefined;
  }

  /** The peer opened a link to send on: requests to $cbs or $management, or messages to a queue. */
  function onReceiverOpen(receiver: Receiver): void {
    const address = addressOf(receiver.target);
    if (address === '$cbs') {
      roles.set(receiver, { kind: 'cbs' });
    } else if (address && managementSuffix.test(address)) {
      const store = resolveEntity(address.replace(managementSuffix, ''));
      if (!store) {
        receiver.close(entityNotFound(address));
        return;
      }
      roles.set(receiver, { kind: 'management', store });
    } else {
      const store = resolveEntity(address);
      if (!store) {
        receiver.close(entityNotFound(address));
        return;
      }
      if (store.subQueue !== 'active') {
        receiver.close({ condition: 'amqp:not-allowed', description: 'Messages cannot be sent to a dead-letter queue.' });
        return;
      }
      roles.set(receiver, { kind: 'producer', queue: store.queue });
      log(`servicebus: sender attached to ${store.path}`);
    }
    echoTermini(receiver);
  }

  /** The peer opened a link to receive on: replies from $cbs or $management, or a queue's messages. */
  function onSenderOpen(sender: Sender): void {
    const source: unknown = sender.source;
    const address = addressOf(source);
    if (address === '$cbs' || (address && managementSuffix.test(address))) {
      roles.set(sender, { kind: 'reply' });
      stateOf(sender.connection).replyLinks.add(sender);
      // Replies go pre-settled: nothing waits on their outcome.
      setSettleModes(sender, 1, undefined);
      echoTermini(sender);
      return;
    }
    const store = resolveEntity(address);
    if (!store) {
      sender.close(entityNotFound(address));
      return;
    }
    if (isRecord(source) && isRecord(source.filter) && Object.keys(source.filter).some((key) => key.includes('session-filter'))) {
      sender.close({ condition: 'amqp:not-implemented', description: 'Sessions are not supported by the Service Bus emulator.' });
      return;
    }
    const mode: ReceiveMode = sender.snd_settle_mode === 1 ? 'receiveAndDelete' : 'peekLock';
    setSettleModes(sender, sender.snd_settle_mode, sender.rcv_settle_mode);
    echoTermini(sender);
    const consumer: Consumer = { link: sender, store, mode, pending: [] };
    roles.set(sender, { kind: 'consumer', consumer });
    stateOf(sender.connection).consumers.add(consumer);
    const list = consumersByStore.get(store) ?? [];
    list.push(consumer);
    consumersByStore.set(store, list);
    log(`servicebus: receiver attached to ${store.path} (${mode})`);
  }

  function reply(context: EventContext, request: Record<string, unknown>, response: Record<string, unknown>): void {
    const receiver = context.receiver;
    if (!receiver) return;
    const address = addressOf(receiver.target) ?? '';
    const link = replyLinkFor(context.connection, context.session, request.reply_to, address);
    if (!link) {
      log(`servicebus: no reply link for ${address} request to ${String(request.reply_to)}`);
      return;
    }
    const id = request.message_id;
    link.send(rhea.message.encode({ ...response, correlation_id: id }), undefined, 0);
  }

  function onMessage(context: EventContext): void {
    const receiver = context.receiver;
    const delivery = context.delivery;
    if (!receiver || !delivery) return;
    const role = roles.get(receiver);
    const raw: unknown = context.message;
    const request = isRecord(raw) ? raw : {};
    const properties = isRecord(request.application_properties) ? request.application_properties : {};
    switch (role?.kind) {
      case 'cbs':
        delivery.accept();
        reply(context, request, { application_properties: { 'status-code': 200, 'status-description': 'OK' } });
        return;
      case 'management': {
        delivery.accept();
        const response = handleManagement(role.store, properties.operation, request.body);
        const { body, ...status } = response;
        reply(context, request, { application_properties: status, ...(body === undefined ? {} : { body }) });
        return;
      }
      case 'producer': {
        const messages = messagesOfTransfer(raw, transferFormat(context));
        if (messages.length === 0) {
          delivery.reject({ condition: 'amqp:decode-error', description: 'The transfer carried no message the emulator could decode.' });
          return;
        }
        for (const fields of messages) {
          const { duplicate } = role.queue.enqueue(fields);
          if (duplicate) log(`servicebus: ${role.queue.options.name}: duplicate message ${String(fields.message_id)} dropped`);
        }
        delivery.accept();
        return;
      }
      default:
        delivery.reject({ condition: 'amqp:not-allowed', description: 'This link does not accept messages.' });
    }
  }

  function pumpFor(sender: Sender | undefined): void {
    const role = sender ? roles.get(sender) : undefined;
    if (role?.kind === 'consumer') pump(role.consumer.store);
  }

  const container = rhea.create_container({ id: 'servicebus-emulator' });
  container.on('connection_open', (context: EventContext) => {
    stateOf(context.connection);
    log('servicebus: client connected');
  });
  container.on('connection_close', (context: EventContext) => {
    prune(context.connection, true);
    log('servicebus: client disconnected');
  });
  container.on('disconnected', (context: EventContext) => {
    prune(context.connection, true);
  });
  for (const event of ['session_close', 'sender_close', 'receiver_close']) {
    container.on(event, (context: EventContext) => {
      prune(context.connection, false);
    });
  }
  for (const event of ['connection_error', 'session_error', 'sender_error', 'receiver_error']) {
    container.on(event, (context: EventContext) => {
      const error: unknown = context.connection.error ?? context.session?.error ?? context.sender?.error ?? context.receiver?.error;
      log(`servicebus: ${event}: ${isRecord(error) ? String(error.description ?? error.condition) : String(error)}`);
    });
  }
  container.on('error', (error: unknown) => {
    log(`servicebus: error: ${error instanceof Error ? error.message : String(error)}`);
  });
  container.on('protocol_error', (error: unknown) => {
    log(`servicebus: protocol error: ${error instanceof Error ? error.message : String(error)}`);
  });
  container.on('receiver_open', (context: EventContext) => {
    if (context.receiver) onReceiverOpen(context.receiver);
  });
  container.on('sender_open', (context: EventContext) => {
    if (context.sender) onSenderOpen(context.sender);
  });
  container.on('message', onMessage);
  for (const event of ['sendable', 'sender_flow', 'sender_draining']) {
    container.on(event, (context: EventContext) => {
      pumpFor(context.sender);
    });
  }
  for (const event of ['accepted', 'released', 'rejected', 'modified']) {
    container.on(event, (context: EventContext) => {
      if (!context.delivery) return;
      const store = locksByDelivery.get(context.delivery)?.store;
      settle(context.delivery);
      if (store) pump(store);
    });
  }

  const sockets = new Set<Socket>();
  const server: Server = container.listen({
    host,
    port: options.port ?? 0,
    container_id: 'servicebus-emulator',
    session_buffer_size: sessionBufferSize,
    receiver_options: { autoaccept: false, credit_window: 1000, max_message_size: maxMessageSizeBytes },
    properties: { product: 'waitlist-servicebus-emulator' },
  });
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.once('listening', () => {
      server.off('error', reject);
      resolve();
    });
  });
  server.on('error', (error: Error) => {
    log(`servicebus: server error: ${error.message}`);
  });
  const address = server.address();
  port = typeof address === 'object' && address ? address.port : 0;
  log(`servicebus: listening on ${host}:${port} with queues ${[...queues.values()].map((q) => q.options.name).join(', ')}`);

  function queueNamed(name: string): Queue {
    const queue = queues.get(name.toLowerCase());
    if (!queue) throw new Error(`Unknown queue ${name}`);
    return queue;
  }

  let closing: Promise<void> | undefined;

  return {
    port,
    connectionString: `Endpoint=sb://${host}:${port};SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey=SAS_KEY_VALUE;UseDevelopmentEmulator=true`,
    stats: (name) => queueNamed(name).stats(),
    messages: (name, subQueue = 'active') => snapshot(queueNamed(name).store(subQueue)),
    close() {
      closing ??= (async () => {
        const stopped = new Promise<void>((resolve) =>
          server.close(() => {
            resolve();
          }),
        );
        for (const connection of connections.keys()) if (!connection.is_closed()) connection.close();
        const socketsClosed = Promise.all(
          [...sockets].map(
            (socket) =>
              new Promise<void>((resolve) =>
                socket.once('close', () => {
                  resolve();
                }),
              ),
          ),
        );
        // Peers normally answer the close frame at once; one that does not is cut off.
        const grace = new Promise<void>((resolve) => setTimeout(resolve, 500).unref());
        await Promise.race([socketsClosed, grace]);
        for (const socket of sockets) socket.destroy();
        for (const queue of queues.values()) queue.close();
        await stopped;
        log('servicebus: closed');
      })();
      return closing;
    },
  };
}

function withoutNulls(record: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(record).filter(([, value]) => value !== null && value !== undefined));
}

function bodyText(body: unknown): string {
  if (Buffer.isBuffer(body)) return body.toString('utf8');
  if (isRecord(body) && body.typecode === 0x75) {
    const content = body.content;
    const parts = Array.isArray(content) ? content : [content];
    return parts.map((part) => (Buffer.isBuffer(part) ? part.toString('utf8') : '')).join('');
  }
  return body === undefined ? '' : JSON.stringify(body);
}

function snapshot(store: Store): MessageSnapshot[] {
  return store.peek(0, Number.MAX_SAFE_INTEGER).map((message) => {
    const fields = message.fields;
    return {
      sequenceNumber: message.sequenceNumber,
      messageId: message.messageId,
      state: message.state,
      deliveryCount: message.deliveryCount,
      enqueuedTimeUtc: new Date(message.enqueuedTimeUtc),
      ...(message.scheduledEnqueueTimeUtc === undefined ? {} : { scheduledEnqueueTimeUtc: new Date(message.scheduledEnqueueTimeUtc) }),
      ...(message.lock ? { lockedUntilUtc: new Date(message.lock.lockedUntilUtc) } : {}),
      ...(typeof fields.subject === 'string' ? { subject: fields.subject } : {}),
      ...(typeof fields.content_type === 'string' ? { contentType: fields.content_type } : {}),
      ...(typeof fields.correlation_id === 'string' ? { correlationId: fields.correlation_id } : {}),
      applicationProperties: { ...message.applicationProperties },
      body: bodyText(fields.body),
    };
  });
}
