import { lazy, Suspense, type ReactNode } from 'react';
import type { ScreenDefinition, ScreenProps } from '../app/screens.js';

const RestaurantDetails = lazy(() => import('./RestaurantDetails.js'));
const RestaurantImages = lazy(() => import('./RestaurantImages.js'));

function RestaurantScreen({ restaurant }: ScreenProps): ReactNode {
  return (
    <section className="owner" aria-labelledby="restaurant-title">
      <h1 id="restaurant-title" tabIndex={-1}>
        Restaurant
      </h1>
      <Suspense fallback={<p role="status">Loading…</p>}>
        <RestaurantDetails key={restaurant.id} restaurant={restaurant} />
        <RestaurantImages key={`${restaurant.id}-images`} restaurantId={restaurant.id} />
      </Suspense>
    </section>
  );
}

export const screen: ScreenDefinition = {
  path: 'restaurant',
  label: 'Restaurant',
  scope: 'restaurant',
  ownerOnly: true,
  order: 30,
  Component: RestaurantScreen,
};
