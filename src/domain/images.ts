import { DomainError } from './errors.js';

/**
 * A restaurant's pictures and menu (docs/api.md, Uploads): what may be uploaded, how large, and
 * the sizes the pages are given. Pure rules; the bytes are checked and re-encoded by the
 * application through its image port.
 */
export const uploadKinds = ['logo', 'cover', 'menu'] as const;
export type UploadKind = (typeof uploadKinds)[number];

export const imageTypes = ['image/png', 'image/jpeg', 'image/webp'] as const;
export const uploadTypes = [...imageTypes, 'application/pdf'] as const;
export type UploadType = (typeof uploadTypes)[number];

export const uploadLimits = {
  /** A phone photo is 2–6 MB; 10 MB leaves room without letting one upload cost much to decode. */
  imageBytes: 10 * 1024 * 1024,
  pdfBytes: 20 * 1024 * 1024,
  /** Decoding a 40-megapixel image takes ~160 MB of memory; anything larger is refused before that. */
  imagePixels: 40_000_000,
  menuPages: 10,
  /** Upload requests per restaurant per hour: an owner replacing pictures never comes close. */
  requestsPerHour: 30,
  /** How long a create SAS stays valid: long enough for a slow phone on 3G to send 10 MB. */
  uploadUrlSeconds: 5 * 60,
} as const;

/** The widths each kind is re-encoded to (WebP), one per density the pages use. */
export const derivedWidths: Readonly<Record<UploadKind, readonly number[]>> = {
  logo: [96, 192],
  cover: [640, 1280],
  menu: [800, 1600],
};

export const acceptedTypes = (kind: UploadKind): readonly UploadType[] => (kind === 'menu' ? uploadTypes : imageTypes);

export const maxBytesOf = (type: UploadType): number => (type === 'application/pdf' ? uploadLimits.pdfBytes : uploadLimits.imageBytes);

export interface ImageVariant {
  readonly width: number;
  readonly height: number;
  /** Blob name, content-hashed so it can be cached for a year. */
  readonly blob: string;
}

export interface StoredImage {
  /** The upload it came from: confirming that upload again finds it here. */
  readonly id: string;
  readonly variants: readonly ImageVariant[];
}

export interface StoredPdf {
  readonly id: string;
  readonly blob: string;
  readonly bytes: number;
}

export type StoredMenu =
  { readonly kind: 'images'; readonly pages: readonly StoredImage[] } | { readonly kind: 'pdf'; readonly pdf: StoredPdf };

export interface RestaurantImages {
  readonly logo?: StoredImage;
  readonly cover?: StoredImage;
  readonly menu?: StoredMenu;
}

/** Refuses what a request declares before any URL is handed out: the bytes are checked again on confirm. */
export function checkDeclaredUpload(kind: UploadKind, contentType: string, size: number, images: RestaurantImages): UploadType {
  const accepted = acceptedTypes(kind);
  const type = accepted.find((t) => t === contentType);
  if (type === undefined) {
    throw new DomainError('validation', `A ${kind} must be ${describeTypes(accepted)}; ${contentType} is not accepted.`, {
      reason: 'type-not-allowed',
    });
  }
  if (size > maxBytesOf(type)) {
    throw new DomainError('validation', `A ${describeTypes([type])} may be at most ${megabytes(maxBytesOf(type))}.`, {
      reason: 'too-large',
    });
  }
  if (kind === 'menu' && type !== 'application/pdf' && menuPageCount(images) >= uploadLimits.menuPages) {
    throw new DomainError('limit-reached', `A menu has at most ${uploadLimits.menuPages} pages; remove one before adding another.`, {
      limit: uploadLimits.menuPages,
    });
  }
  return type;
}

/** Every blob a set of images names, so replacing or removing one can delete what it leaves behind. */
export function blobsOf(images: RestaurantImages): string[] {
  const ofImage = (image: StoredImage | undefined) => image?.variants.map((v) => v.blob) ?? [];
  const menu = images.menu;
  const menuBlobs = menu === undefined ? [] : menu.kind === 'pdf' ? [menu.pdf.blob] : menu.pages.flatMap(ofImage);
  return [...ofImage(images.logo), ...ofImage(images.cover), ...menuBlobs];
}

export function containsUpload(images: RestaurantImages, uploadId: string): boolean {
  const menu = images.menu;
  const inMenu = menu === undefined ? false : menu.kind === 'pdf' ? menu.pdf.id === uploadId : menu.pages.some((p) => p.id === uploadId);
  return images.logo?.id === uploadId || images.cover?.id === uploadId || inMenu;
}

/** The images with a confirmed upload in place: a logo or cover replaces the old one, a menu page is added. */
export function withUpload(images: RestaurantImages, kind: UploadKind, stored: StoredImage | StoredPdf): RestaurantImages {
  if (kind !== 'menu') return { ...images, [kind]: stored };
  if ('blob' in stored) return { ...images, menu: { kind: 'pdf', pdf: stored } };
  if (menuPageCount(images) >= uploadLimits.menuPages) {
    throw new DomainError('limit-reached', `A menu has at most ${uploadLimits.menuPages} pages; remove one before adding another.`, {
      limit: uploadLimits.menuPages,
    });
  }
  const pages = images.menu?.kind === 'images' ? images.menu.pages : [];
  return { ...images, menu: { kind: 'images', pages: [...pages, stored] } };
}

/** The images without the one named (a logo, the cover, the menu's PDF or one of its pages); null when none has that id. */
export function withoutImage(images: RestaurantImages, imageId: string): RestaurantImages | null {
  if (!containsUpload(images, imageId)) return null;
  const { logo, cover, menu } = images;
  const keptMenu =
    menu === undefined || (menu.kind === 'pdf' && menu.pdf.id === imageId)
      ? undefined
      : menu.kind === 'images'
        ? { kind: 'images' as const, pages: menu.pages.filter((p) => p.id !== imageId) }
        : menu;
  return {
    ...(logo === undefined || logo.id === imageId ? {} : { logo }),
    ...(cover === undefined || cover.id === imageId ? {} : { cover }),
    ...(keptMenu === undefined || (keptMenu.kind === 'images' && keptMenu.pages.length === 0) ? {} : { menu: keptMenu }),
  };
}

function menuPageCount(images: RestaurantImages): number {
  return images.menu?.kind === 'images' ? images.menu.pages.length : 0;
}

const typeNames: Readonly<Record<UploadType, string>> = {
  'image/png': 'PNG',
  'image/jpeg': 'JPEG',
  'image/webp': 'WebP',
  'application/pdf': 'PDF',
};

export function describeTypes(types: readonly UploadType[]): string {
  const names = types.map((t) => typeNames[t]);
  return names.length === 1 ? (names[0] ?? '') : `${names.slice(0, -1).join(', ')} or ${names.at(-1) ?? ''}`;
}

export const megabytes = (bytes: number): string => `${Math.round(bytes / (1024 * 1024))} MB`;
