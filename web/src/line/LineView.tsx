import { useEffect, useState, type ReactNode } from 'react';
import { useLine } from '../api/queries.js';
import { describeError } from '../app/describe-error.js';
import { WalkInForm } from '../app/extensions.js';
import type { Restaurant, Waitlist } from '../app/screens.js';
import { LineViewRow } from './LineViewRow.js';

/** The clock the rows measure waits against; a minute display needs no finer tick. */
function useNow(tickMs: number): Date {
  const [now, setNow] = useState(() => new Date());
  useEffect(() => {
    const timer = setInterval(() => {
      setNow(new Date());
    }, tickMs);
    return () => {
      clearInterval(timer);
    };
  }, [tickMs]);
  return now;
}

/** The live line, first in line first; it polls (useLine) so changes from other devices show within seconds. */
export function LineView({ restaurant, waitlist }: { restaurant: Restaurant; waitlist: Waitlist }): ReactNode {
  const line = useLine(restaurant.id, waitlist.id);
  const now = useNow(15_000);
  const parties = line.data?.parties ?? [];
  return (
    <section className="line" aria-labelledby="line-title">
      <div className="line__head">
        <h1 id="line-title" tabIndex={-1}>
          Line
        </h1>
        <p className="line__summary" aria-live="polite">
          {line.data === undefined ? '' : parties.length === 1 ? '1 party in line' : `${parties.length} parties in line`}
          {waitlist.open ? '' : ' · closed to new customers'}
        </p>
      </div>
      {WalkInForm === null ? null : <WalkInForm restaurant={restaurant} waitlist={waitlist} />}
      {line.isPending ? <p role="status">Loading the line…</p> : null}
      {line.isError && line.data === undefined ? (
        <p className="message message--error" role="alert">
          {describeError(line.error, 'line')}
        </p>
      ) : null}
      {line.isSuccess && parties.length === 0 ? <p className="line__empty">Nobody is waiting.</p> : null}
      {parties.length === 0 ? null : (
        <ol className="parties" aria-label="Parties in line">
          {parties.map((party) => (
            <LineViewRow key={party.id} party={party} line={parties} restaurant={restaurant} waitlist={waitlist} now={now} />
          ))}
        </ol>
      )}
    </section>
  );
}
