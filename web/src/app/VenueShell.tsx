import { useEffect, type ReactNode } from 'react';
import { useLine, useRestaurant, useWaitlist } from '../api/queries.js';
import { LineView } from '../line/LineView.js';
import { describeError } from './describe-error.js';
import { screens } from './extensions.js';
import { saveLastChoice } from './last-choice.js';
import { OfflineBanner } from './OfflineBanner.js';
import { Link, paths } from './router.js';
import { TopBar } from './TopBar.js';
import type { Restaurant, ScreenDefinition, Waitlist } from './screens.js';

export interface VenueRoute {
  readonly restaurantId: string;
  /** The waitlist of the line and the navigation; on a restaurant screen the one last run here, if any. */
  readonly waitlistId: string | null;
  readonly scope: 'line' | ScreenDefinition['scope'];
  /** The screen's path segment; null for the line. */
  readonly screen: string | null;
}

function visibleScreens(restaurant: Restaurant, scope: ScreenDefinition['scope']): ScreenDefinition[] {
  return screens.filter((s) => s.scope === scope && (s.ownerOnly !== true || restaurant.myRole === 'owner'));
}

function Navigation({ restaurant, waitlist, current }: { restaurant: Restaurant; waitlist: Waitlist; current: string | null }): ReactNode {
  return (
    <nav className="tabs" aria-label="Screens">
      <Link to={paths.line(restaurant.id, waitlist.id)} className="tab" current={current === null}>
        Line
      </Link>
      {visibleScreens(restaurant, 'waitlist').map((s) => (
        <Link key={s.path} to={paths.waitlistScreen(restaurant.id, waitlist.id, s.path)} className="tab" current={current === s.path}>
          {s.label}
        </Link>
      ))}
      {visibleScreens(restaurant, 'restaurant').map((s) => (
        <Link key={s.path} to={paths.restaurantScreen(restaurant.id, s.path)} className="tab" current={current === s.path}>
          {s.label}
        </Link>
      ))}
    </nav>
  );
}

function Content({ route, restaurant, waitlist }: { route: VenueRoute; restaurant: Restaurant; waitlist: Waitlist | null }): ReactNode {
  if (route.scope === 'line') return waitlist === null ? null : <LineView restaurant={restaurant} waitlist={waitlist} />;
  const screen = visibleScreens(restaurant, route.scope).find((s) => s.path === route.screen);
  if (screen === undefined)
    return (
      <p className="message message--error" role="alert">
        There is no such screen here{restaurant.myRole === 'owner' ? '' : ', or it is for owners only'}.
      </p>
    );
  return <screen.Component restaurant={restaurant} waitlist={route.scope === 'waitlist' ? waitlist : null} />;
}

/** The frame around a restaurant's screens: names, navigation, the offline banner, sign-out. */
export function VenueShell({ route }: { route: VenueRoute }): ReactNode {
  const restaurant = useRestaurant(route.restaurantId);
  const lastWaitlistId = route.waitlistId;
  const waitlist = useWaitlist(route.restaurantId, lastWaitlistId);
  // The line stays live on every screen: it is also what notices the connection coming back.
  const line = useLine(route.restaurantId, lastWaitlistId);
  useEffect(() => {
    if (lastWaitlistId !== null && waitlist.isSuccess) saveLastChoice({ restaurantId: route.restaurantId, waitlistId: lastWaitlistId });
  }, [route.restaurantId, lastWaitlistId, waitlist.isSuccess]);

  const needsWaitlist = route.scope !== 'restaurant';
  const failed = restaurant.error ?? (needsWaitlist ? waitlist.error : null);
  const ready = restaurant.data !== undefined && (!needsWaitlist || waitlist.data !== undefined);
  return (
    <>
      <TopBar
        restaurantName={restaurant.data?.name ?? 'Restaurant'}
        {...(waitlist.data === undefined ? {} : { waitlistName: waitlist.data.name })}
      />
      {restaurant.data !== undefined && waitlist.data !== undefined ? (
        <Navigation restaurant={restaurant.data} waitlist={waitlist.data} current={route.screen} />
      ) : null}
      <OfflineBanner dataUpdatedAt={lastWaitlistId === null ? null : line.dataUpdatedAt} />
      <main className="page" id="main">
        {failed !== null && !ready ? (
          <p className="message message--error" role="alert">
            {describeError(failed, needsWaitlist ? 'waitlist' : 'restaurant')} <Link to={paths.picker}>Choose another waitlist</Link>
          </p>
        ) : null}
        {ready ? (
          <Content route={route} restaurant={restaurant.data} waitlist={waitlist.data ?? null} />
        ) : failed === null ? (
          <p role="status">Loading…</p>
        ) : null}
      </main>
    </>
  );
}
