import { useQueryClient } from '@tanstack/react-query';
import { lazy, Suspense, useEffect, type ReactNode } from 'react';
import { queryKeys } from '../api/queries.js';
import type { ScreenDefinition, ScreenProps } from '../app/screens.js';

const RestaurantDetails = lazy(() => import('./RestaurantDetails.js'));
const RestaurantImages = lazy(() => import('./RestaurantImages.js'));

function RestaurantScreen({ restaurant }: ScreenProps): ReactNode {
  const queryClient = useQueryClient();
  // The shell has held the restaurant since it opened; others change it meanwhile (an owner added
  // on another device changes its owners, and so its ETag). Read afresh so the first save is not a 412.
  useEffect(() => {
    void queryClient.invalidateQueries({ queryKey: queryKeys.restaurant(restaurant.id), exact: true });
  }, [queryClient, restaurant.id]);
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
