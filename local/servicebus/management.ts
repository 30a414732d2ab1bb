/**
 * The `$management` request/response operations of a queue (or its dead-letter queue) that the
 * SDK uses: lock renewal, scheduling, peeking, deferred receive and settlement by lock token.
 * Sessions and rules are not supported.
 */
import { randomUUID } from 'node:crypto';
import rhea from 'rhea';
import { encodeStored, isRecord, longToNumber, tokenOfUuid, uuidBytes } from './codec.js';
import { settleFailures } from './queue.js';
import type { ReceiveMode, SettleResult } from './queue.js';
import type { Store } from './store.js';

export interface ManagementResponse {
  statusCode: number;
  statusDescription: string;
  errorCondition?: string;
  body?: unknown;
}

const ok = (body?: unknown): ManagementResponse => ({ statusCode: 200, statusDescription: 'OK', ...(body === undefined ? {} : { body }) });

const lockLost: ManagementResponse = {
  statusCode: 410,
  statusDescription: settleFailures['lock-lost'].description,
  errorCondition: settleFailures['lock-lost'].condition,
};

function badRequest(description: string): ManagementResponse {
  return { statusCode: 400, statusDescription: description, errorCondition: 'amqp:invalid-field' };
}

function notAllowed(description: string): ManagementResponse {
  return { statusCode: 400, statusDescription: description, errorCondition: 'amqp:not-allowed' };
}

function listOf(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

function tokensOf(body: Record<string, unknown>): string[] | undefined {
  const tokens = listOf(body['lock-tokens']).map(tokenOfUuid);
  return tokens.every((token): token is string => token !== undefined) && tokens.length > 0 ? tokens : undefined;
}

function sequenceNumbersOf(body: Record<string, unknown>): number[] | undefined {
  const numbers = listOf(body['sequence-numbers']).map(longToNumber);
  return numbers.every((n): n is number => n !== undefined) ? numbers : undefined;
}

function propertiesOf(value: unknown): Record<string, unknown> {
  return isRecord(value) ? value : {};
}

function stringOf(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

function settleAll(tokens: string[], settle: (token: string) => SettleResult): ManagementResponse {
  for (const token of tokens) {
    const result = settle(token);
    if (result === 'lock-lost') return lockLost;
    if (result === 'not-allowed') return notAllowed(settleFailures['not-allowed'].description);
  }
  return ok();
}

type Operation = (store: Store, body: Record<string, unknown>) => ManagementResponse;

function renewLocks(store: Store, body: Record<string, unknown>): ManagementResponse {
  const tokens = tokensOf(body);
  if (!tokens) return badRequest('lock-tokens missing');
  const expirations: Date[] = [];
  for (const token of tokens) {
    const until = store.renewLock(token);
    if (until === undefined) return lockLost;
    expirations.push(new Date(until));
  }
  return ok({ expirations });
}

function scheduleMessages(store: Store, body: Record<string, unknown>): ManagementResponse {
  if (store.subQueue !== 'active') return notAllowed('Cannot schedule into a dead-letter queue.');
  const sequenceNumbers: number[] = [];
  for (const entry of listOf(body.messages)) {
    const encoded = isRecord(entry) ? entry.message : undefined;
    if (!Buffer.isBuffer(encoded)) return badRequest('messages[].message must be binary');
    sequenceNumbers.push(store.queue.enqueue({ ...rhea.message.decode(encoded) }).sequenceNumber);
  }
  return ok({ 'sequence-numbers': rhea.types.wrap_array(sequenceNumbers, 0x81, undefined) });
}

function cancelScheduledMessages(store: Store, body: Record<string, unknown>): ManagementResponse {
  const sequenceNumbers = sequenceNumbersOf(body);
  if (!sequenceNumbers) return badRequest('sequence-numbers missing');
  for (const n of sequenceNumbers) store.cancelScheduled(n);
  return ok();
}

function peekMessages(store: Store, body: Record<string, unknown>): ManagementResponse {
  const from = longToNumber(body['from-sequence-number']) ?? 1;
  const count = typeof body['message-count'] === 'number' ? body['message-count'] : 1;
  // Sessions are not supported, so no message belongs to a session.
  const messages = body['session-id'] === undefined ? store.peek(from, count) : [];
  if (messages.length === 0) return { statusCode: 204, statusDescription: 'No messages' };
  return ok({ messages: messages.map((message) => ({ message: encodeStored(message, undefined) })) });
}

function receiveDeferredMessages(store: Store, body: Record<string, unknown>): ManagementResponse {
  const sequenceNumbers = sequenceNumbersOf(body);
  if (!sequenceNumbers) return badRequest('sequence-numbers missing');
  const mode: ReceiveMode = body['receiver-settle-mode'] === 0 ? 'receiveAndDelete' : 'peekLock';
  const messages: unknown[] = [];
  for (const n of sequenceNumbers) {
    const message = store.takeDeferred(n, mode);
    if (!message) {
      return { statusCode: 404, statusDescription: `Deferred message ${n} not found.`, errorCondition: 'com.microsoft:message-not-found' };
    }
    const token = message.lock?.token ?? randomUUID();
    messages.push({
      'lock-token': rhea.types.wrap_uuid(uuidBytes(token)),
      message: encodeStored(message, message.lock?.lockedUntilUtc),
    });
  }
  return ok({ messages });
}

/** Settlement by lock token, which the SDK uses when the receiver link the message came on is gone. */
function updateDisposition(store: Store, body: Record<string, unknown>): ManagementResponse {
  const tokens = tokensOf(body);
  if (!tokens) return badRequest('lock-tokens missing');
  const properties = propertiesOf(body['properties-to-modify']);
  switch (body['disposition-status']) {
    case 'completed':
      return settleAll(tokens, (token) => store.complete(token));
    case 'abandoned':
      return settleAll(tokens, (token) => store.abandon(token, properties));
    case 'defered':
      return settleAll(tokens, (token) => store.defer(token, properties));
    case 'suspended':
      return settleAll(tokens, (token) =>
        store.deadLetter(token, stringOf(body['deadletter-reason']), stringOf(body['deadletter-description']), properties),
      );
    default:
      return badRequest('unknown disposition-status');
  }
}

const operations = new Map<unknown, Operation>([
  ['com.microsoft:renew-lock', renewLocks],
  ['com.microsoft:schedule-message', scheduleMessages],
  ['com.microsoft:cancel-scheduled-message', cancelScheduledMessages],
  ['com.microsoft:peek-message', peekMessages],
  ['com.microsoft:receive-by-sequence-number', receiveDeferredMessages],
  ['com.microsoft:update-disposition', updateDisposition],
]);

export function handleManagement(store: Store, operation: unknown, requestBody: unknown): ManagementResponse {
  const perform = operations.get(operation);
  if (!perform) {
    return {
      statusCode: 501,
      statusDescription: `Operation ${String(operation)} is not supported by the emulator.`,
      errorCondition: 'amqp:not-implemented',
    };
  }
  return perform(store, isRecord(requestBody) ? requestBody : {});
}
