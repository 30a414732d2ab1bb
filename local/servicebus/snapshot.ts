import { isRecord } from './codec.js';
import type { Store } from './store.js';

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

function bodyText(body: unknown): string {
  if (Buffer.isBuffer(body)) return body.toString('utf8');
  if (isRecord(body) && body.typecode === 0x75) {
    const content = body.content;
    const parts = Array.isArray(content) ? content : [content];
    return parts.map((part) => (Buffer.isBuffer(part) ? part.toString('utf8') : '')).join('');
  }
  return body === undefined ? '' : JSON.stringify(body);
}

export function snapshot(store: Store): MessageSnapshot[] {
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
