import { exitOf, recordInHourHistory, recordSeating } from '../domain/estimate.js';
import type { Versioned, Waitee, Waitlist } from '../domain/model.js';
import { conflictPolicies, writeConditionally } from './conditional-write.js';
import type { Services } from './services.js';

/**
 * Adds a party that has just left the line (seated, cancelled or no-show) to the waitlist's history,
 * which quotes are made from: the line moves for parties that give up too. It is counted twice: in
 * the recent exits, and in its weekday×hour of past weeks, which quotes blend with. One write on the waitlist
 * already read (the waitlist lives in another container than its parties, so it cannot share their
 * batch); losing every race leaves the history as it was.
 */
export async function recordExitOn(s: Pick<Services, 'restaurants'>, waitlist: Versioned<Waitlist>, party: Waitee): Promise<Waitlist> {
  const exit = exitOf(party);
  const outcome = await writeConditionally({
    first: waitlist,
    read: () => s.restaurants.waitlist(waitlist.value.restaurantId, waitlist.value.id),
    change: (current) => ({
      ...current,
      recentSeatings: recordSeating(current.recentSeatings, exit),
      hourHistory: recordInHourHistory(current.hourHistory ?? {}, exit, current.recentSeatings),
    }),
    write: (next, etag) => s.restaurants.replaceWaitlist(next, etag),
    policy: conflictPolicies.contended,
  });
  return outcome.kind === 'written' ? outcome.result.value : waitlist.value;
}
