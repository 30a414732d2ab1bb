import rhea from 'rhea';
import type { AmqpError, Connection, Delivery, EventContext, Receiver, Sender, Session, link as Link } from 'rhea';
import { setSettleModes, transferFormat } from './amqp.js';
import { isRecord, messagesOfTransfer } from './codec.js';
import { ConsumerLink } from './consumer-link.js';
import { handleManagement } from './management.js';
import type { Namespace } from './namespace.js';
import type { Queue, ReceiveMode } from './queue.js';
import type { Store } from './store.js';

/** What a link the client sends on is for: claims-based auth, management requests, or messages to a queue. */
type IncomingRole = { kind: 'cbs' } | { kind: 'management'; store: Store } | { kind: 'producer'; queue: Queue };

const managementSuffix = /\/\$management$/i;

function addressOf(terminus: unknown): string | undefined {
  return isRecord(terminus) && typeof terminus.address === 'string' ? terminus.address : undefined;
}

function isRequestNode(address: string | undefined): boolean {
  return address === '$cbs' || (address !== undefined && managementSuffix.test(address));
}

/** The SDK checks that the attach it gets back names the node it asked for. */
function echoTermini(link: Link): void {
  const source: unknown = link.source;
  const target: unknown = link.target;
  if (isRecord(source) && typeof source.address === 'string') link.set_source({ address: source.address });
  if (isRecord(target) && typeof target.address === 'string') link.set_target({ address: target.address });
}

function asksForSession(source: unknown): boolean {
  return isRecord(source) && isRecord(source.filter) && Object.keys(source.filter).some((key) => key.includes('session-filter'));
}

/** The links a client receives `$cbs` and `$management` replies on. */
class ReplyLinks {
  private readonly links = new Set<Sender>();

  add(link: Sender): void {
    this.links.add(link);
  }

  forgetClosed(everything: boolean): void {
    for (const link of this.links) if (everything || !link.is_open()) this.links.delete(link);
  }

  /** The link the request's `reply_to` names; failing that, one on the same session from the node the request went to. */
  find(session: Session | undefined, replyTo: unknown, address: string): Sender | undefined {
    for (const link of this.links) {
      if (link.is_open() && typeof replyTo === 'string' && (link.target.address === replyTo || link.name === replyTo)) return link;
    }
    for (const link of this.links) if (link.is_open() && link.session === session && link.source.address === address) return link;
    return undefined;
  }
}

/** One client's AMQP connection: the links it attached, what each is for, and the requests and messages that arrive on them. */
export class ClientConnection {
  private readonly incomingRoles = new WeakMap<Receiver, IncomingRole>();
  /** Kept after a link detaches, so a settlement that still arrives for one of its deliveries is applied. */
  private readonly consumerOf = new WeakMap<Sender, ConsumerLink>();
  private readonly attachedConsumers = new Set<ConsumerLink>();
  private readonly replyLinks = new ReplyLinks();

  constructor(
    private readonly amqp: Connection,
    private readonly namespace: Namespace,
    private readonly log: (line: string) => void,
  ) {}

  /** The client opened a link to send on: requests to $cbs or $management, or messages to a queue. */
  onReceiverOpen(receiver: Receiver): void {
    const role = this.incomingRoleFor(addressOf(receiver.target));
    if ('refused' in role) {
      receiver.close(role.refused);
      return;
    }
    this.incomingRoles.set(receiver, role);
    if (role.kind === 'producer') this.log(`servicebus: sender attached to ${role.queue.activeStore.path}`);
    echoTermini(receiver);
  }

  /** The client opened a link to receive on: replies from $cbs or $management, or a queue's messages. */
  onSenderOpen(sender: Sender): void {
    const source: unknown = sender.source;
    const address = addressOf(source);
    if (isRequestNode(address)) {
      this.replyLinks.add(sender);
      // Replies go pre-settled: nothing waits on their outcome.
      setSettleModes(sender, 1, undefined);
      echoTermini(sender);
      return;
    }
    const store = this.namespace.resolve(address);
    if (!store) {
      sender.close(this.namespace.notFound(address));
      return;
    }
    if (asksForSession(source)) {
      sender.close({ condition: 'amqp:not-implemented', description: 'Sessions are not supported by the Service Bus emulator.' });
      return;
    }
    const mode: ReceiveMode = sender.snd_settle_mode === 1 ? 'receiveAndDelete' : 'peekLock';
    setSettleModes(sender, sender.snd_settle_mode, sender.rcv_settle_mode);
    echoTermini(sender);
    const consumer = new ConsumerLink(sender, store, mode);
    this.consumerOf.set(sender, consumer);
    this.attachedConsumers.add(consumer);
    this.namespace.dispatcherOf(store).attach(consumer);
    this.log(`servicebus: receiver attached to ${store.path} (${mode})`);
  }

