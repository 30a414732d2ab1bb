import { keepPreviousData, useQuery, type UseQueryResult } from '@tanstack/react-query';
import type { ApiClient } from '../api/client.js';
import { useApi } from '../api/context.js';
import { unwrap } from '../api/errors.js';
import { queryKeys } from '../api/queries.js';
import type { Analytics, DateRange } from './shape.js';

/**
 * The figures of one waitlist, or of the whole restaurant when `waitlistId` is null. While another
 * range loads, the last one stays on screen (flagged isPlaceholderData) rather than a blank page.
 */
export function useAnalytics(restaurantId: string, waitlistId: string | null, range: DateRange | null): UseQueryResult<Analytics> {
  const api = useApi();
  return useQuery({
    queryKey: [...queryKeys.restaurant(restaurantId), 'analytics', waitlistId ?? 'all', range?.from, range?.to],
    enabled: range !== null,
    placeholderData: keepPreviousData,
    queryFn: async ({ signal }) => {
      const query = { from: range?.from ?? '', to: range?.to ?? '' };
      if (waitlistId === null)
        return unwrap(await api.GET('/v1/restaurants/{restaurantId}/analytics', { params: { path: { restaurantId }, query }, signal }));
      return unwrap(
        await api.GET('/v1/restaurants/{restaurantId}/waitlists/{waitlistId}/analytics', {
          params: { path: { restaurantId, waitlistId }, query },
          signal,
        }),
      );
    },
  });
}

/**
 * Saves the parties of a range as CSV. The export needs the session's bearer token, which a plain
 * link cannot carry: the file is fetched through the API client and handed to the browser as a Blob.
 */
export async function downloadPartiesCsv(api: ApiClient, restaurantId: string, range: DateRange): Promise<string> {
  const blob = unwrap(
    await api.GET('/v1/restaurants/{restaurantId}/parties.csv', {
      params: { path: { restaurantId }, query: { from: range.from, to: range.to } },
      parseAs: 'blob',
    }),
  );
  // The server's Content-Disposition names it the same way; a cross-origin API need not expose that header.
  const fileName = `parties-${range.from}-${range.to}.csv`;
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  link.click();
  // The click has handed the file to the browser's download by the next task.
  setTimeout(() => {
    URL.revokeObjectURL(url);
  }, 0);
  return fileName;
}
