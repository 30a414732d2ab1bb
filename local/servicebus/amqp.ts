/**
 * Typed access to the few rhea internals a broker needs and rhea's typings leave out (they were
 * written for clients). Each accessor checks the shape at runtime, so a rhea upgrade that moves
 * them fails loudly in the emulator's tests instead of misbehaving.
 */
import rhea from 'rhea';
import type { AmqpError, Delivery, EventContext, Sender, link as Link } from 'rhea';
import { isRecord } from './codec.js';

interface AttachFields {
  snd_settle_mode?: number;
  rcv_settle_mode?: number;
}

interface LinkInternals {
  local: { attach: AttachFields };
}

interface SenderInternals extends LinkInternals {
  credit: number;
  session: { outgoing: { next_pending_delivery: number; available(): number } };
}

interface DeliveryInternals {
  id: number;
  remote_settled: boolean;
}

type OutcomeFactory = Record<OutcomeKind, (fields: Record<string, unknown>) => { described(): unknown }>;

function fail(what: string): never {
  throw new Error(`rhea internals changed: ${what}`);
}

function linkInternals(link: Link): LinkInternals {
  const value: unknown = link;
  if (!isRecord(value) || !isRecord(value.local) || !isRecord(value.local.attach)) fail('link.local.attach');
  return value as unknown as LinkInternals;
}

function senderInternals(sender: Sender): SenderInternals {
  const value: unknown = sender;
  if (!isRecord(value) || typeof value.credit !== 'number' || !isRecord(value.session) || !isRecord(value.session.outgoing)) {
    fail('sender.credit / sender.session.outgoing');
  }
  const outgoing = value.session.outgoing;
  if (typeof outgoing.next_pending_delivery !== 'number' || typeof outgoing.available !== 'function') fail('session.outgoing');
  return value as unknown as SenderInternals;
}

function deliveryInternals(delivery: Delivery): DeliveryInternals {
  const value: unknown = delivery;
  if (!isRecord(value) || typeof value.id !== 'number') fail('delivery.id');
  return value as unknown as DeliveryInternals;
}

/** Our end of a link answers with the settle modes the peer asked for. */
export function setSettleModes(link: Link, sndSettleMode: number | undefined, rcvSettleMode: number | undefined): void {
  const attach = linkInternals(link).local.attach;
  if (sndSettleMode !== undefined) attach.snd_settle_mode = sndSettleMode;
  if (rcvSettleMode !== undefined) attach.rcv_settle_mode = rcvSettleMode;
}

/**
 * Drops from `pending` the deliveries rhea has written to the wire. rhea queues a send and writes
 * it on the next tick; until then it counts against neither the link's credit nor anything else.
 */
export function dropWritten(sender: Sender, pending: Delivery[]): void {
  const written = senderInternals(sender).session.outgoing.next_pending_delivery;
  for (let i = pending.length - 1; i >= 0; i--) {
    const delivery = pending[i];
    if (!delivery || deliveryInternals(delivery).id < written) pending.splice(i, 1);
  }
}

/**
 * Credit the peer granted that is not yet spoken for: rhea only debits credit when it writes a
 * transfer, so deliveries queued since are subtracted. Also bounded by the session buffer.
 */
export function unusedCredit(sender: Sender, pending: Delivery[]): number {
  dropWritten(sender, pending);
  const internals = senderInternals(sender);
  return Math.min(internals.credit - pending.length, internals.session.outgoing.available());
}

/**
 * In receiver-settle-mode "second" the peer never settles after we do, so rhea would keep the
 * delivery in its session buffer for good; once we have settled, the delivery is finished.
 */
export function forgetDelivery(delivery: Delivery): void {
  deliveryInternals(delivery).remote_settled = true;
}

/** An outcome as rhea encodes it in a disposition, e.g. the final state we settle a delivery with. */
export function outcome(
  kind: OutcomeKind,
  fields: { error?: AmqpError; delivery_failed?: boolean; undeliverable_here?: boolean } = {},
): unknown {
  const factory: unknown = rhea.message;
  if (!isRecord(factory) || typeof factory[kind] !== 'function') fail(`message.${kind}`);
  return (factory as unknown as OutcomeFactory)[kind](fields).described();
}

/** rhea passes the message-format of non-standard transfers (batches) next to the raw bytes. */
export function transferFormat(context: EventContext): number | undefined {
  const value: unknown = context;
  return isRecord(value) && typeof value.format === 'number' ? value.format : undefined;
}

export type OutcomeKind = 'accepted' | 'rejected' | 'released' | 'modified';

/**
 * Which outcome a peer chose. Read from the decoded outcome rather than the event name, because
 * rhea also announces a `modified` outcome as `released`.
 */
export function outcomeKind(state: unknown): OutcomeKind | undefined {
  if (!isRecord(state)) return undefined;
  const constructor: unknown = state.constructor;
  const kind = typeof constructor === 'function' && 'composite_type' in constructor ? constructor.composite_type : undefined;
  return kind === 'accepted' || kind === 'rejected' || kind === 'released' || kind === 'modified' ? kind : undefined;
}
