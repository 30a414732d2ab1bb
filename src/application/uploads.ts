import { createHash, randomUUID } from 'node:crypto';
import { DomainError, notFound } from '../domain/errors.js';
import {
  acceptedTypes,
  blobsOf,
  checkDeclaredUpload,
  containsUpload,
  derivedWidths,
  describeTypes,
  maxBytesOf,
  megabytes,
  uploadLimits,
  withoutImage,
  withUpload,
  type RestaurantImages,
  type StoredImage,
  type StoredPdf,
  type UploadKind,
  type UploadType,
} from '../domain/images.js';
import { admitToWindow } from '../domain/join.js';
import type { Restaurant } from '../domain/model.js';
import { memberWith, type Caller } from './access.js';
import { conflictPolicies, writeConditionally } from './conditional-write.js';
import { VersionConflict, type BlobStore } from './ports.js';
import type { Services } from './services.js';

/**
 * Restaurant pictures and menus (docs/api.md, Uploads). The file never passes through a function:
 * the client asks for an upload, PUTs the bytes to the create-only URL it gets, then confirms.
 * Confirming checks what really arrived (a SAS cannot limit size or type), re-encodes pictures
 * into the sizes the pages use and deletes the upload; a refused file is deleted at once.
 */
export type UploadServices = Pick<Services, 'restaurants' | 'rateCounters' | 'blobs' | 'imageCodec' | 'now'>;

export interface UploadRequest {
  readonly kind: UploadKind;
  readonly contentType: string;
  readonly size: number;
}

export interface UploadTicket {
  readonly id: string;
  readonly kind: UploadKind;
  readonly uploadUrl: string;
  readonly method: 'PUT';
  /** Send exactly these with the PUT (Blob storage needs the blob type; the content type is what the pages are served with). */
  readonly requestHeaders: Readonly<Record<string, string>>;
  readonly expiresAt: string;
  readonly maxBytes: number;
}

export interface ImageSourceView {
  readonly url: string;
  readonly width: number;
  readonly height: number;
}

export interface ImageView {
  readonly id: string;
  /** Smallest first: the widths of src/domain/images.ts derivedWidths, as an `srcset`. */
  readonly sources: readonly ImageSourceView[];
}

export type MenuView =
  | { readonly kind: 'images'; readonly pages: readonly ImageView[] }
  | { readonly kind: 'pdf'; readonly id: string; readonly url: string; readonly bytes: number };

export interface ImagesView {
  readonly logo?: ImageView;
  readonly cover?: ImageView;
  readonly menu?: MenuView;
}

const pendingBlob = (restaurantId: string, uploadId: string) => `pending/${restaurantId}/${uploadId}`;
const kindOfUpload = (uploadId: string): UploadKind => uploadId.split('-', 1)[0] as UploadKind;

export async function requestUpload(
  s: UploadServices,
  caller: Caller,
  restaurantId: string,
  request: UploadRequest,
): Promise<UploadTicket> {
  await memberWith(s, caller, restaurantId, 'manage-settings');
  const restaurant = await restaurantOf(s, restaurantId);
  const type = checkDeclaredUpload(request.kind, request.contentType, request.size, restaurant.images ?? {});
  await countUploadRequest(s, restaurantId);
  const id = `${request.kind}-${randomUUID()}`;
  const expiresAt = new Date(s.now().getTime() + uploadLimits.uploadUrlSeconds * 1000);
  const blobs = await s.blobs();
  return {
    id,
    kind: request.kind,
    uploadUrl: await blobs.uploadUrl(pendingBlob(restaurantId, id), expiresAt),
    method: 'PUT',
    requestHeaders: { 'x-ms-blob-type': 'BlockBlob', 'content-type': type },
    expiresAt: expiresAt.toISOString(),
    maxBytes: maxBytesOf(type),
  };
}

/** Checks and keeps an upload; confirming one already kept answers the same images and changes nothing. */
export async function confirmUpload(s: UploadServices, caller: Caller, restaurantId: string, uploadId: string): Promise<ImagesView> {
  await memberWith(s, caller, restaurantId, 'manage-settings');
  const restaurant = await restaurantOf(s, restaurantId);
  const blobs = await s.blobs();
  if (containsUpload(restaurant.images ?? {}, uploadId)) return imagesView(blobs, restaurant.images ?? {});
  const pending = pendingBlob(restaurantId, uploadId);
  const properties = await blobs.properties(pending);
  if (properties === null) {
    throw new DomainError(
      'not-found',
      'No upload with this id has arrived: send the file to its upload URL first (it works for 5 minutes).',
    );
  }
  const kind = kindOfUpload(uploadId);
  let stored: StoredImage | StoredPdf;
  try {
    stored = await checkedAndStored(s, blobs, { restaurantId, uploadId, kind, pending, bytes: properties.bytes });
  } catch (error) {
    if (error instanceof DomainError) await blobs.delete(pending);
    throw error;
  }
  const kept = await saveImages(s, restaurantId, (images) => (containsUpload(images, uploadId) ? null : withUpload(images, kind, stored)));
  await blobs.delete(pending);
  return imagesView(blobs, kept);
}

