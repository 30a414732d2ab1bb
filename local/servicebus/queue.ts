import { randomUUID } from 'node:crypto';

/** Per-queue settings; the defaults are the ones Azure applies to a new queue (duplicate detection aside). */
export interface QueueOptions {
  name: string;
  /** Deliveries before a message is dead-lettered with `MaxDeliveryCountExceeded`. Default 10. */
  maxDeliveryCount?: number;
  /** Peek-lock duration. Default 60000. */
  lockDurationMs?: number;
  /** Window in which a repeated `messageId` is accepted and dropped. Default 600000; 0 turns it off. */
  duplicateDetectionWindowMs?: number;
  /** Dead-letter expired messages (reason `TTLExpiredException`) instead of dropping them. */
  deadLetterOnExpiration?: boolean;
  /** Time to live for messages that set none (and the cap for those that set a longer one). */
  defaultTtlMs?: number;
}

export type SubQueue = 'active' | 'deadLetter';
export type MessageState = 'active' | 'scheduled' | 'deferred';
export type ReceiveMode = 'peekLock' | 'receiveAndDelete';

/** A message as the client sent it: the decoded AMQP message (rhea's field names), never mutated. */
export type AmqpFields = Readonly<Record<string, unknown>>;

export interface StoredMessage {
  readonly sequenceNumber: number;
  readonly fields: AmqpFields;
  readonly messageId: string;
  /** Application properties after broker edits (propertiesToModify, dead-letter reason). */
  applicationProperties: Record<string, unknown>;
  enqueuedTimeUtc: number;
  /** Failed deliveries so far: what the AMQP header carries and the JS SDK shows as deliveryCount. */
  deliveryCount: number;
  state: MessageState;
  scheduledEnqueueTimeUtc?: number;
  expiresAtUtc?: number;
  /** Sequence number in the queue the message was dead-lettered from. */
  enqueuedSequenceNumber?: number;
  lock?: Lock;
  timer?: NodeJS.Timeout;
}

export interface Lock {
  /** Canonical (RFC 4122 byte order) lock token. */
  readonly token: string;
  lockedUntilUtc: number;
}

export type SettleResult = 'ok' | 'lock-lost' | 'not-allowed';

export interface QueueStats {
  /** Active messages, locked ones included (Azure's ActiveMessageCount). */
  active: number;
  locked: number;
  scheduled: number;
  deferred: number;
  deadLettered: number;
}

interface ResolvedOptions {
  readonly name: string;
  readonly maxDeliveryCount: number;
  readonly lockDurationMs: number;
  readonly duplicateDetectionWindowMs: number;
  readonly deadLetterOnExpiration: boolean;
  readonly defaultTtlMs: number | undefined;
}

// setTimeout fires at once for delays above 2^31-1 ms; longer waits are re-armed in steps.
const maxTimerDelayMs = 2 ** 31 - 1;

