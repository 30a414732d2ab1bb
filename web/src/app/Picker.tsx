import { useState, type ReactNode } from 'react';
import { useRestaurants, useWaitlists } from '../api/queries.js';
import { describeError } from './describe-error.js';
import { loadLastChoice, saveLastChoice } from './last-choice.js';
import { navigate, paths } from './router.js';
import { Invitations } from './Invitations.js';
import { TopBar } from './TopBar.js';

/** Which restaurant and waitlist this device runs; the choice is remembered for the next sign-in. */
export function Picker(): ReactNode {
  const restaurants = useRestaurants();
  const [chosen, setChosen] = useState<string | null>(loadLastChoice()?.restaurantId ?? null);
  const list = restaurants.data ?? [];
  const restaurantId = list.length === 1 ? (list[0]?.id ?? null) : list.some((r) => r.id === chosen) ? chosen : null;
  const waitlists = useWaitlists(restaurantId);
  const restaurant = list.find((r) => r.id === restaurantId);

  const open = (waitlistId: string): void => {
    if (restaurantId === null) return;
    saveLastChoice({ restaurantId, waitlistId });
    navigate(paths.line(restaurantId, waitlistId));
  };

  return (
    <>
      <TopBar />
      <main className="page" id="main">
        <h1 tabIndex={-1}>Choose a waitlist</h1>
        {restaurants.isPending ? <p role="status">Loading your restaurants…</p> : null}
        {restaurants.isError ? (
          <p className="message message--error" role="alert">
            {describeError(restaurants.error, 'restaurant')}
          </p>
        ) : null}
        <Invitations />
        {restaurants.isSuccess && list.length === 0 ? (
          <p>You are not a member of any restaurant yet. Ask an owner to invite this email address, then join here.</p>
        ) : null}
        {list.length > 1 ? (
          <section aria-labelledby="restaurants-title">
            <h2 id="restaurants-title">Restaurant</h2>
            <ul className="choices">
              {list.map((r) => (
                <li key={r.id}>
                  <button
                    type="button"
                    className="button choice"
                    aria-pressed={r.id === restaurantId}
                    onClick={() => {
                      setChosen(r.id);
                    }}
                  >
                    {r.name} <span className="choice__meta">{r.myRole === 'owner' ? 'owner' : 'staff'}</span>
                  </button>
                </li>
              ))}
            </ul>
          </section>
        ) : null}
        {restaurant === undefined ? null : (
          <section aria-labelledby="waitlists-title">
            <h2 id="waitlists-title">Waitlists at {restaurant.name}</h2>
            {waitlists.isPending ? <p role="status">Loading waitlists…</p> : null}
            {waitlists.isError ? (
              <p className="message message--error" role="alert">
                {describeError(waitlists.error, 'waitlist')}
              </p>
            ) : null}
            {waitlists.isSuccess && waitlists.data.length === 0 ? <p>This restaurant has no waitlist yet.</p> : null}
            <ul className="choices">
              {waitlists.data?.map((w) => (
                <li key={w.id}>
                  <button
                    type="button"
                    className="button choice"
                    onClick={() => {
                      open(w.id);
                    }}
                  >
                    {w.name}{' '}
                    <span className="choice__meta">
                      {w.open ? 'open' : 'closed'} · {w.partiesInLine} in line
                    </span>
                  </button>
                </li>
              ))}
            </ul>
          </section>
        )}
      </main>
    </>
  );
}
