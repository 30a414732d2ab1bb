import type { ReactNode } from 'react';
import type { JoinSummary } from './join-api.js';

const parties = (n: number): string =>
  n === 0 ? 'No one is ahead of you' : n === 1 ? '1 party ahead of you' : `${n} parties ahead of you`;

/** The restaurant, whether its line is open, and how long it is; the logo's place is kept at the top. */
export function LineSummary({ summary }: { summary: JoinSummary }): ReactNode {
  return (
    <header className="join__summary">
      {/* The restaurant's logo goes here once the public summary carries images (another branch adds them). */}
      <div className="join__brand" aria-hidden="true" />
      <h1 tabIndex={-1}>{summary.restaurantName}</h1>
      <p className="join__waitlist">{summary.waitlistName}</p>
      <div role="status" className="join__line">
        {summary.open ? (
          <>
            <p className="join__open">The line is open</p>
            <p>
              {parties(summary.partiesAhead)} · about <strong>{summary.estimatedWaitMinutes} minutes</strong>
            </p>
          </>
        ) : (
          <p className="join__closed">The line is closed right now: no one can join it from here. The host stand can help.</p>
        )}
      </div>
    </header>
  );
}
