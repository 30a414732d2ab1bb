import type { AmqpError } from 'rhea';
import { Dispatcher } from './dispatcher.js';
import { Queue } from './queue.js';
import type { QueueOptions } from './queue.js';
import type { Store } from './store.js';

const deadLetterSegment = '$deadletterqueue';

/** The queues one emulator serves, found by the addresses clients attach links to, each store with its dispatcher. */
export class Namespace {
  /** Set once the server listens; error descriptions name the entity's full address. */
  port = 0;
  private readonly queues = new Map<string, Queue>();
  private readonly dispatchers = new Map<Store, Dispatcher>();

  constructor(
    readonly host: string,
    queueOptions: readonly QueueOptions[],
    log: (line: string) => void,
  ) {
    for (const options of queueOptions) {
      const key = options.name.toLowerCase();
      if (this.queues.has(key)) throw new Error(`Queue ${options.name} is declared twice`);
      const queue = new Queue(options, log);
      this.queues.set(key, queue);
      for (const store of [queue.activeStore, queue.deadLetterStore]) this.dispatchers.set(store, new Dispatcher(store));
    }
  }

  /** `queue` or `queue/$DeadLetterQueue`, bare or as an amqp:// URL; undefined for anything else. */
  resolve(address: string | undefined): Store | undefined {
    if (!address) return undefined;
    const path = address.includes('://') ? new URL(address).pathname.replace(/^\//, '') : address;
    const [name, sub, ...rest] = path.split('/');
    const queue = this.queues.get((name ?? '').toLowerCase());
    if (!queue || rest.length > 0) return undefined;
    if (sub === undefined) return queue.activeStore;
    return sub.toLowerCase() === deadLetterSegment ? queue.deadLetterStore : undefined;
  }

  notFound(address: string | undefined): AmqpError {
    return {
      condition: 'amqp:not-found',
      description: `The messaging entity 'sb://${this.host}:${this.port}/${address ?? ''}' could not be found.`,
    };
  }

  dispatcherOf(store: Store): Dispatcher {
    const dispatcher = this.dispatchers.get(store);
    if (!dispatcher) throw new Error(`No dispatcher for ${store.path}`);
    return dispatcher;
  }

  queueNamed(name: string): Queue {
    const queue = this.queues.get(name.toLowerCase());
    if (!queue) throw new Error(`Unknown queue ${name}`);
    return queue;
  }

  names(): string[] {
    return [...this.queues.values()].map((queue) => queue.options.name);
  }

  close(): void {
    for (const queue of this.queues.values()) queue.close();
  }
}
