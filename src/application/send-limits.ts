import type { Notification } from '../domain/notification.js';
import { secondsUntilNextDay, textLimitReached, utcDayOf } from '../domain/send-limits.js';
import { setTimeout as sleep } from 'node:timers/promises';
import { conflictPolicies, writeConditionally } from './conditional-write.js';
import { recordSendLimitHit } from './metrics.js';
import { VersionConflict, type Admissions, type CapScope } from './ports.js';
import type { Versioned } from '../domain/model.js';
import type { Services } from './services.js';

/**
 * The daily text counts (docs/api.md, Text limits): per phone number across restaurants, and per
 * restaurant. Each is a counter document per UTC day holding the ids of the texts it counted, written
 * under its ETag (`contended`), so parallel requests and consumers in any process are serialised on
 * it and exactly the limit get through. Counting an id is idempotent: the API counts a text when it
 * writes it and the consumer again before sending, and the second finds it already there. The day
 * is the text's `createdAt` day, so both count it in the same document. Unlike a cap on a set
 * (admissions.ts), nothing leaves a day's count: a text sent is sent.
 *
 * The API holds a place before it writes the party's move and leaves it held: the consumer's own
 * count before it sends (same id) turns it into counted, so the request writes each counter once.
 * A write the store refuses gives its places back: of 20 parallel notifies of one party, 19 lose the
 * party's write and give theirs back, so while places are only held, a full count is "busy, try
 * again" (until the consumer counts them or they are given back), not a refusal.
 */

type CounterServices = Pick<Services, 'admissions' | 'now' | 'config'>;

interface Counter {
  readonly scope: CapScope;
  readonly limit: number;
  readonly refusal: string;
}

type Text = Pick<Notification, 'id' | 'to' | 'restaurantId' | 'createdAt'>;

/** An entry's ticket: held by a request that has not stored its text yet, or counted for good. */
const held = 'held';
const counted = 'counted';

/** Longer than any request takes between holding and confirming; a place held longer (a crash) counts for good. */
const holdLifetimeMs = 60_000;
/** How long a request waits for held places to be confirmed or given back before it takes a full count as final. */
const busyRetries = 40;
const busyWaitMs = 50;

function countersOf(s: Pick<Services, 'config'>, text: Pick<Text, 'to' | 'restaurantId' | 'createdAt'>): Counter[] {
  const day = utcDayOf(text.createdAt);
  const { perNumberPerDay, perRestaurantPerDay } = s.config.sms.limits;
  // A text whose number was removed (retention) is sent to no one, so no number's day counts it.
  const perNumber: Counter[] =
    text.to === null
      ? []
      : [
          {
            scope: { kind: 'texts-to-number', number: text.to, day },
            limit: perNumberPerDay,
            refusal: `This phone number already got ${perNumberPerDay} texts today (the most one number is sent in a day, across restaurants).`,
          },
        ];
  return [
    ...perNumber,
    {
      scope: { kind: 'texts-of-restaurant', restaurantId: text.restaurantId, day },
      limit: perRestaurantPerDay,
      refusal: `This restaurant already sent ${perRestaurantPerDay} texts today, its daily limit (SMS_LIMIT_PER_RESTAURANT_PER_DAY).`,
    },
  ];
}

/**
 * Counts the text in its number's and its restaurant's day, or throws `text-limit-reached` and
 * counts it nowhere. `hold`: the API's count before its write, given back by uncountText if the
 * write is refused; the consumer counts for good (`final`), which also counts a held place for good.
 */
export async function countText(s: CounterServices, text: Text, mode: 'hold' | 'final' = 'final'): Promise<void> {
  // Only the places this call added are given back on a refusal: a place the API held stays its own.
  const added: CapScope[] = [];
  try {
    for (const counter of countersOf(s, text)) {
      if (await count(s, counter, text.id, mode === 'hold' ? held : counted)) added.push(counter.scope);
    }
  } catch (error) {
    await Promise.all(added.map((scope) => uncount(s, scope, text.id)));
    throw error;
  }
}

/** Takes a text back out of its counts: its write was refused, so it will never be sent. */
export async function uncountText(s: CounterServices, text: Text): Promise<void> {
  await Promise.all(countersOf(s, text).map((counter) => uncount(s, counter.scope, text.id)));
}

/** A counter this process has never seen: tried as a create (a 409 reads it), since most numbers' days start with this text. */
const nothingCounted: Versioned<Admissions> = { value: { pending: [] }, etag: '' };

/**
 * Counts the id in one counter (a held place of the same id is counted for good); whether its place
 * is new. The first write goes under the version this process last saw, without a read; a stale one
 * loses (412) and is read again. Only a refusal is decided on it, as nothing leaves a day's count;
 * a busy count seen there is read again at once.
 */
async function count(s: CounterServices, counter: Counter, id: string, ticket: string): Promise<boolean> {
  let first: Versioned<Admissions> | undefined = s.admissions.lastSeen(counter.scope) ?? nothingCounted;
  for (let attempt = 0; ; attempt++) {
    const seen = { busy: false, added: false, read: false };
    const outcome = await writeConditionally({
      ...(first === undefined ? {} : { first }),
      read: () => {
        seen.read = true;
        return s.admissions.get(counter.scope);
      },
      change: (current) => {
        const mine = current.pending.find((entry) => entry.id === id);
        if (mine !== undefined) return mine.ticket === held && ticket === counted ? confirmed(current, id) : null;
        const now = s.now();
        const final = current.pending.filter((entry) => entry.ticket !== held || now.getTime() - Date.parse(entry.at) > holdLifetimeMs);
        if (final.length >= counter.limit || (current.pending.length >= counter.limit && attempt >= busyRetries)) {
          const refusal = textLimitReached(
            counter.scope.kind === 'texts-to-number' ? 'number' : 'restaurant',
            counter.limit,
            secondsUntilNextDay(now),
            counter.refusal,
          );
          recordSendLimitHit(refusal);
          throw refusal;
        }
        seen.busy = current.pending.length >= counter.limit;
        seen.added = !seen.busy;
        return seen.busy ? null : { ...current, pending: [...current.pending, { id, ticket, at: now.toISOString() }] };
      },
      write: (next, etag) => s.admissions.save(counter.scope, next, etag),
      policy: conflictPolicies.contended,
    });
    if (outcome.kind === 'lost') throw new VersionConflict(`texts of ${counter.scope.kind}`);
    if (!seen.busy) return seen.added;
    if (seen.read) await sleep(busyWaitMs);
    first = undefined;
  }
}

/** The counter with the text's held place counted for good. */
const confirmed = (current: Admissions, id: string): Admissions => ({
  ...current,
  pending: current.pending.map((entry) => (entry.id === id ? { ...entry, ticket: counted } : entry)),
});

/** Gives back a held place; many requests do so at once on a busy count, so this retries as `contended`. */
async function uncount(s: CounterServices, scope: CapScope, id: string): Promise<void> {
  await writeConditionally({
    read: () => s.admissions.get(scope),
    change: (current) =>
      current.pending.some((e) => e.id === id) ? { ...current, pending: current.pending.filter((e) => e.id !== id) } : null,
    write: (next, etag) => s.admissions.save(scope, next, etag),
    policy: conflictPolicies.contended,
  });
}