const scheduledEnqueueTimeKey = 'x-opt-scheduled-enqueue-time';

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
      if (mode === 'receiveAndDelete') {
        this.messages.delete(sequenceNumber);
      } else {
        this.lock(message);
      }
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
    if (mode === 'receiveAndDelete') {
      this.messages.delete(sequenceNumber);
    } else {
      this.lock(message);
    }
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

  private lock(message: StoredMessage): void {
    const lock: Lock = { token: randomUUID(), lockedUntilUtc: this.queue.now() + this.queue.options.lockDurationMs };
    message.lock = lock;
    this.locks.set(lock.token, message);
    this.armLockTimer(message, lock);
  }

  private armLockTimer(message: StoredMessage, lock: Lock): void {
    clearTimeout(message.timer);
    message.timer = setTimeout(
      () => {
        if (message.lock !== lock) return;
        const remaining = lock.lockedUntilUtc - this.queue.now();
        if (remaining > 0) {
          this.armLockTimer(message, lock);
          return;
        }
        this.unlock(lock.token);
        this.countFailedDelivery(message);
      },
      Math.min(Math.max(lock.lockedUntilUtc - this.queue.now(), 0), maxTimerDelayMs),
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
    const list = this.available;
    let low = 0;
    let high = list.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if ((list[mid] ?? 0) < message.sequenceNumber) low = mid + 1;
      else high = mid;
    }
    if (list[low] !== message.sequenceNumber) list.splice(low, 0, message.sequenceNumber);
    this.listener?.();
  }

  private armSchedule(message: StoredMessage): void {
    const due = message.scheduledEnqueueTimeUtc ?? 0;
    message.timer = setTimeout(
      () => {
        if (due > this.queue.now()) {
          this.armSchedule(message);
          return;
        }
        message.timer = undefined;
        message.state = 'active';
        message.enqueuedTimeUtc = this.queue.now();
        if (message.expiresAtUtc !== undefined) message.expiresAtUtc = message.enqueuedTimeUtc + ttlOf(message.fields, this.queue.options);
        this.makeAvailable(message);
      },
      Math.min(Math.max(due - this.queue.now(), 0), maxTimerDelayMs),
    );
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

function ttlOf(fields: AmqpFields, options: ResolvedOptions): number {
  const ttl = typeof fields.ttl === 'number' && fields.ttl > 0 ? fields.ttl : undefined;
  if (ttl === undefined) return options.defaultTtlMs ?? Number.POSITIVE_INFINITY;
  return Math.min(ttl, options.defaultTtlMs ?? ttl);
}

function timeOf(value: unknown): number | undefined {
  if (value instanceof Date) return value.getTime();
  if (typeof value === 'number') return value;
  return undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !Buffer.isBuffer(value);
}

/** The duplicate-detection key: message ids may be strings, numbers, uuids or binary. */
function messageIdKey(id: unknown): string | undefined {
  if (typeof id === 'string') return id;
  if (typeof id === 'number') return `#${id}`;
  if (Buffer.isBuffer(id)) return `0x${id.toString('hex')}`;
  return undefined;
}

export interface EnqueueResult {
  readonly sequenceNumber: number;
  /** The message repeated a `messageId` inside the duplicate-detection window and was dropped. */
  readonly duplicate: boolean;
}

export class Queue {
  readonly options: ResolvedOptions;
  readonly activeStore: Store;
  readonly deadLetterStore: Store;
  /** messageId key → when first accepted and its sequence number; Map order is acceptance order. */
  private readonly seen = new Map<string, { at: number; sequenceNumber: number }>();

  constructor(
    options: QueueOptions,
    readonly log: (line: string) => void,
    readonly now: () => number = Date.now,
  ) {
    this.options = {
      name: options.name,
      maxDeliveryCount: options.maxDeliveryCount ?? 10,
      lockDurationMs: options.lockDurationMs ?? 60_000,
      duplicateDetectionWindowMs: options.duplicateDetectionWindowMs ?? 600_000,
      deadLetterOnExpiration: options.deadLetterOnExpiration ?? false,
      defaultTtlMs: options.defaultTtlMs,
    };
    this.activeStore = new Store(this, 'active');
    this.deadLetterStore = new Store(this, 'deadLetter');
  }

  store(subQueue: SubQueue): Store {
    return subQueue === 'active' ? this.activeStore : this.deadLetterStore;
  }

  /**
   * Accepts a message sent by a client. A message carrying `x-opt-scheduled-enqueue-time` in the
   * future waits as scheduled; its sequence number is assigned now, as Service Bus does.
   */
  enqueue(fields: AmqpFields): EnqueueResult {
    const now = this.now();
    const messageId = messageIdKey(fields.message_id);
    const window = this.options.duplicateDetectionWindowMs;
    if (window > 0 && messageId !== undefined) {
      for (const [key, entry] of this.seen) {
        if (entry.at + window > now) break;
        this.seen.delete(key);
      }
      const previous = this.seen.get(messageId);
      if (previous) return { sequenceNumber: previous.sequenceNumber, duplicate: true };
    }
    const annotations = isRecord(fields.message_annotations) ? fields.message_annotations : {};
    const scheduledAt = timeOf(annotations[scheduledEnqueueTimeKey]);
    const scheduled = scheduledAt !== undefined && scheduledAt > now;
    const enqueuedTimeUtc = scheduled ? scheduledAt : now;
    const ttl = ttlOf(fields, this.options);
    const message = this.activeStore.add({
      fields,
      messageId: messageId ?? randomUUID().replaceAll('-', ''),
      applicationProperties: isRecord(fields.application_properties) ? { ...fields.application_properties } : {},
      enqueuedTimeUtc,
      deliveryCount: 0,
      state: scheduled ? 'scheduled' : 'active',
      ...(scheduledAt === undefined ? {} : { scheduledEnqueueTimeUtc: scheduledAt }),
      ...(Number.isFinite(ttl) ? { expiresAtUtc: enqueuedTimeUtc + ttl } : {}),
    });
    if (window > 0 && messageId !== undefined) this.seen.set(messageId, { at: now, sequenceNumber: message.sequenceNumber });
    return { sequenceNumber: message.sequenceNumber, duplicate: false };
  }

  stats(): QueueStats {
    const active = this.activeStore.count();
    const deadLetter = this.deadLetterStore.count();
    return {
      active: active.active,
      locked: active.locked,
      scheduled: active.scheduled,
      deferred: active.deferred,
      deadLettered: deadLetter.active + deadLetter.deferred,
    };
  }

  close(): void {
    this.activeStore.close();
    this.deadLetterStore.close();
  }
}
