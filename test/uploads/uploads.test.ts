import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { uploadLimits } from '../../src/domain/images.js';
import { expectProblem } from '../support/problems.js';
import { addMember, Api, newUser, newVenue, useLocalStack, type TestUser, type Venue } from '../support/stack.js';
import { blobRequest, confirm, phonePhoto, smallPng, upload } from './support.js';

const stack = useLocalStack();
const api = () => new Api(stack().apiUrl);
const pendingExists = async (restaurantId: string, uploadId: string) =>
  (await (await stack().services.blobs()).properties(`pending/${restaurantId}/${uploadId}`)) !== null;

let venue: Venue;
let other: Venue;
let staff: TestUser;

beforeAll(async () => {
  venue = await newVenue(api());
  other = await newVenue(api());
  staff = await newUser(api());
  await addMember(venue.owner, venue.restaurantId, staff, 'staff');
});

describe('an upload, straight to Blob storage and confirmed through the API', () => {
  it('turns a logo into WebP sizes readable through their read URLs, deletes the upload, and confirming twice changes nothing', async () => {
    const png = await smallPng(400, 300);
    const { ticket, put } = await upload(venue.owner.api, venue.restaurantId, 'logo', { bytes: png, contentType: 'image/png' });
    expect(put.status).toBe(201);
    expect(ticket.requestHeaders).toEqual({ 'x-ms-blob-type': 'BlockBlob', 'content-type': 'image/png' });

    const confirmed = await confirm(venue.owner.api, venue.restaurantId, ticket.id);
    expect(confirmed.status, JSON.stringify(confirmed.body)).toBe(200);
    const logo = confirmed.body.logo;
    expect(logo?.id).toBe(ticket.id);
    expect(logo?.sources.map((s) => [s.width, s.height])).toEqual([
      [96, 72],
      [192, 144],
    ]);
    for (const source of logo?.sources ?? []) {
      const read = await blobRequest('GET', source.url);
      expect(read.status).toBe(200);
      expect(read.headers['content-type']).toBe('image/webp');
      expect(read.headers['cache-control']).toBe('public, max-age=31536000, immutable');
      expect((await sharp(read.body).metadata()).width).toBe(source.width);
    }
    expect(await pendingExists(venue.restaurantId, ticket.id)).toBe(false);

    const again = await confirm(venue.owner.api, venue.restaurantId, ticket.id);
    expect(again.status).toBe(200);
    expect(again.body).toEqual(confirmed.body);
    const listed = await venue.owner.api.get(`/v1/restaurants/${venue.restaurantId}/images`);
    expect(listed.body).toEqual(confirmed.body);
  });

  it('strips a photo of its EXIF (GPS position included) and keeps a 3 MB cover within seconds', async () => {
    const photo = await phonePhoto(3.1);
    expect((await sharp(photo).metadata()).exif).toBeDefined();
    const started = performance.now();
    const { ticket, put } = await upload(venue.owner.api, venue.restaurantId, 'cover', { bytes: photo, contentType: 'image/jpeg' });
    expect(put.status).toBe(201);
    const confirmed = await confirm(venue.owner.api, venue.restaurantId, ticket.id);
    const elapsedMs = performance.now() - started;
    expect(confirmed.status, JSON.stringify(confirmed.body)).toBe(200);
    console.log(`upload to confirmed for a ${(photo.length / 1024 / 1024).toFixed(1)} MB photo: ${Math.round(elapsedMs)} ms`);
    const sources = confirmed.body.cover?.sources ?? [];
    expect(sources.map((s) => s.width)).toEqual([640, 1280]);
    for (const source of sources) {
      const read = await blobRequest('GET', source.url);
      const metadata = await sharp(read.body).metadata();
      expect(metadata.format).toBe('webp');
      expect(metadata.exif).toBeUndefined();
    }
  });

  it('replacing the logo deletes the old files, and removing it leaves none', async () => {
    const first = await upload(venue.owner.api, venue.restaurantId, 'logo', { bytes: await smallPng(300, 300), contentType: 'image/png' });
    const before = (await confirm(venue.owner.api, venue.restaurantId, first.ticket.id)).body.logo?.sources ?? [];
    const second = await upload(venue.owner.api, venue.restaurantId, 'logo', { bytes: await smallPng(500, 250), contentType: 'image/png' });
    const replaced = await confirm(venue.owner.api, venue.restaurantId, second.ticket.id);
    expect(replaced.body.logo?.id).toBe(second.ticket.id);
    for (const source of before) expect((await blobRequest('GET', source.url)).status).toBe(404);

    const after = replaced.body.logo?.sources ?? [];
    const removed = await venue.owner.api.delete(`/v1/restaurants/${venue.restaurantId}/images/${second.ticket.id}`);
    expect(removed.status).toBe(200);
    expect(removed.body).not.toHaveProperty('logo');
    for (const source of after) expect((await blobRequest('GET', source.url)).status).toBe(404);
    expectProblem(await venue.owner.api.delete(`/v1/restaurants/${venue.restaurantId}/images/${second.ticket.id}`), 404, 'not-found');
  });

  it('keeps a PDF menu as it is, with a read URL', async () => {
    const pdf = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n');
    const { ticket } = await upload(venue.owner.api, venue.restaurantId, 'menu', { bytes: pdf, contentType: 'application/pdf' });
    const confirmed = await confirm(venue.owner.api, venue.restaurantId, ticket.id);
    expect(confirmed.status, JSON.stringify(confirmed.body)).toBe(200);
    const menu = confirmed.body.menu;
    if (menu?.kind !== 'pdf') throw new Error(`expected a PDF menu: ${JSON.stringify(menu)}`);
    const read = await blobRequest('GET', menu.url);
    expect(read.headers['content-type']).toBe('application/pdf');
    expect(read.body.equals(pdf)).toBe(true);
  });
});

