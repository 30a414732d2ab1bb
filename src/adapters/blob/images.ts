import { fileTypeFromBuffer } from 'file-type';
import sharp from 'sharp';
import type { EncodedImage, ImageCodec } from '../../application/ports.js';
import { uploadLimits } from '../../domain/images.js';

/**
 * Pictures read and re-encoded with sharp (libvips), types told by their magic bytes with
 * file-type. Loaded only by the first request that confirms an upload (src/composition).
 */
export class SharpImageCodec implements ImageCodec {
  async sniff(bytes: Buffer): Promise<string | undefined> {
    return (await fileTypeFromBuffer(bytes))?.mime;
  }

  async dimensions(bytes: Buffer): Promise<{ readonly width: number; readonly height: number } | undefined> {
    try {
      const { width, height } = await sharp(bytes, { limitInputPixels: false }).metadata();
      return { width, height };
    } catch {
      return undefined;
    }
  }

  webp(bytes: Buffer, widths: readonly number[]): Promise<EncodedImage[]> {
    return Promise.all(
      widths.map(async (width) => {
        // No withMetadata(): sharp drops EXIF (GPS included), XMP and ICC unless asked to keep them.
        const { data, info } = await sharp(bytes, { limitInputPixels: uploadLimits.imagePixels })
          .rotate()
          .resize({ width, withoutEnlargement: true })
          .webp({ quality: 80 })
          .toBuffer({ resolveWithObject: true });
        return { width: info.width, height: info.height, bytes: data };
      }),
    );
  }
}
