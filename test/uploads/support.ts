import { request } from 'node:https';
import sharp from 'sharp';
import type { Api, ApiResponse, Json } from '../support/stack.js';

export interface BlobResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly body: Buffer;
}

/**
 * A request to Azurite as a browser or phone makes it: straight to the URL, no SDK. Azurite's
 * certificate is the stack's throwaway one (local/tls.ts), so it is not checked here.
 */
export function blobRequest(method: string, url: string, body?: Buffer, headers: Record<string, string> = {}): Promise<BlobResponse> {
  return new Promise((resolve, reject) => {
    const outgoing = request(url, { method, headers, rejectUnauthorized: false }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => {
        resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks) });
      });
      response.on('error', reject);
    });
    outgoing.on('error', reject);
    outgoing.end(body);
  });
}

export interface Ticket extends Json {
  id: string;
  uploadUrl: string;
  method: string;
  requestHeaders: Record<string, string>;
  expiresAt: string;
}

export interface ImageSource {
  url: string;
  width: number;
  height: number;
}

export interface Images extends Json {
  logo?: { id: string; sources: ImageSource[] };
  cover?: { id: string; sources: ImageSource[] };
  menu?: { kind: 'images'; pages: { id: string; sources: ImageSource[] }[] } | { kind: 'pdf'; id: string; url: string; bytes: number };
}

/** Asks for an upload, PUTs the bytes as the answer says, and returns the ticket and the PUT's status. */
export async function upload(
  api: Api,
  restaurantId: string,
  kind: string,
  file: { bytes: Buffer; contentType: string; declaredSize?: number },
): Promise<{ ticket: Ticket; put: BlobResponse }> {
  const asked = await api.post<Ticket>(`/v1/restaurants/${restaurantId}/uploads`, {
    kind,
    contentType: file.contentType,
    size: file.declaredSize ?? file.bytes.length,
  });
  if (asked.status !== 201) throw new Error(`upload request failed: ${asked.status} ${JSON.stringify(asked.body)}`);
  const put = await blobRequest(asked.body.method, asked.body.uploadUrl, file.bytes, asked.body.requestHeaders);
  return { ticket: asked.body, put };
}

export const confirm = (api: Api, restaurantId: string, uploadId: string): Promise<ApiResponse<Images>> =>
  api.post<Images>(`/v1/restaurants/${restaurantId}/uploads/${uploadId}/confirm`);

/** A PNG of flat colour: small and quick to encode. */
export const smallPng = (width = 64, height = 48): Promise<Buffer> =>
  sharp({ create: { width, height, channels: 3, background: { r: 200, g: 40, b: 40 } } })
    .png()
    .toBuffer();

/** A phone photo: noise (so it does not compress), about `megabytes` MB of JPEG, with a GPS position in its EXIF. */
export async function phonePhoto(megabytes: number): Promise<Buffer> {
  const width = 2000;
  const height = Math.round((megabytes * 1024 * 1024) / (width * 0.75));
  const noise = Buffer.alloc(width * height * 3);
  for (let i = 0; i < noise.length; i++) noise[i] = (i * 7919 + ((i / width) | 0) * 104729) % 251;
  return sharp(noise, { raw: { width, height, channels: 3 } })
    .jpeg({ quality: 92 })
    .withExif({ IFD0: { Make: 'TestPhone' }, IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '48/1 51/1 24/1' } })
    .toBuffer();
}
