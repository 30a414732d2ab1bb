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
 * The API holds a place before it writes the party's move and confirms it once the move is stored
 * (or gives it back): of 20 parallel notifies of one party, 19 lose the party's write and give their
 * places back, so while places are only held, a full count is "busy, try again", not a refusal.
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
 * The counter documents as a count wrote them (null where it found the text already counted), so
 * confirming starts from them instead of reading them again; a counter written since is re-read.
 */
export type CountedIn = readonly (Versioned<Admissions> | null)[];

/**
 * Counts the text in its number's and its restaurant's day, or throws `text-limit-reached` and
 * counts it nowhere. `hold`: the API's count before its write, confirmed by confirmText or given
 * back by uncountText; the consumer counts for good at once.
 */
export async function countText(s: CounterServices, text: Text, mode: 'hold' | 'final' = 'final'): Promise<CountedIn> {
  const done: CapScope[] = [];
  const written: (Versioned<Admissions> | null)[] = [];
  try {
    for (const counter of countersOf(s, text)) {
      written.push(await count(s, counter, text.id, mode === 'hold' ? held : counted));
      done.push(counter.scope);
    }
  } catch (error) {
    await Promise.all(done.map((scope) => uncount(s, scope, text.id)));
    throw error;
  }
  return written;
}

/** The text a request held places for is stored: its places count for good. */
export async function confirmText(s: CounterServices, text: Text, countedIn: CountedIn = []): Promise<void> {
  await Promise.all(countersOf(s, text).map((counter, i) => settle(s, counter.scope, text.id, 'confirm', countedIn[i] ?? undefined)));
}

/** Takes a text back out of its counts: its write was refused, so it will never be sent. */
export async function uncountText(s: CounterServices, text: Text): Promise<void> {
  await Promise.all(countersOf(s, text).map((counter) => uncount(s, counter.scope, text.id)));
}

async function count(s: CounterServices, counter: Counter, id: string, ticket: string): Promise<Versioned<Admissions> | null> {
  for (let attempt = 0; ; attempt++) {
    const seen = { busy: false };
    const outcome = await writeConditionally({
      read: () => s.admissions.get(counter.scope),
      change: (current) => {
        if (current.pending.some((entry) => entry.id === id)) return null;
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
        return seen.busy ? null : { ...current, pending: [...current.pending, { id, ticket, at: now.toISOString() }] };
      },
      write: (next, etag) => s.admissions.save(counter.scope, next, etag),
      policy: conflictPolicies.contended,
    });
    if (outcome.kind === 'lost') throw new VersionConflict(`texts of ${counter.scope.kind}`);
    if (!seen.busy) return outcome.kind === 'written' ? outcome.result : null;
    await sleep(busyWaitMs);
  }
}

async function uncount(s: CounterServices, scope: CapScope, id: string): Promise<void> {
  await settle(s, scope, id, 'give back');
}

/** Confirms or gives back a held place; many requests do so at once on a busy count, so this retries as `contended`. */
async function settle(
  s: CounterServices,
  scope: CapScope,
  id: string,
  how: 'confirm' | 'give back',
  first?: Versioned<Admissions>,
): Promise<void> {
  await writeConditionally({
    ...(first === undefined ? {} : { first }),
    read: () => s.admissions.get(scope),
    change: (current) => {
      const entry = current.pending.find((e) => e.id === id);
      if (entry === undefined || (how === 'confirm' && entry.ticket === counted)) return null;
      const others = current.pending.filter((e) => e.id !== id);
      return { ...current, pending: how === 'confirm' ? [...others, { ...entry, ticket: counted }] : others };
    },
    write: (next, etag) => s.admissions.save(scope, next, etag),
    policy: conflictPolicies.contended,
  });
}
