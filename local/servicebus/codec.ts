import rhea from 'rhea';
import type { AmqpFields, StoredMessage } from './queue.js';

/** message-format of a Service Bus batch: one envelope whose data sections are encoded messages. */
const batchMessageFormat = 0x80013700;

const maxUint32 = 0xffff_ffff;
const stateCodes = { active: 0, deferred: 1, scheduled: 2 } as const;

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !Buffer.isBuffer(value) && !(value instanceof Date);
}

/** rhea decodes a run of data sections into `{ typecode: 0x75, content, multiple }`. */
function dataSections(body: unknown): Buffer[] {
  if (!isRecord(body) || body.typecode !== 0x75) return [];
  const content = body.content;
  if (Buffer.isBuffer(content)) return [content];
  if (Array.isArray(content)) return content.filter((part): part is Buffer => Buffer.isBuffer(part));
  return [];
}

/**
 * The messages carried by one transfer. rhea decodes plain messages itself (format 0) and hands
 * other formats over as bytes; a batch envelope holds each message as an encoded data section.
 */
export function messagesOfTransfer(message: unknown, format: number | undefined): AmqpFields[] {
  if (!format) return isRecord(message) ? [{ ...message }] : [];
  if (format !== batchMessageFormat || !Buffer.isBuffer(message)) return [];
  return dataSections(rhea.message.decode(message).body).map((part) => ({ ...rhea.message.decode(part) }));
}

/** The AMQP encoding of a stored message as the broker hands it out: header and annotations stamped. */
export function encodeStored(message: StoredMessage, lockedUntilUtc: number | undefined): Buffer {
  const annotations: Record<string, unknown> = isRecord(message.fields.message_annotations)
    ? { ...message.fields.message_annotations }
    : {};
  annotations['x-opt-sequence-number'] = rhea.types.wrap_long(message.sequenceNumber);
  annotations['x-opt-enqueued-time'] = rhea.types.wrap_timestamp(message.enqueuedTimeUtc);
  annotations['x-opt-message-state'] = rhea.types.wrap_int(stateCodes[message.state]);
  if (lockedUntilUtc !== undefined) annotations['x-opt-locked-until'] = rhea.types.wrap_timestamp(lockedUntilUtc);
  if (message.enqueuedSequenceNumber !== undefined) {
    annotations['x-opt-enqueue-sequence-number'] = rhea.types.wrap_long(message.enqueuedSequenceNumber);
  }
  // The effective time to live, as the real service reports it: the message's own, capped by the
  // queue's default, or that default when the message set none.
  const ttl = message.expiresAtUtc === undefined ? message.fields.ttl : Math.min(message.expiresAtUtc - message.enqueuedTimeUtc, maxUint32);
  const applicationProperties = Object.keys(message.applicationProperties).length > 0 ? message.applicationProperties : undefined;
  return rhea.message.encode({
    ...message.fields,
    // Delivery annotations are per hop; the sender's are not the receiver's.
    delivery_annotations: undefined,
    message_id: message.fields.message_id ?? message.messageId,
    ttl,
    delivery_count: message.deliveryCount,
    message_annotations: annotations,
    application_properties: applicationProperties,
  });
}

/**
 * The 16-byte delivery tag for a lock token. The SDK reads the tag as a .NET Guid (first three
 * groups little-endian) but sends lock tokens back as RFC 4122 uuids, so the tag is the uuid with
 * those groups byte-swapped. The swap is its own inverse.
 */
export function lockTokenTag(token: string): Buffer {
  const b = Buffer.from(rhea.string_to_uuid(token));
  return Buffer.from([b[3] ?? 0, b[2] ?? 0, b[1] ?? 0, b[0] ?? 0, b[5] ?? 0, b[4] ?? 0, b[7] ?? 0, b[6] ?? 0, ...b.subarray(8)]);
}

export function uuidBytes(token: string): Buffer {
  return Buffer.from(rhea.string_to_uuid(token));
}

/** A lock token as it arrives in a $management request (an AMQP uuid: 16 bytes). */
export function tokenOfUuid(value: unknown): string | undefined {
  return Buffer.isBuffer(value) && value.length === 16 ? rhea.uuid_to_string(value) : undefined;
}

/** AMQP longs decode to numbers, or to 8 bytes when beyond 2^53. */
export function longToNumber(value: unknown): number | undefined {
  if (typeof value === 'number') return value;
  if (Buffer.isBuffer(value) && value.length === 8) return Number(value.readBigInt64BE(0));
  return undefined;
}
