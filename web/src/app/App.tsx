import { useEffect, type ReactNode } from 'react';
import { useSessionState } from '../api/context.js';
import { SessionExpiredDialog } from '../auth/SessionExpiredDialog.js';
import { SignInPage } from '../auth/SignInPage.js';
import { loadLastChoice } from './last-choice.js';
import { Picker } from './Picker.js';
import { Link, navigate, paths, useRoute, type Route } from './router.js';
import { VenueShell, type VenueRoute } from './VenueShell.js';

/** Where a signed-in host lands: the line this device ran last, else the picker. */
function landing(): string {
  const last = loadLastChoice();
  return last === null ? paths.picker : paths.line(last.restaurantId, last.waitlistId);
}

function venueRoute(route: Route): VenueRoute | null {
  switch (route.name) {
    case 'line':
      return { restaurantId: route.restaurantId, waitlistId: route.waitlistId, scope: 'line', screen: null };
    case 'waitlist-screen':
      return { restaurantId: route.restaurantId, waitlistId: route.waitlistId, scope: 'waitlist', screen: route.screen };
    case 'restaurant-screen': {
      const last = loadLastChoice();
      const waitlistId = last?.restaurantId === route.restaurantId ? last.waitlistId : null;
      return { restaurantId: route.restaurantId, waitlistId, scope: 'restaurant', screen: route.screen };
    }
    default:
      return null;
  }
}

/** A new screen takes the focus to its heading, so keyboard and screen-reader users start at the top of it. */
function useFocusOnNavigation(route: Route): void {
  const key = JSON.stringify(route);
  useEffect(() => {
    const heading = document.querySelector<HTMLElement>('main h1');
    heading?.focus({ preventScroll: false });
  }, [key]);
}

export function App(): ReactNode {
  const session = useSessionState();
  const route = useRoute();
  useFocusOnNavigation(route);
  const home = route.name === 'home' || route.name === 'sign-in';

  useEffect(() => {
    if (session.status !== 'signed-out' && home) navigate(landing(), { replace: true });
  }, [session.status, home]);

  // Signed out, any address shows the sign-in page; once signed in, the effect above takes the host on.
  if (session.status === 'signed-out') return <SignInPage />;
  const venue = venueRoute(route);
  return (
    <>
      {venue !== null ? <VenueShell key={`${venue.restaurantId}/${venue.waitlistId ?? ''}`} route={venue} /> : null}
      {route.name === 'picker' ? <Picker /> : null}
      {route.name === 'not-found' ? (
        <main className="page" id="main">
          <h1 tabIndex={-1}>Page not found</h1>
          <p>
            There is nothing at this address. <Link to={landing()}>Go to your line</Link>
          </p>
        </main>
      ) : null}
      <SessionExpiredDialog />
    </>
  );
}
