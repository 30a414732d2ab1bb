import { Agent } from 'node:https';
import type { TokenCredential } from '@azure/core-auth';
import {
  BlobSASPermissions,
  BlobServiceClient,
  newPipeline,
  RestError,
  type ContainerClient,
  type RequestPolicy,
  type RequestPolicyFactory,
  type UserDelegationKey,
  type WebResource,
} from '@azure/storage-blob';
import type { BlobProperties, BlobStore } from '../../application/ports.js';
import type { Config } from '../../config.js';

/** Read URLs and the key that signs them are fixed for a slot this long, so every request in it gets the same URL. */
const slotMs = 6 * 3_600_000;
/** A key (and the read URLs it signs) lasts two slots: a URL handed out at the end of a slot still works for one more. */
const keyLifetimeMs = 2 * slotMs;
/** Clocks differ: keys and URLs start a little before now. */
const skewMs = 5 * 60_000;

const loopbackHosts = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** Azurite's certificate is made per run by local/tls.ts; only a loopback endpoint is given this agent (config validates the rest). */
function trustLoopbackCertificate(): RequestPolicyFactory {
  const agent = new Agent({ keepAlive: true, rejectUnauthorized: false });
  return {
    create: (next: RequestPolicy): RequestPolicy => ({
      sendRequest: (request: WebResource) => {
        request.agent = agent;
        return next.sendRequest(request);
      },
    }),
  };
}

function serviceClient(config: Config['uploads'], credential: TokenCredential): BlobServiceClient {
  const pipeline = newPipeline(credential);
  if (loopbackHosts.has(new URL(config.blobEndpoint).hostname)) pipeline.factories.unshift(trustLoopbackCertificate());
  return new BlobServiceClient(config.blobEndpoint, pipeline);
}

/** The headers the SPA's PUT sends (UploadTicket.headers) and the read it makes; infra/app/uploads.bicep allows the same. */
export const uploadCorsRule = {
  allowedMethods: 'PUT,GET,HEAD,OPTIONS',
  allowedHeaders: 'content-type,x-ms-blob-type,x-ms-blob-content-type,x-ms-version,x-ms-date,x-ms-client-request-id',
  exposedHeaders: 'etag,x-ms-request-id,x-ms-version',
  maxAgeInSeconds: 3600,
} as const;

/**
 * Creates the container and lets `origins` upload from a browser. In Azure the Bicep does both (the
 * app's data role cannot); the local stack calls this at start, as it calls ensureDatabase.
 */
export async function ensureUploadsContainer(
  config: Config['uploads'],
  credential: TokenCredential,
  origins: readonly string[],
): Promise<void> {
  const service = serviceClient(config, credential);
  await service.getContainerClient(config.container).createIfNotExists();
  await service.setProperties({ cors: [{ ...uploadCorsRule, allowedOrigins: origins.join(',') }] });
}

/**
 * The uploads container, reached with the app's managed identity (Storage Blob Data Contributor on
 * the container, Storage Blob Delegator on the account: infra/app/uploads.bicep). Every URL it
 * hands out is a user-delegation SAS: the account has no key (`allowSharedKeyAccess: false`).
 */
export class AzureBlobStore implements BlobStore {
  private readonly service: BlobServiceClient;
  private readonly container: ContainerClient;
  private key: { readonly slot: number; readonly key: Promise<UserDelegationKey> } | undefined;
  private readonly readUrls = new Map<string, { readonly slot: number; readonly url: string }>();

  constructor(
    config: Config['uploads'],
    credential: TokenCredential,
    private readonly now: () => Date,
  ) {
    this.service = serviceClient(config, credential);
    this.container = this.service.getContainerClient(config.container);
  }

  async uploadUrl(blob: string, expiresOn: Date): Promise<string> {
    const { key } = await this.keyOfSlot();
    return this.container
      .getBlobClient(blob)
      .generateUserDelegationSasUrl(
        { permissions: BlobSASPermissions.parse('c'), startsOn: new Date(this.now().getTime() - skewMs), expiresOn },
        key,
      );
  }

  async readUrl(blob: string): Promise<string> {
    const { slot, key } = await this.keyOfSlot();
    const cached = this.readUrls.get(blob);
    if (cached?.slot === slot) return cached.url;
    const url = await this.container
      .getBlobClient(blob)
      .generateUserDelegationSasUrl(
        { permissions: BlobSASPermissions.parse('r'), startsOn: new Date(slot - skewMs), expiresOn: new Date(slot + keyLifetimeMs) },
        key,
      );
    if (cached !== undefined) this.pruneReadUrls(slot);
    this.readUrls.set(blob, { slot, url });
    return url;
  }

  async properties(blob: string): Promise<BlobProperties | null> {
    try {
      const properties = await this.container.getBlobClient(blob).getProperties();
      return { bytes: properties.contentLength ?? 0 };
    } catch (error) {
      if (error instanceof RestError && error.statusCode === 404) return null;
      throw error;
    }
  }

  read(blob: string): Promise<Buffer> {
    return this.container.getBlobClient(blob).downloadToBuffer();
  }

  async writeImmutable(blob: string, bytes: Buffer, contentType: string): Promise<void> {
    await this.container.getBlockBlobClient(blob).uploadData(bytes, {
      blobHTTPHeaders: { blobContentType: contentType, blobCacheControl: 'public, max-age=31536000, immutable' },
    });
  }

  async delete(blob: string): Promise<void> {
    await this.container.getBlobClient(blob).deleteIfExists();
  }

  /** One user-delegation key per slot, asked for once (concurrent requests share the promise). */
  private async keyOfSlot(): Promise<{ readonly slot: number; readonly key: UserDelegationKey }> {
    const slot = Math.floor(this.now().getTime() / slotMs) * slotMs;
    if (this.key?.slot !== slot) {
      const key = this.service.getUserDelegationKey(new Date(slot - skewMs), new Date(slot + keyLifetimeMs));
      this.key = { slot, key };
      key.catch(() => {
        if (this.key?.key === key) this.key = undefined;
      });
    }
    return { slot, key: await this.key.key };
  }

  private pruneReadUrls(slot: number): void {
    for (const [blob, entry] of this.readUrls) if (entry.slot !== slot) this.readUrls.delete(blob);
  }
}
