import { randomUUID } from 'node:crypto';
import type { Delivery, Sender } from 'rhea';
import { dropWritten, forgetDelivery, outcome, outcomeKind, unusedCredit } from './amqp.js';
import type { OutcomeKind } from './amqp.js';
import { encodeStored, isRecord, lockTokenTag } from './codec.js';
import { settleFailures } from './queue.js';
import type { ReceiveMode, SettleResult, StoredMessage } from './queue.js';
import type { Store } from './store.js';

/**
 * A link on which a client receives a store's messages: what its credit allows, the deliveries
 * queued on it, and the lock each delivery carries until the client settles it.
 */
export class ConsumerLink {
  /** Deliveries queued on the link, possibly not yet written by rhea (see dropWritten). */
  private readonly pending: Delivery[] = [];
  private readonly lockTokens = new WeakMap<Delivery, string>();

  constructor(
    readonly link: Sender,
    readonly store: Store,
    readonly mode: ReceiveMode,
  ) {}

  canTakeMore(): boolean {
    return this.link.is_open() && unusedCredit(this.link, this.pending) > 0;
  }

  deliver(message: StoredMessage): void {
    const token = message.lock?.token;
    const bytes = encodeStored(message, message.lock?.lockedUntilUtc);
    const delivery = this.link.send(bytes, lockTokenTag(token ?? randomUUID()), 0);
    this.pending.push(delivery);
    if (token) this.lockTokens.set(delivery, token);
  }

  /** Answers a drain: the client gets its unused credit back. */
  markDrained(): void {
    this.link.set_drained(true);
  }

  /**
   * Applies the outcome the client chose to the delivery's message; false when the delivery holds
   * no lock (receive-and-delete, or settled already).
   */
  settle(delivery: Delivery): boolean {
    const token = this.lockTokens.get(delivery);
    if (!token) return false;
    this.lockTokens.delete(delivery);
    const state: unknown = delivery.remote_state;
    const kind = outcomeKind(state) ?? 'released';
    const result = applyOutcome(this.store, token, kind, isRecord(state) ? state : {});
    // In receiver-settle-mode "second" our settlement confirms the peer's outcome; an error in
    // the final state is what makes the SDK's complete/abandon/deadLetter call fail.
    delivery.update(true, result === 'ok' ? outcome(kind) : outcome('rejected', { error: { ...settleFailures[result] } }));
    forgetDelivery(delivery);
    return true;
  }

  /** Messages queued on a link that went away before rhea wrote them go straight back. */
  releaseUnsent(): void {
    dropWritten(this.link, this.pending);
    for (const delivery of this.pending) {
      const token = this.lockTokens.get(delivery);
      if (!token) continue;
      this.lockTokens.delete(delivery);
      this.store.release(token);
    }
    this.pending.length = 0;
  }
}

/** Maps a disposition's outcome to a settlement: accepted completes, rejected dead-letters, modified defers or abandons. */
function applyOutcome(store: Store, token: string, kind: OutcomeKind, chosen: Record<string, unknown>): SettleResult {
  switch (kind) {
    case 'accepted':
      return store.complete(token);
    case 'rejected': {
      const error = isRecord(chosen.error) ? chosen.error : {};
      const { DeadLetterReason: reason, DeadLetterErrorDescription: description, ...properties } = isRecord(error.info) ? error.info : {};
      return store.deadLetter(
        token,
        typeof reason === 'string' ? reason : undefined,
        typeof description === 'string' ? description : undefined,
        withoutNulls(properties),
      );
    }
    case 'modified': {
      const properties = isRecord(chosen.message_annotations) ? chosen.message_annotations : {};
      return chosen.undeliverable_here === true ? store.defer(token, properties) : store.abandon(token, properties);
    }
    case 'released':
      // Like abandon on the real service: a failed delivery.
      return store.abandon(token);
  }
}

function withoutNulls(record: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(record).filter(([, value]) => value !== null && value !== undefined));
}
