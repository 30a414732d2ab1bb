import { randomUUID } from 'node:crypto';
import type { AmqpFields, Lock, Queue, ReceiveMode, ResolvedOptions, SettleResult, StoredMessage, SubQueue } from './queue.js';

// setTimeout fires at once for delays above 2^31-1 ms; longer waits are re-armed in steps.
const maxTimerDelayMs = 2 ** 31 - 1;

/** One addressable entity: a queue or its dead-letter sub-queue. Messages are kept in sequence order. */
export class Store {
  readonly messages = new Map<number, StoredMessage>();
  readonly locks = new Map<string, StoredMessage>();
  /** Sequence numbers of unlocked active messages, ascending. */
  private available: number[] = [];
  private nextSequenceNumber = 1;
  private listener: (() => void) | undefined;

  constructor(
    readonly queue: Queue,
    readonly subQueue: SubQueue,
  ) {}

  get path(): string {
    return this.subQueue === 'active' ? this.queue.options.name : `${this.queue.options.name}/$DeadLetterQueue`;
  }

  /** Called whenever messages may have become available to receivers. */
  onAvailable(listener: () => void): void {
    this.listener = listener;
  }

  add(init: Omit<StoredMessage, 'sequenceNumber'>): StoredMessage {
    const message: StoredMessage = { ...init, sequenceNumber: this.nextSequenceNumber++ };
    this.messages.set(message.sequenceNumber, message);
    if (message.state === 'scheduled') {
      this.armSchedule(message);
    } else if (message.state === 'active') {
      this.makeAvailable(message);
    }
    return message;
  }

  /** Next deliverable message, locked (peek-lock) or removed (receive-and-delete). */
  take(mode: ReceiveMode): StoredMessage | undefined {
    for (;;) {
      const sequenceNumber = this.available.shift();
      if (sequenceNumber === undefined) return undefined;
      const message = this.messages.get(sequenceNumber);
      if (!message || message.state !== 'active' || message.lock) continue;
      if (this.expireIfDue(message, this.queue.now())) continue;
      this.hold(message, mode);
      return message;
    }
  }

  hasAvailable(): boolean {
    return this.available.length > 0;
  }

  /** Locks a deferred message for receive-by-sequence-number; undefined when absent or locked. */
  takeDeferred(sequenceNumber: number, mode: ReceiveMode): StoredMessage | undefined {
    const message = this.messages.get(sequenceNumber);
    if (message?.state !== 'deferred' || message.lock) return undefined;
    this.hold(message, mode);
    return message;
  }

  complete(token: string): SettleResult {
    const message = this.unlock(token);
    if (!message) return 'lock-lost';
    this.messages.delete(message.sequenceNumber);
    return 'ok';
  }

  abandon(token: string, propertiesToModify: Record<string, unknown> = {}): SettleResult {
    const message = this.unlock(token);
    if (!message) return 'lock-lost';
    Object.assign(message.applicationProperties, propertiesToModify);
    this.countFailedDelivery(message);
    return 'ok';
  }

  defer(token: string, propertiesToModify: Record<string, unknown> = {}): SettleResult {
    const message = this.unlock(token);
    if (!message) return 'lock-lost';
    Object.assign(message.applicationProperties, propertiesToModify);
    message.state = 'deferred';
    return 'ok';
  }

  deadLetter(
    token: string,
    reason: string | undefined,
    description: string | undefined,
    propertiesToModify: Record<string, unknown> = {},
  ): SettleResult {
    if (this.subQueue === 'deadLetter') return this.locks.has(token) ? 'not-allowed' : 'lock-lost';
    const message = this.unlock(token);
    if (!message) return 'lock-lost';
    this.moveToDeadLetter(message, reason, description, propertiesToModify);
    return 'ok';
  }

  /** Unlocks a message that never reached the receiver; not a failed delivery. */
  release(token: string): void {
    const message = this.unlock(token);
    if (message?.state === 'active') this.makeAvailable(message);
  }

  renewLock(token: string): number | undefined {
    const message = this.locks.get(token);
    if (!message?.lock) return undefined;
    message.lock.lockedUntilUtc = this.queue.now() + this.queue.options.lockDurationMs;
    this.armLockTimer(message, message.lock);
    return message.lock.lockedUntilUtc;
  }

  cancelScheduled(sequenceNumber: number): void {
    const message = this.messages.get(sequenceNumber);
    if (message?.state !== 'scheduled') return;
    clearTimeout(message.timer);
    this.messages.delete(sequenceNumber);
  }

  /** Messages in any state from a sequence number on, as `peekMessages` sees them. */
  peek(fromSequenceNumber: number, maxCount: number): StoredMessage[] {
    this.expireDue();
    const result: StoredMessage[] = [];
    for (const message of this.messages.values()) {
      if (result.length >= maxCount) break;
      if (message.sequenceNumber >= fromSequenceNumber) result.push(message);
    }
    return result;
  }

  count(): { active: number; locked: number; scheduled: number; deferred: number } {
    this.expireDue();
    const counts = { active: 0, locked: 0, scheduled: 0, deferred: 0 };
    for (const message of this.messages.values()) {
      counts[message.state]++;
      if (message.lock) counts.locked++;
    }
    return counts;
  }

  close(): void {
    for (const message of this.messages.values()) clearTimeout(message.timer);
  }

