import { useQuery, useQueryClient, type QueryClient, type UseQueryResult } from '@tanstack/react-query';
import { useApi } from './context.js';
import { ApiProblem, unwrap } from './errors.js';
import { linePollMs, readLine, type Line } from './line.js';
import type { components } from './schema.js';

type Schemas = components['schemas'];

/** Query keys, one place: a mutation invalidates with these (e.g. `queryKeys.line(r, w)` after a move). */
export const queryKeys = {
  me: ['me'] as const,
  myInvitations: ['me', 'invitations'] as const,
  restaurants: ['restaurants'] as const,
  restaurant: (restaurantId: string) => ['restaurants', restaurantId] as const,
  waitlists: (restaurantId: string) => ['restaurants', restaurantId, 'waitlists'] as const,
  waitlist: (restaurantId: string, waitlistId: string) => ['restaurants', restaurantId, 'waitlists', waitlistId] as const,
  line: (restaurantId: string, waitlistId: string) => ['restaurants', restaurantId, 'waitlists', waitlistId, 'line'] as const,
  texts: (restaurantId: string, waitlistId: string, waiteeId: string) =>
    ['restaurants', restaurantId, 'waitlists', waitlistId, 'waitees', waiteeId, 'texts'] as const,
};

export { linePollMs, type Line, type LinePage } from './line.js';

export function useRestaurants(): UseQueryResult<Schemas['Restaurant'][]> {
  const api = useApi();
  return useQuery({
    queryKey: queryKeys.restaurants,
    queryFn: async ({ signal }) => unwrap(await api.GET('/v1/restaurants', { signal })).items,
  });
}

/** Invitations to join a restaurant's staff, addressed to the signed-in account's email. */
export function useMyInvitations(): UseQueryResult<Schemas['MyInvitation'][]> {
  const api = useApi();
  return useQuery({
    queryKey: queryKeys.myInvitations,
    queryFn: async ({ signal }) => unwrap(await api.GET('/v1/me/invitations', { signal })).items,
  });
}

export function useRestaurant(restaurantId: string): UseQueryResult<Schemas['Restaurant']> {
  const api = useApi();
  return useQuery({
    queryKey: queryKeys.restaurant(restaurantId),
    queryFn: async ({ signal }) => unwrap(await api.GET('/v1/restaurants/{restaurantId}', { params: { path: { restaurantId } }, signal })),
  });
}

export function useWaitlists(restaurantId: string | null): UseQueryResult<Schemas['Waitlist'][]> {
  const api = useApi();
  return useQuery({
    queryKey: queryKeys.waitlists(restaurantId ?? ''),
    enabled: restaurantId !== null,
    queryFn: async ({ signal }) =>
      unwrap(await api.GET('/v1/restaurants/{restaurantId}/waitlists', { params: { path: { restaurantId: restaurantId ?? '' } }, signal }))
        .items,
  });
}

/** The member view of a waitlist (settings included); a summary answer means the host is not staff there. */
export function useWaitlist(restaurantId: string, waitlistId: string | null): UseQueryResult<Schemas['Waitlist']> {
  const api = useApi();
  return useQuery({
    queryKey: queryKeys.waitlist(restaurantId, waitlistId ?? ''),
    enabled: waitlistId !== null,
    queryFn: async ({ signal }) => {
      if (waitlistId === null) throw new Error('no waitlist');
      const waitlist = unwrap(
        await api.GET('/v1/restaurants/{restaurantId}/waitlists/{waitlistId}', { params: { path: { restaurantId, waitlistId } }, signal }),
      );
      if (!('defaultWaitMinutes' in waitlist)) throw new ApiProblem(404, undefined);
      return waitlist;
    },
  });
}

/**
 * The live line: read every linePollMs, also while the API is unreachable (networkMode `always`),
 * because the next successful read is what tells the app the connection is back.
 */
export function useLine(restaurantId: string, waitlistId: string | null): UseQueryResult<Line> {
  const api = useApi();
  const queryClient = useQueryClient();
  const key = queryKeys.line(restaurantId, waitlistId ?? '');
  return useQuery({
    queryKey: key,
    enabled: waitlistId !== null,
    queryFn: ({ signal }) => readLine(api, { restaurantId, waitlistId: waitlistId ?? '' }, queryClient.getQueryData<Line>(key), signal),
    refetchInterval: linePollMs,
    networkMode: 'always',
    retry: false,
  });
}

/** After a change to the line made here: read it again now rather than at the next poll. */
export function refreshLine(queryClient: QueryClient, restaurantId: string, waitlistId: string): Promise<void> {
  return queryClient.invalidateQueries({ queryKey: queryKeys.line(restaurantId, waitlistId) });
}