/** Removes a logo, the cover, the menu's PDF or one menu page, and the files behind it. */
export async function removeImage(s: UploadServices, caller: Caller, restaurantId: string, imageId: string): Promise<ImagesView> {
  await memberWith(s, caller, restaurantId, 'manage-settings');
  const kept = await saveImages(s, restaurantId, (images) => {
    const next = withoutImage(images, imageId);
    if (next === null) throw new DomainError('not-found', 'This restaurant has no image with that id.');
    return next;
  });
  return imagesView(await s.blobs(), kept);
}

export async function restaurantImages(s: UploadServices, caller: Caller, restaurantId: string): Promise<ImagesView> {
  await memberWith(s, caller, restaurantId, 'read');
  const restaurant = await restaurantOf(s, restaurantId);
  return imagesView(await s.blobs(), restaurant.images ?? {});
}

/** The pictures as the pages show them, through read-only URLs (cached by the store, so browsers cache the files). */
export async function imagesView(blobs: Pick<BlobStore, 'readUrl'>, images: RestaurantImages): Promise<ImagesView> {
  const image = async (stored: StoredImage): Promise<ImageView> => ({
    id: stored.id,
    sources: await Promise.all(stored.variants.map(async (v) => ({ url: await blobs.readUrl(v.blob), width: v.width, height: v.height }))),
  });
  const { logo, cover, menu } = images;
  const menuView: MenuView | undefined =
    menu === undefined
      ? undefined
      : menu.kind === 'pdf'
        ? { kind: 'pdf', id: menu.pdf.id, url: await blobs.readUrl(menu.pdf.blob), bytes: menu.pdf.bytes }
        : { kind: 'images', pages: await Promise.all(menu.pages.map(image)) };
  return {
    ...(logo === undefined ? {} : { logo: await image(logo) }),
    ...(cover === undefined ? {} : { cover: await image(cover) }),
    ...(menuView === undefined ? {} : { menu: menuView }),
  };
}

interface PendingUpload {
  readonly restaurantId: string;
  readonly uploadId: string;
  readonly kind: UploadKind;
  readonly pending: string;
  readonly bytes: number;
}

const refused = (reason: string, message: string) => new DomainError('validation', message, { reason });

/** What arrived, checked against the kind's rules and stored in its final form; a DomainError says why not. */
async function checkedAndStored(s: UploadServices, blobs: BlobStore, upload: PendingUpload): Promise<StoredImage | StoredPdf> {
  const accepted = acceptedTypes(upload.kind);
  const largest = Math.max(...accepted.map(maxBytesOf));
  if (upload.bytes > largest)
    throw refused('too-large', `The file is ${megabytes(upload.bytes)}; a ${upload.kind} may be at most ${megabytes(largest)}.`);
  const bytes = await blobs.read(upload.pending);
  const codec = await s.imageCodec();
  const sniffed = await codec.sniff(bytes);
  const type = accepted.find((t) => t === sniffed);
  if (type === undefined) throw notAccepted(upload.kind, accepted, sniffed, bytes);
  if (bytes.length > maxBytesOf(type)) {
    throw refused(
      'too-large',
      `The file is ${megabytes(bytes.length)}; a ${describeTypes([type])} may be at most ${megabytes(maxBytesOf(type))}.`,
    );
  }
  const hash = (data: Buffer) => createHash('sha256').update(data).digest('hex').slice(0, 32);
  if (type === 'application/pdf') {
    const blob = `menus/${upload.restaurantId}/${hash(bytes)}.pdf`;
    await blobs.writeImmutable(blob, bytes, type);
    return { id: upload.uploadId, blob, bytes: bytes.length };
  }
  const size = await codec.dimensions(bytes);
  if (size === undefined)
    throw refused('unreadable', `The file starts like a ${describeTypes([type])} but cannot be read as one; save it again and retry.`);
  if (size.width * size.height > uploadLimits.imagePixels) {
    throw refused(
      'too-many-pixels',
      `The picture is ${size.width}×${size.height} pixels; at most ${uploadLimits.imagePixels / 1_000_000} megapixels are accepted.`,
    );
  }
  const encoded = await codec.webp(bytes, derivedWidths[upload.kind]);
  const variants = await Promise.all(
    encoded.map(async (e) => {
      const blob = `images/${upload.restaurantId}/${hash(e.bytes)}.webp`;
      await blobs.writeImmutable(blob, e.bytes, 'image/webp');
      return { width: e.width, height: e.height, blob };
    }),
  );
  return { id: upload.uploadId, variants };
}

