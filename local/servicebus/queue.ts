import { randomUUID } from 'node:crypto';
import { isRecord } from './codec.js';
import { Store, ttlOf } from './store.js';

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

/** How the real service words each settlement failure, in a disposition's error and in a $management response alike. */
export const settleFailures: Record<Exclude<SettleResult, 'ok'>, { readonly condition: string; readonly description: string }> = {
  'lock-lost': {
    condition: 'com.microsoft:message-lock-lost',
    description: 'The lock supplied is invalid. Either the lock expired, or the message has already been removed from the queue.',
  },
  'not-allowed': { condition: 'amqp:not-allowed', description: 'A message in a dead-letter queue cannot be dead-lettered.' },
};

export interface QueueStats {
  /** Active messages, locked ones included (Azure's ActiveMessageCount). */
  active: number;
  locked: number;
  scheduled: number;
  deferred: number;
  deadLettered: number;
}

export interface ResolvedOptions {
  readonly name: string;
  readonly maxDeliveryCount: number;
  readonly lockDurationMs: number;
  readonly duplicateDetectionWindowMs: number;
  readonly deadLetterOnExpiration: boolean;
  readonly defaultTtlMs: number | undefined;
}

const scheduledEnqueueTimeKey = 'x-opt-scheduled-enqueue-time';

function timeOf(value: unknown): number | undefined {
  if (value instanceof Date) return value.getTime();
  if (typeof value === 'number') return value;
  return undefined;
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

/** Duplicate detection by `messageId`: each id's first acceptance, forgotten once the window has passed. */
class DuplicateDetection {
  /** messageId key → when first accepted and its sequence number; Map order is acceptance order. */
  private readonly seen = new Map<string, { at: number; sequenceNumber: number }>();

  /** 0 turns detection off. */
  constructor(private readonly windowMs: number) {}

  /** The sequence number an earlier message with this id was accepted under, inside the window. */
  earlierAcceptance(messageId: string | undefined, now: number): number | undefined {
    if (this.windowMs <= 0 || messageId === undefined) return undefined;
    for (const [key, entry] of this.seen) {
      if (entry.at + this.windowMs > now) break;
      this.seen.delete(key);
    }
    return this.seen.get(messageId)?.sequenceNumber;
  }

  remember(messageId: string | undefined, now: number, sequenceNumber: number): void {
    if (this.windowMs > 0 && messageId !== undefined) this.seen.set(messageId, { at: now, sequenceNumber });
  }
}

/** A queue: its settings, duplicate detection, and its two stores (active and dead-letter). */
export class Queue {
  readonly options: ResolvedOptions;
  readonly activeStore: Store;
  readonly deadLetterStore: Store;
  private readonly duplicates: DuplicateDetection;

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
    this.duplicates = new DuplicateDetection(this.options.duplicateDetectionWindowMs);
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
    const earlier = this.duplicates.earlierAcceptance(messageId, now);
    if (earlier !== undefined) return { sequenceNumber: earlier, duplicate: true };
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
    this.duplicates.remember(messageId, now, message.sequenceNumber);
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
