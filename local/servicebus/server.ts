/**
 * A loopback Service Bus emulator for development and tests, like Azurite is for Blob storage.
 *
 * Why it exists: the only Service Bus emulator Microsoft ships runs in Docker, and this project's
 * machines have none, yet "same code everywhere" (docs/architecture.md) wants the real
 * `@azure/service-bus` client to speak the real wire protocol locally. With `UseDevelopmentEmulator=true` in the connection string
 * the SDK talks plain AMQP 1.0 (no TLS) to the given host and port; this module answers it.
 *
 * rhea (already a dependency of the SDK) does all of AMQP 1.0: framing, SASL, sessions, links, flow
 * control and the message codec. What is written here is only what a broker adds on top and rhea
 * has nothing for: claims-based auth (`$cbs`, every token accepted), the `$management` operations,
 * queue semantics (locks, delivery count, dead-lettering, scheduling, duplicate detection), and
 * mapping dispositions to settlements. Everything is in memory.
 */
import type { Server, Socket } from 'node:net';
import rhea from 'rhea';
import type { Container, EventContext } from 'rhea';
import { isRecord } from './codec.js';
import { ClientConnections } from './connection.js';
import { Namespace } from './namespace.js';
import type { QueueOptions, QueueStats, SubQueue } from './queue.js';
import { snapshot } from './snapshot.js';
import type { MessageSnapshot } from './snapshot.js';

export interface ServiceBusEmulatorOptions {
  host?: '127.0.0.1';
  /** 0 (the default) picks a free port. */
  port?: number;
  queues: QueueOptions[];
  log?: (line: string) => void;
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
export type { MessageSnapshot } from './snapshot.js';

/** Locks held on never-settled deliveries occupy rhea's session buffer; keep room for many. */
const sessionBufferSize = 65_536;
/** Standard tier's limit; the SDK sizes message batches by it. */
const maxMessageSizeBytes = 256 * 1024;
/** Peers normally answer the close frame at once; one that does not is cut off after this. */
const closeGraceMs = 500;

export async function startServiceBusEmulator(options: ServiceBusEmulatorOptions): Promise<ServiceBusEmulator> {
  const host = options.host ?? '127.0.0.1';
  const log = options.log ?? (() => undefined);
  const namespace = new Namespace(host, options.queues, log);
  const connections = new ClientConnections(namespace, log);
  const container = rhea.create_container({ id: 'servicebus-emulator' });
  routeConnectionEvents(container, connections, log);
  routeLinkEvents(container, connections);
  const listener = await listen(container, host, options.port ?? 0, log);
  const port = listener.port;
  namespace.port = port;
  log(`servicebus: listening on ${host}:${port} with queues ${namespace.names().join(', ')}`);

  let closing: Promise<void> | undefined;
  return {
    port,
    connectionString: `Endpoint=sb://${host}:${port};SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey=SAS_KEY_VALUE;UseDevelopmentEmulator=true`,
    stats: (name) => namespace.queueNamed(name).stats(),
    messages: (name, subQueue = 'active') => snapshot(namespace.queueNamed(name).store(subQueue)),
    close() {
      closing ??= shutDown(listener, connections, namespace, log);
      return closing;
    },
  };
}

function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function routeConnectionEvents(container: Container, connections: ClientConnections, log: (line: string) => void): void {
  container.on('connection_open', (context: EventContext) => {
    connections.of(context.connection);
    log('servicebus: client connected');
  });
  container.on('connection_close', (context: EventContext) => {
    connections.forget(context.connection);
    log('servicebus: client disconnected');
  });
  container.on('disconnected', (context: EventContext) => {
    connections.forget(context.connection);
  });
  for (const event of ['session_close', 'sender_close', 'receiver_close']) {
    container.on(event, (context: EventContext) => {
      connections.known(context.connection)?.detachClosedLinks(false);
    });
  }
  for (const event of ['connection_error', 'session_error', 'sender_error', 'receiver_error']) {
    container.on(event, (context: EventContext) => {
      const error: unknown = context.connection.error ?? context.session?.error ?? context.sender?.error ?? context.receiver?.error;
      log(`servicebus: ${event}: ${isRecord(error) ? String(error.description ?? error.condition) : String(error)}`);
    });
  }
  container.on('error', (error: unknown) => {
    log(`servicebus: error: ${describeError(error)}`);
  });
  container.on('protocol_error', (error: unknown) => {
    log(`servicebus: protocol error: ${describeError(error)}`);
  });
}

function routeLinkEvents(container: Container, connections: ClientConnections): void {
  container.on('receiver_open', (context: EventContext) => {
    if (context.receiver) connections.of(context.connection).onReceiverOpen(context.receiver);
  });
  container.on('sender_open', (context: EventContext) => {
    if (context.sender) connections.of(context.connection).onSenderOpen(context.sender);
  });
  container.on('message', (context: EventContext) => {
    connections.known(context.connection)?.onMessage(context);
  });
  for (const event of ['sendable', 'sender_flow', 'sender_draining']) {
    container.on(event, (context: EventContext) => {
      connections.known(context.connection)?.onSendable(context.sender);
    });
  }
  for (const event of ['accepted', 'released', 'rejected', 'modified']) {
    container.on(event, (context: EventContext) => {
      connections.known(context.connection)?.onDisposition(context);
    });
  }
}

interface Listener {
  readonly server: Server;
  /** Tracked so close() can cut off peers that do not answer the close frame. */
  readonly sockets: Set<Socket>;
  readonly port: number;
}

async function listen(container: Container, host: string, port: number, log: (line: string) => void): Promise<Listener> {
  const sockets = new Set<Socket>();
  const server: Server = container.listen({
    host,
    port,
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
  return { server, sockets, port: typeof address === 'object' && address ? address.port : 0 };
}

async function shutDown(
  listener: Listener,
  connections: ClientConnections,
  namespace: Namespace,
  log: (line: string) => void,
): Promise<void> {
  const { server, sockets } = listener;
  const stopped = new Promise<void>((resolve) =>
    server.close(() => {
      resolve();
    }),
  );
  connections.closeAll();
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
  const grace = new Promise<void>((resolve) => setTimeout(resolve, closeGraceMs).unref());
  await Promise.race([socketsClosed, grace]);
  for (const socket of sockets) socket.destroy();
  namespace.close();
  await stopped;
  log('servicebus: closed');
}