describe('what the upload URL allows: one create of one blob, for a few minutes', () => {
  it('refuses a second PUT, a read, another blob name and an expired URL', async () => {
    const png = await smallPng();
    const { ticket, put } = await upload(venue.owner.api, venue.restaurantId, 'logo', { bytes: png, contentType: 'image/png' });
    expect(put.status).toBe(201);
    expect((await blobRequest('PUT', ticket.uploadUrl, png, ticket.requestHeaders)).status).toBe(403);
    expect((await blobRequest('GET', ticket.uploadUrl)).status).toBe(403);
    const elsewhere = ticket.uploadUrl.replace(ticket.id, `${ticket.id}x`);
    expect((await blobRequest('PUT', elsewhere, png, ticket.requestHeaders)).status).toBe(403);

    const blobs = await stack().services.blobs();
    const expired = await blobs.uploadUrl(`pending/${venue.restaurantId}/logo-expired`, new Date(Date.now() - 1000));
    expect((await blobRequest('PUT', expired, png, ticket.requestHeaders)).status).toBe(403);
    expect(await pendingExists(venue.restaurantId, 'logo-expired')).toBe(false);
  });
});

describe('what arrived is checked on confirm; a refused file is deleted at once', () => {
  const executable = Buffer.concat([Buffer.from('MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff', 'latin1'), Buffer.alloc(4096, 0x41)]);
  const svg = Buffer.from('<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>');
  const pdf = Buffer.from('%PDF-1.7\n%%EOF\n');
  const cases = [
    { name: 'an executable named logo.png', bytes: executable, reason: 'type-not-allowed', detail: /PNG, JPEG or WebP/ },
    { name: 'an SVG', bytes: svg, reason: 'svg', detail: /SVG is not accepted because it can carry script/ },
    { name: 'a PDF posing as an image', bytes: pdf, reason: 'type-not-allowed', detail: /this file is application\/pdf/ },
  ];

  it.each(cases)('refuses $name', async ({ bytes, reason, detail }) => {
    const { ticket, put } = await upload(venue.owner.api, venue.restaurantId, 'logo', { bytes, contentType: 'image/png' });
    expect(put.status).toBe(201);
    const problem = expectProblem(await confirm(venue.owner.api, venue.restaurantId, ticket.id), 400, 'validation-failed');
    expect(problem.reason).toBe(reason);
    expect(String(problem.detail)).toMatch(detail);
    expect(await pendingExists(venue.restaurantId, ticket.id)).toBe(false);
    expectProblem(await confirm(venue.owner.api, venue.restaurantId, ticket.id), 404, 'not-found');
  });

  it('refuses a file larger than it was declared and than the limit', async () => {
    const large = Buffer.concat([await smallPng(), Buffer.alloc(uploadLimits.imageBytes)]);
    const { ticket, put } = await upload(venue.owner.api, venue.restaurantId, 'logo', {
      bytes: large,
      contentType: 'image/png',
      declaredSize: 1000,
    });
    expect(put.status).toBe(201);
    const problem = expectProblem(await confirm(venue.owner.api, venue.restaurantId, ticket.id), 400, 'validation-failed');
    expect(problem.reason).toBe('too-large');
    expect(await pendingExists(venue.restaurantId, ticket.id)).toBe(false);
  });

  it('refuses, before any URL, a declared type or size the kind does not allow', async () => {
    const path = `/v1/restaurants/${venue.restaurantId}/uploads`;
    const svg = expectProblem(await venue.owner.api.post(path, { kind: 'logo', contentType: 'image/svg+xml', size: 100 }), 400);
    expect(svg.reason).toBe('type-not-allowed');
    const pdfLogo = expectProblem(await venue.owner.api.post(path, { kind: 'cover', contentType: 'application/pdf', size: 100 }), 400);
    expect(pdfLogo.reason).toBe('type-not-allowed');
    const large = expectProblem(
      await venue.owner.api.post(path, { kind: 'logo', contentType: 'image/jpeg', size: uploadLimits.imageBytes + 1 }),
      400,
    );
    expect(large.reason).toBe('too-large');
  });
});