  onMessage(context: EventContext): void {
    const receiver = context.receiver;
    const delivery = context.delivery;
    if (!receiver || !delivery) return;
    const role = this.incomingRoles.get(receiver);
    const raw: unknown = context.message;
    const request = isRecord(raw) ? raw : {};
    switch (role?.kind) {
      case 'cbs':
        // Every token is good: the emulator binds loopback only and has nothing to protect.
        delivery.accept();
        this.reply(context, request, { application_properties: { 'status-code': 200, 'status-description': 'OK' } });
        return;
      case 'management': {
        delivery.accept();
        const properties = isRecord(request.application_properties) ? request.application_properties : {};
        const { body, ...status } = handleManagement(role.store, properties.operation, request.body);
        this.reply(context, request, { application_properties: status, ...(body === undefined ? {} : { body }) });
        return;
      }
      case 'producer':
        this.enqueueTransfer(context, delivery, role.queue);
        return;
      default:
        delivery.reject({ condition: 'amqp:not-allowed', description: 'This link does not accept messages.' });
    }
  }

  /** The client settled a delivery (complete, abandon, dead-letter, defer); its message may free credit or come back. */
  onDisposition(context: EventContext): void {
    const consumer = context.sender ? this.consumerOf.get(context.sender) : undefined;
    if (context.delivery && consumer?.settle(context.delivery)) this.namespace.dispatcherOf(consumer.store).pump();
  }

  /** The client granted credit or asked to drain. */
  onSendable(sender: Sender | undefined): void {
    const consumer = sender ? this.consumerOf.get(sender) : undefined;
    if (consumer) this.namespace.dispatcherOf(consumer.store).pump();
  }

  /** Forgets closed links (every link when the connection is gone). Their locks stay until they expire or are settled via $management. */
  detachClosedLinks(everything: boolean): void {
    for (const consumer of this.attachedConsumers) {
      if (everything || !consumer.link.is_open()) {
        this.namespace.dispatcherOf(consumer.store).detach(consumer);
        this.attachedConsumers.delete(consumer);
        consumer.releaseUnsent();
        this.log(`servicebus: receiver on ${consumer.store.path} detached`);
      }
    }
    this.replyLinks.forgetClosed(everything);
  }

  close(): void {
    if (!this.amqp.is_closed()) this.amqp.close();
  }

  private incomingRoleFor(address: string | undefined): IncomingRole | { refused: AmqpError } {
    if (address === '$cbs') return { kind: 'cbs' };
    if (address && managementSuffix.test(address)) {
      const store = this.namespace.resolve(address.replace(managementSuffix, ''));
      return store ? { kind: 'management', store } : { refused: this.namespace.notFound(address) };
    }
    const store = this.namespace.resolve(address);
    if (!store) return { refused: this.namespace.notFound(address) };
    if (store.subQueue !== 'active') {
      return { refused: { condition: 'amqp:not-allowed', description: 'Messages cannot be sent to a dead-letter queue.' } };
    }
    return { kind: 'producer', queue: store.queue };
  }

  /** One transfer carries one message, or a batch of them. */
  private enqueueTransfer(context: EventContext, delivery: Delivery, queue: Queue): void {
    const messages = messagesOfTransfer(context.message, transferFormat(context));
    if (messages.length === 0) {
      delivery.reject({ condition: 'amqp:decode-error', description: 'The transfer carried no message the emulator could decode.' });
      return;
    }
    for (const fields of messages) {
      const { duplicate } = queue.enqueue(fields);
      if (duplicate) this.log(`servicebus: ${queue.options.name}: duplicate message ${String(fields.message_id)} dropped`);
    }
    delivery.accept();
  }

  private reply(context: EventContext, request: Record<string, unknown>, response: Record<string, unknown>): void {
    const address = addressOf(context.receiver?.target) ?? '';
    const link = this.replyLinks.find(context.session, request.reply_to, address);
    if (!link) {
      this.log(`servicebus: no reply link for ${address} request to ${String(request.reply_to)}`);
      return;
    }
    link.send(rhea.message.encode({ ...response, correlation_id: request.message_id }), undefined, 0);
  }
}

/** The connections clients hold open, by rhea's connection object. */
export class ClientConnections {
  private readonly open = new Map<Connection, ClientConnection>();

  constructor(
    private readonly namespace: Namespace,
    private readonly log: (line: string) => void,
  ) {}

  /** Made on first sight, whichever event shows the connection first. */
  of(amqp: Connection): ClientConnection {
    let connection = this.open.get(amqp);
    if (!connection) {
      connection = new ClientConnection(amqp, this.namespace, this.log);
      this.open.set(amqp, connection);
    }
    return connection;
  }

  known(amqp: Connection): ClientConnection | undefined {
    return this.open.get(amqp);
  }

  forget(amqp: Connection): void {
    this.open.get(amqp)?.detachClosedLinks(true);
    this.open.delete(amqp);
  }

  closeAll(): void {
    for (const connection of this.open.values()) connection.close();
  }
}
