import { describe, expect, it } from 'vitest';
import { createApiClient } from '../../../web/src/api/client.js';
import { readLine, type Line } from '../../../web/src/api/line.js';
import type { components } from '../../../web/src/api/schema.js';
import { party } from './party.js';

type Waitee = components['schemas']['Waitee'];

const ids = { restaurantId: 'r1', waitlistId: 'w1' };

const partyAt = (id: string, position: number): Waitee => party({ ...ids, id, name: id, phone: null, position, etag: `"${id}"` });

/** A line server with quoted ETags per page and 304 on If-None-Match, as RFC 9110 has it. */
function lineServer(pages: { items: Waitee[]; etag: string }[]) {
  const requests: Request[] = [];
  const send = (request: Request): Promise<Response> => {
    requests.push(request);
    const url = new URL(request.url);
    const index = Number(url.searchParams.get('continuationToken') ?? '0');
    const page = pages[index];
    if (page === undefined) return Promise.resolve(new Response('{}', { status: 400 }));
    if (request.headers.get('if-none-match') === page.etag)
      return Promise.resolve(new Response(null, { status: 304, headers: { etag: page.etag } }));
    const continuationToken = index + 1 < pages.length ? String(index + 1) : null;
    return Promise.resolve(
      new Response(JSON.stringify({ items: page.items, continuationToken }), {
        status: 200,
        headers: { 'content-type': 'application/json', etag: page.etag },
      }),
    );
  };
  return { send, requests };
}

describe('polling the line', () => {
  it('asks for the current line only, then sends each page its ETag and keeps the cached page on 304', async () => {
    const server = lineServer([
      { items: [partyAt('b', 2), partyAt('a', 1)], etag: '"p0-v1"' },
      { items: [partyAt('c', 3)], etag: '"p1-v1"' },
    ]);
    const api = createApiClient({ apiBaseUrl: 'http://api.test/api' }, server.send);
    const first = await readLine(api, ids, undefined);
    expect(first.parties.map((p) => p.id)).toEqual(['a', 'b', 'c']);
    expect(new URL(server.requests[0]?.url ?? '').searchParams.getAll('status')).toEqual(['waiting', 'notified']);
    expect(server.requests.map((r) => r.headers.get('if-none-match'))).toEqual([null, null]);

    const second: Line = await readLine(api, ids, first);
    expect(server.requests.slice(2).map((r) => r.headers.get('if-none-match'))).toEqual(['"p0-v1"', '"p1-v1"']);
    expect(second.pages[0]).toBe(first.pages[0]);
    expect(second.pages[1]).toBe(first.pages[1]);
    expect(second.parties).toEqual(first.parties);
  });

  it('takes a changed page when its ETag no longer matches', async () => {
    const pages = [{ items: [partyAt('a', 1)], etag: '"v1"' }];
    const server = lineServer(pages);
    const api = createApiClient({ apiBaseUrl: 'http://api.test/api' }, server.send);
    const first = await readLine(api, ids, undefined);
    pages[0] = { items: [partyAt('a', 1), partyAt('d', 2)], etag: '"v2"' };
    const second = await readLine(api, ids, first);
    expect(second.parties.map((p) => p.id)).toEqual(['a', 'd']);
    expect(second.pages[0]?.etag).toBe('"v2"');
  });
});