  /** What receiving does to a message: peek-lock locks it, receive-and-delete removes it. */
  private hold(message: StoredMessage, mode: ReceiveMode): void {
    if (mode === 'receiveAndDelete') {
      this.messages.delete(message.sequenceNumber);
    } else {
      this.lock(message);
    }
  }

  private lock(message: StoredMessage): void {
    const lock: Lock = { token: randomUUID(), lockedUntilUtc: this.queue.now() + this.queue.options.lockDurationMs };
    message.lock = lock;
    this.locks.set(lock.token, message);
    this.armLockTimer(message, lock);
  }

  private armLockTimer(message: StoredMessage, lock: Lock): void {
    // The due time is read again when the timer fires, because renewLock may have moved it.
    this.armTimer(
      message,
      () => lock.lockedUntilUtc,
      () => {
        if (message.lock !== lock) return;
        this.unlock(lock.token);
        this.countFailedDelivery(message);
      },
    );
  }

  private armSchedule(message: StoredMessage): void {
    const due = message.scheduledEnqueueTimeUtc ?? 0;
    this.armTimer(
      message,
      () => due,
      () => {
        message.timer = undefined;
        message.state = 'active';
        message.enqueuedTimeUtc = this.queue.now();
        if (message.expiresAtUtc !== undefined) message.expiresAtUtc = message.enqueuedTimeUtc + ttlOf(message.fields, this.queue.options);
        this.makeAvailable(message);
      },
    );
  }

  /** A message has one timer at a time (lock expiry or schedule), so clearing `message.timer` cancels whichever runs. */
  private armTimer(message: StoredMessage, dueAtUtc: () => number, onDue: () => void): void {
    clearTimeout(message.timer);
    message.timer = setTimeout(
      () => {
        if (dueAtUtc() > this.queue.now()) {
          this.armTimer(message, dueAtUtc, onDue);
          return;
        }
        onDue();
      },
      Math.min(Math.max(dueAtUtc() - this.queue.now(), 0), maxTimerDelayMs),
    );
  }

  private unlock(token: string): StoredMessage | undefined {
    const message = this.locks.get(token);
    if (!message) return undefined;
    this.locks.delete(token);
    message.lock = undefined;
    clearTimeout(message.timer);
    message.timer = undefined;
    return message;
  }

  /** Abandon and lock expiry both count as a failed delivery, as the real service does. */
  private countFailedDelivery(message: StoredMessage): void {
    message.deliveryCount++;
    const max = this.queue.options.maxDeliveryCount;
    if (this.subQueue === 'active' && message.deliveryCount >= max) {
      this.moveToDeadLetter(message, 'MaxDeliveryCountExceeded', `Message could not be consumed after ${max} delivery attempts.`, {});
    } else if (message.state === 'active') {
      this.makeAvailable(message);
    }
  }

  private moveToDeadLetter(
    message: StoredMessage,
    reason: string | undefined,
    description: string | undefined,
    propertiesToModify: Record<string, unknown>,
  ): void {
    clearTimeout(message.timer);
    this.messages.delete(message.sequenceNumber);
    const applicationProperties = { ...message.applicationProperties, ...propertiesToModify };
    if (reason !== undefined) applicationProperties.DeadLetterReason = reason;
    if (description !== undefined) applicationProperties.DeadLetterErrorDescription = description;
    this.queue.deadLetterStore.add({
      fields: message.fields,
      messageId: message.messageId,
      applicationProperties,
      enqueuedTimeUtc: message.enqueuedTimeUtc,
      deliveryCount: message.deliveryCount,
      state: 'active',
      enqueuedSequenceNumber: message.sequenceNumber,
      ...(message.scheduledEnqueueTimeUtc === undefined ? {} : { scheduledEnqueueTimeUtc: message.scheduledEnqueueTimeUtc }),
    });
    this.queue.log(`${this.path}: message ${message.messageId} dead-lettered (${reason ?? 'no reason'})`);
  }

  private makeAvailable(message: StoredMessage): void {
    insertSorted(this.available, message.sequenceNumber);
    this.listener?.();
  }

  /** Dead-letter queues never expire messages; locked ones expire after their lock ends. */
  private expireIfDue(message: StoredMessage, now: number): boolean {
    if (this.subQueue === 'deadLetter' || message.state !== 'active' || message.lock) return false;
    if (message.expiresAtUtc === undefined || message.expiresAtUtc > now) return false;
    if (this.queue.options.deadLetterOnExpiration) {
      this.moveToDeadLetter(message, 'TTLExpiredException', 'The message expired and was dead lettered.', {});
    } else {
      this.messages.delete(message.sequenceNumber);
    }
    return true;
  }

  private expireDue(): void {
    const now = this.queue.now();
    for (const message of [...this.messages.values()]) this.expireIfDue(message, now);
  }
}

/** Abandoned and released messages go back in sequence order, so receivers keep seeing the oldest first. */
function insertSorted(list: number[], value: number): void {
  let low = 0;
  let high = list.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if ((list[mid] ?? 0) < value) low = mid + 1;
    else high = mid;
  }
  if (list[low] !== value) list.splice(low, 0, value);
}

export function ttlOf(fields: AmqpFields, options: ResolvedOptions): number {
  const ttl = typeof fields.ttl === 'number' && fields.ttl > 0 ? fields.ttl : undefined;
  if (ttl === undefined) return options.defaultTtlMs ?? Number.POSITIVE_INFINITY;
  return Math.min(ttl, options.defaultTtlMs ?? ttl);
}
