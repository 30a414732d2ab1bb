import type { ApiClient } from './client.js';
import { unwrap } from './errors.js';
import type { components } from './schema.js';

type Schemas = components['schemas'];

/** How often the line is read: a change from another device shows within this plus one round trip. */
export const linePollMs = 2_500;

/** One page of the line as last read, with the ETag to send back in If-None-Match. */
export interface LinePage {
  readonly items: readonly Schemas['Waitee'][];
  readonly continuationToken: string | null;
  readonly etag: string | null;
}

export interface Line {
  readonly pages: readonly LinePage[];
  /** The parties in line (waiting or notified), first in line first. */
  readonly parties: readonly Schemas['Waitee'][];
}

const pageSize = 100;

/**
 * Reads the current line page by page. Each page goes with the ETag it last had (If-None-Match): an
 * unchanged page is a 304 and its cached copy is kept, so an unchanged line costs no transfer.
 */
export async function readLine(
  api: ApiClient,
  ids: { readonly restaurantId: string; readonly waitlistId: string },
  previous: Line | undefined,
  signal?: AbortSignal,
): Promise<Line> {
  const pages: LinePage[] = [];
  let continuationToken: string | undefined;
  do {
    const cached = previous?.pages[pages.length];
    // A cached page answers for this request only if it was read from the same continuation token.
    const sameStart = pages.length === 0 || previous?.pages[pages.length - 1]?.continuationToken === continuationToken;
    const etag = sameStart && cached !== undefined ? cached.etag : null;
    const result = await api.GET('/v1/restaurants/{restaurantId}/waitlists/{waitlistId}/waitees', {
      params: {
        path: ids,
        query: { status: ['waiting', 'notified'], limit: pageSize, ...(continuationToken === undefined ? {} : { continuationToken }) },
      },
      headers: etag === null ? {} : { 'if-none-match': etag },
      ...(signal === undefined ? {} : { signal }),
    });
    const page: LinePage =
      result.response.status === 304 && etag !== null && cached !== undefined
        ? cached
        : { ...unwrap(result), etag: result.response.headers.get('etag') };
    pages.push(page);
    continuationToken = page.continuationToken ?? undefined;
  } while (continuationToken !== undefined);
  const parties = pages.flatMap((page) => page.items).sort((a, b) => (a.position ?? Infinity) - (b.position ?? Infinity));
  return { pages, parties };
}
