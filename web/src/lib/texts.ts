import type { components } from '../api/schema.js';
import { clockTime } from './time.js';

type Notification = components['schemas']['Notification'];
type TextKind = Notification['kind'];

const kindLabels: Readonly<Record<TextKind, string>> = {
  'table-ready': 'Table ready',
  'getting-close': 'Getting close',
  're-page': 'Re-page',
  'join-code': 'Join code',
};

export function textKindLabel(kind: TextKind): string {
  return kindLabels[kind];
}

/** How a text went, in three outcomes a host acts on: on its way, arrived, or did not arrive. */
export type TextOutcome = 'on-its-way' | 'delivered' | 'failed';

export function textOutcome(text: Pick<Notification, 'status'>): TextOutcome {
  if (text.status === 'delivered') return 'delivered';
  if (text.status === 'failed') return 'failed';
  return 'on-its-way';
}

/**
 * The text's status in words, with the time of its latest step in the restaurant's time zone:
 * "Delivered 7:42 PM", "Sent 7:41 PM, not delivered yet", "Failed 7:43 PM: number unreachable".
 */
export function textStatusText(text: Notification, timeZone: string, locale?: string): string {
  const at = (iso: string | null): string => (iso === null ? '' : ` ${clockTime(iso, timeZone, locale)}`);
  switch (text.status) {
    case 'delivered':
      return `Delivered${at(text.deliveredAt)}`;
    case 'failed':
      return `Failed${at(text.failedAt)}: ${text.lastError ?? 'no reason given'}`;
    case 'sent':
      return `Sent${at(text.sentAt)}, not delivered yet`;
    case 'sending':
      return 'Sending';
    case 'pending':
    case 'enqueued':
      return text.attempts > 0 ? `Queued, retrying (${text.attempts} attempts so far)` : 'Queued to send';
  }
}

/** The latest text sent to a party, the one its row reports; null before the first. */
export function latestText(texts: readonly Notification[]): Notification | null {
  return texts.reduce<Notification | null>((latest, text) => (latest === null || text.createdAt > latest.createdAt ? text : latest), null);
}

/** Whether the party has been paged again since it was first told its table is ready. */
export function wasRepaged(texts: readonly Pick<Notification, 'kind'>[]): boolean {
  return texts.some((text) => text.kind === 're-page');
}