describe('who may upload, and how many', () => {
  it("answers 404 for another restaurant's upload id, and for a restaurant the caller is not in", async () => {
    const { ticket } = await upload(venue.owner.api, venue.restaurantId, 'logo', { bytes: await smallPng(), contentType: 'image/png' });
    expectProblem(await confirm(other.owner.api, other.restaurantId, ticket.id), 404, 'not-found');
    expectProblem(await confirm(other.owner.api, venue.restaurantId, ticket.id), 404, 'not-found');
    expect(await pendingExists(venue.restaurantId, ticket.id)).toBe(true);
  });

  it('refuses staff who are not owners', async () => {
    const asked = await staff.api.post(`/v1/restaurants/${venue.restaurantId}/uploads`, {
      kind: 'logo',
      contentType: 'image/png',
      size: 100,
    });
    expectProblem(asked, 403, 'forbidden');
    const { ticket } = await upload(venue.owner.api, venue.restaurantId, 'logo', { bytes: await smallPng(), contentType: 'image/png' });
    expectProblem(await confirm(staff.api, venue.restaurantId, ticket.id), 403, 'forbidden');
    expect((await staff.api.get(`/v1/restaurants/${venue.restaurantId}/images`)).status).toBe(200);
  });

  it(`keeps at most ${uploadLimits.menuPages} menu pages (409) and ${uploadLimits.requestsPerHour} upload requests an hour (429)`, async () => {
    const owner = (await newVenue(api())).owner;
    const restaurantId = (await owner.api.get<{ items: { id: string }[] }>('/v1/restaurants')).body.items[0]?.id ?? '';
    const page = await smallPng(120, 160);
    for (let i = 0; i < uploadLimits.menuPages; i++) {
      const { ticket } = await upload(owner.api, restaurantId, 'menu', { bytes: page, contentType: 'image/png' });
      expect((await confirm(owner.api, restaurantId, ticket.id)).status).toBe(200);
    }
    const path = `/v1/restaurants/${restaurantId}/uploads`;
    const full = expectProblem(
      await owner.api.post(path, { kind: 'menu', contentType: 'image/png', size: page.length }),
      409,
      'limit-reached',
    );
    expect(String(full.detail)).toContain('remove one');
    // The refused request was not counted: only a request whose declaration passes uses up the hour.
    const left = uploadLimits.requestsPerHour - uploadLimits.menuPages;
    for (let i = 0; i < left; i++) {
      expect((await owner.api.post(path, { kind: 'logo', contentType: 'image/png', size: 100 })).status).toBe(201);
    }
    const refused = await owner.api.post(path, { kind: 'logo', contentType: 'image/png', size: 100 });
    expectProblem(refused, 429, 'too-many-attempts');
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
  });
});
