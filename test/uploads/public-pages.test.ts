import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { joinByCode, joinLinkOf } from '../guest/support.js';
import { Api, newVenue, useLocalStack } from '../support/stack.js';
import { blobRequest, confirm, phonePhoto, smallPng, upload, type Images } from './support.js';

const stack = useLocalStack();
const api = () => new Api(stack().apiUrl);

describe('pictures on the public pages', () => {
  it('adds the logo and cover to the join summary and the status JSON only once there are some, with read URLs that serve them', async () => {
    const venue = await newVenue(api());
    const code = await joinLinkOf(venue);
    expect((await api().get(`/v1/join/${code}`)).body).not.toHaveProperty('images');
    const party = await joinByCode(stack(), api(), code, '+14155557001');
    const statusPath = new URL(party.statusUrl).pathname.replace(/^\/api/, '');
    expect((await api().get(statusPath, { accept: 'application/json' })).body).not.toHaveProperty('images');

    for (const [kind, bytes, contentType] of [
      ['logo', await smallPng(512, 512), 'image/png'],
      ['cover', await phonePhoto(3), 'image/jpeg'],
    ] as const) {
      const { ticket } = await upload(venue.owner.api, venue.restaurantId, kind, { bytes, contentType });
      expect((await confirm(venue.owner.api, venue.restaurantId, ticket.id)).status).toBe(200);
    }

    const summary = await api().get<{ images?: Images }>(`/v1/join/${code}`);
    const status = await api().get<{ images?: Images }>(statusPath, { accept: 'application/json' });
    expect(summary.body.images?.logo?.sources).toHaveLength(2);
    // One read URL per file for hours: every page and poll names the same URLs, so the phone's cache serves them.
    expect(status.body.images).toEqual(summary.body.images);

    const logo = summary.body.images?.logo?.sources[1];
    const cover = summary.body.images?.cover?.sources[0];
    if (logo === undefined || cover === undefined) throw new Error('no logo or cover');
    const [logoFile, coverFile] = await Promise.all([blobRequest('GET', logo.url), blobRequest('GET', cover.url)]);
    expect([logoFile.status, coverFile.status]).toEqual([200, 200]);
    const page = await api().get<string>(statusPath, { accept: 'text/html' });
    const small = summary.body.images?.logo?.sources[0];
    expect(page.body).toContain(`<img src="${(small?.url ?? 'missing').replaceAll('&', '&amp;')}"`);
    expect(page.headers.get('content-security-policy')).toMatch(/; img-src https:$/);
    const jsonBytes = gzipSync(JSON.stringify(status.body)).length;
    const htmlBytes = gzipSync(page.body).length;
    console.log(
      `status page: HTML ${htmlBytes} B gzipped, status JSON ${jsonBytes} B gzipped, logo ${logo.width}w ${logoFile.body.length} B, cover ${cover.width}w ${coverFile.body.length} B`,
    );
    expect(logoFile.body.length + coverFile.body.length).toBeLessThan(200_000);
  });
});
