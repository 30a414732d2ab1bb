import type { Notification } from '../domain/notification.js';
import { secondsUntilNextDay, textLimitReached, utcDayOf } from '../domain/send-limits.js';
import { conflictPolicies, writeConditionally } from './conditional-write.js';
import { VersionConflict, type CapScope } from './ports.js';
import type { Services } from './services.js';

/**
 * The daily text counts (docs/api.md, Text limits): per phone number across restaurants, and per
 * restaurant. Each is a counter document per UTC day holding the ids of the texts it counted, written
 * under its ETag (`contended`), so parallel requests and consumers in any process are serialised on
 * it and exactly the limit get through. Counting an id is idempotent: the API counts a text when it
 * writes it and the consumer again before sending, and the second finds it already there. The day
 * is the text's `createdAt` day, so both count it in the same document. Unlike a cap on a set
 * (admissions.ts), nothing leaves a day's count: a text sent is sent.
 */

type CounterServices = Pick<Services, 'admissions' | 'now' | 'config'>;

interface Counter {
  readonly scope: CapScope;
  readonly limit: number;
  readonly refusal: string;
}

function countersOf(s: Pick<Services, 'config'>, text: Pick<Notification, 'to' | 'restaurantId' | 'createdAt'>): Counter[] {
  const day = utcDayOf(text.createdAt);
  const { perNumberPerDay, perRestaurantPerDay } = s.config.sms.limits;
  return [
    {
      scope: { kind: 'texts-to-number', number: text.to, day },
      limit: perNumberPerDay,
      refusal: `This phone number already got ${perNumberPerDay} texts today (the most one number is sent in a day, across restaurants).`,
    },
    {
      scope: { kind: 'texts-of-restaurant', restaurantId: text.restaurantId, day },
      limit: perRestaurantPerDay,
      refusal: `This restaurant already sent ${perRestaurantPerDay} texts today, its daily limit (SMS_LIMIT_PER_RESTAURANT_PER_DAY).`,
    },
  ];
}

/** Counts the text in its number's and its restaurant's day, or throws `text-limit-reached` and counts it nowhere. */
export async function countText(s: CounterServices, text: Pick<Notification, 'id' | 'to' | 'restaurantId' | 'createdAt'>): Promise<void> {
  const counted: CapScope[] = [];
  try {
    for (const counter of countersOf(s, text)) {
      await count(s, counter, text.id);
      counted.push(counter.scope);
    }
  } catch (error) {
    await Promise.all(counted.map((scope) => uncount(s, scope, text.id)));
    throw error;
  }
}

/** Takes a text back out of its counts: its write was refused, so it will never be sent. */
export async function uncountText(s: CounterServices, text: Pick<Notification, 'id' | 'to' | 'restaurantId' | 'createdAt'>): Promise<void> {
  await Promise.all(countersOf(s, text).map((counter) => uncount(s, counter.scope, text.id)));
}

async function count(s: CounterServices, counter: Counter, id: string): Promise<void> {
  const outcome = await writeConditionally({
    read: () => s.admissions.get(counter.scope),
    change: (current) => {
      if (current.pending.some((entry) => entry.id === id)) return null;
      if (current.pending.length >= counter.limit) {
        throw textLimitReached(
          counter.scope.kind === 'texts-to-number' ? 'number' : 'restaurant',
          counter.limit,
          secondsUntilNextDay(s.now()),
          counter.refusal,
        );
      }
      return { ...current, pending: [...current.pending, { id, ticket: id, at: s.now().toISOString() }] };
    },
    write: (next, etag) => s.admissions.save(counter.scope, next, etag),
    policy: conflictPolicies.contended,
  });
  if (outcome.kind === 'lost') throw new VersionConflict(`texts of ${counter.scope.kind}`);
}

async function uncount(s: CounterServices, scope: CapScope, id: string): Promise<void> {
  await writeConditionally({
    read: () => s.admissions.get(scope),
    change: (current) =>
      current.pending.some((entry) => entry.id === id) ? { ...current, pending: current.pending.filter((entry) => entry.id !== id) } : null,
    write: (next, etag) => s.admissions.save(scope, next, etag),
    policy: conflictPolicies.background,
  }).catch(() => undefined);
}