function notAccepted(kind: UploadKind, accepted: readonly UploadType[], sniffed: string | undefined, bytes: Buffer): DomainError {
  const wanted = `A ${kind} must be ${describeTypes(accepted)}`;
  if (looksLikeSvg(bytes)) return refused('svg', `${wanted}; SVG is not accepted because it can carry script.`);
  if (sniffed === undefined) return refused('type-not-allowed', `${wanted}; this file is none of them (whatever its name says).`);
  return refused('type-not-allowed', `${wanted}; this file is ${sniffed}.`);
}

/** SVG is text, so no magic bytes name it: an <svg tag near the start does (the refusal is the same, the reason clearer). */
function looksLikeSvg(bytes: Buffer): boolean {
  return bytes.subarray(0, 1024).toString('utf8').toLowerCase().includes('<svg');
}

async function restaurantOf(s: Pick<Services, 'restaurants'>, restaurantId: string): Promise<Restaurant> {
  const restaurant = await s.restaurants.get(restaurantId);
  if (restaurant === null) throw notFound.restaurant();
  return restaurant.value;
}

/** Writes the restaurant's images (null from `change`: nothing to write) and deletes the files the new set no longer names. */
async function saveImages(
  s: UploadServices,
  restaurantId: string,
  change: (images: RestaurantImages) => RestaurantImages | null,
): Promise<RestaurantImages> {
  let before: RestaurantImages = {};
  const outcome = await writeConditionally({
    read: () => s.restaurants.get(restaurantId),
    change: (restaurant) => {
      before = restaurant.images ?? {};
      const images = change(before);
      return images === null ? null : { ...restaurant, images };
    },
    write: (next, etag) => s.restaurants.replace(next, etag),
    policy: conflictPolicies.contended,
  });
  if (outcome.kind === 'missing') throw notFound.restaurant();
  if (outcome.kind === 'lost') throw new VersionConflict('the restaurant');
  const after = outcome.value.images ?? {};
  if (outcome.kind === 'written') {
    const kept = new Set(blobsOf(after));
    const blobs = await s.blobs();
    await Promise.all(
      blobsOf(before)
        .filter((blob) => !kept.has(blob))
        .map((blob) => blobs.delete(blob)),
    );
  }
  return after;
}

/** At most uploadLimits.requestsPerHour upload URLs per restaurant an hour; 429 with when to retry past that. */
async function countUploadRequest(s: UploadServices, restaurantId: string): Promise<void> {
  const limit = uploadLimits.requestsPerHour;
  let retryAfterSeconds = 0;
  const key = `uploads:${restaurantId}`;
  const outcome = await writeConditionally({
    read: () => s.rateCounters.get(key),
    change: (current) => {
      const admission = admitToWindow(current, s.now(), limit, 3_600_000);
      if (admission.admitted) return admission.next;
      retryAfterSeconds = admission.retryAfterSeconds;
      return null;
    },
    write: (next, etag) => s.rateCounters.save(key, next, etag),
    policy: conflictPolicies.contended,
  });
  if (outcome.kind === 'unchanged') {
    throw new DomainError(
      'too-many-attempts',
      `At most ${limit} uploads a restaurant an hour; try again in ${retryAfterSeconds} seconds.`,
      {
        limit,
        retryAfterSeconds,
      },
    );
  }
  if (outcome.kind !== 'written') throw new VersionConflict(key);
}

/**
 * The restaurant's pictures for a public page (join summary, status), as `{ images }` to spread into
 * the answer; nothing when it has none, so those pages never load the storage SDK for it.
 */
export async function publicImages(s: Pick<Services, 'blobs'>, restaurant: Restaurant): Promise<{ readonly images?: ImagesView }> {
  const images = restaurant.images;
  if (images === undefined || blobsOf(images).length === 0) return {};
  return { images: await imagesView(await s.blobs(), images) };
}
