import type { ConsumerLink } from './consumer-link.js';
import type { Store } from './store.js';

/** Hands a store's available messages to the links receiving from it, one each in turn, so competing receivers share the load. */
export class Dispatcher {
  private readonly consumers: ConsumerLink[] = [];
  private pumping = false;
  private pumpAgain = false;

  constructor(private readonly store: Store) {
    store.onAvailable(() => {
      this.pump();
    });
  }

  attach(consumer: ConsumerLink): void {
    this.consumers.push(consumer);
  }

  detach(consumer: ConsumerLink): void {
    const index = this.consumers.indexOf(consumer);
    if (index >= 0) this.consumers.splice(index, 1);
  }

  /** Delivers while messages and credit last, then answers drains. */
  pump(): void {
    // Delivering can make messages available again (a release, say), which calls back in here.
    if (this.pumping) {
      this.pumpAgain = true;
      return;
    }
    if (this.consumers.length === 0) return;
    this.pumping = true;
    try {
      do {
        this.pumpAgain = false;
        let delivered = true;
        while (delivered && this.store.hasAvailable()) delivered = this.deliverRound();
      } while (this.repumpRequested());
      const first = this.consumers.shift();
      if (first) this.consumers.push(first);
      // A receiver that asked to drain gets its unused credit back only when nothing is left.
      if (!this.store.hasAvailable()) for (const consumer of this.consumers) consumer.markDrained();
    } finally {
      this.pumping = false;
    }
  }

  // A method, not the field, so the type checker does not take the field for still false after the calls above.
  private repumpRequested(): boolean {
    return this.pumpAgain;
  }

  /** One message to each consumer that has credit; false when none took one. */
  private deliverRound(): boolean {
    let delivered = false;
    for (const consumer of this.consumers) {
      if (!consumer.canTakeMore()) continue;
      const message = this.store.take(consumer.mode);
      if (!message) break;
      consumer.deliver(message);
      delivered = true;
    }
    return delivered;
  }
}
