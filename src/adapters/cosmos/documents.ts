/**
 * Typed document access shared by the Cosmos DB stores. Cosmos system properties are dropped on
 * read; the store's refusals come back as the ports' outcomes (VersionConflict, GoneSinceRead,
 * InvalidContinuationToken), never as client-facing errors.
 */
import type { Container, ItemDefinition, OperationResponse, PartitionKey, SqlParameter } from '@azure/cosmos';
import { GoneSinceRead, InvalidContinuationToken, VersionConflict, type Page, type PageRequest } from '../../application/ports.js';
import type { Versioned } from '../../domain/model.js';

/** A document as stored: the entity plus a `type` discriminator and the partition key field. */
type Stored = ItemDefinition & { readonly id: string };

/**
 * The HTTP status of a failed Cosmos DB call (the SDK's ErrorResponse carries it as `code`). Read
 * by shape so this module needs no value import of the SDK, which is loaded on first use.
 */
export function statusCodeOf(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null || !('code' in error)) return undefined;
  const code = Number(error.code);
  return Number.isInteger(code) ? code : undefined;
}

/** The operation that failed a transactional batch, if one did: the others answer 424 (failed dependency). */
export function failedOperation(batch: { readonly result?: readonly OperationResponse[] }): OperationResponse | undefined {
  return batch.result?.find((operation) => operation.statusCode >= 400 && operation.statusCode !== 424);
}

/** One pass over the keys, no intermediate arrays: this runs for every document of every page read. */
function withoutSystemProperties(resource: Record<string, unknown>): Record<string, unknown> {
  const entity: Record<string, unknown> = {};
  for (const key in resource) {
    if (key.charCodeAt(0) !== 95 /* _ */ && Object.hasOwn(resource, key)) entity[key] = resource[key];
  }
  return entity;
}

export function versioned<T>(resource: Record<string, unknown> | undefined, etag: string | undefined): Versioned<T> {
  if (resource === undefined || etag === undefined) throw new Error('Cosmos DB returned no document or ETag for a successful write');
  // The stores write these documents themselves, so their shape is the entity's.
  return { value: withoutSystemProperties(resource) as T, etag };
}

const ifMatch = (etag: string | undefined) => (etag === undefined ? {} : { accessCondition: { type: 'IfMatch', condition: etag } });

export async function readDocument<T>(container: Container, id: string, partitionKey: PartitionKey): Promise<Versioned<T> | null> {
  const response = await container.item(id, partitionKey).read<Stored>();
  if (response.statusCode === 404 || response.resource === undefined) return null;
  return versioned<T>(response.resource, response.etag);
}

/** The document if it exists and is of this `type` (containers hold several kinds of document). */
export async function readOfType<T>(
  container: Container,
  type: string,
  id: string,
  partitionKey: PartitionKey,
): Promise<Versioned<T> | null> {
  const found = await readDocument<T & { type?: unknown }>(container, id, partitionKey);
  return found?.value.type === type ? found : null;
}

/** Every document of one `type` in one partition, whose key is stored in `partitionField`. */
export async function allOfType<T>(
  container: Container,
  type: string,
  partitionField: string,
  partitionKey: string,
): Promise<Versioned<T>[]> {
  return queryAll<T>(
    container,
    `SELECT * FROM c WHERE c.${partitionField} = @partitionKey AND c.type = @type`,
    [
      { name: '@partitionKey', value: partitionKey },
      { name: '@type', value: type },
    ],
    partitionKey,
  );
}

/** Creates the document, or returns null when one with the same id exists in the partition. */
export async function createDocument<T>(container: Container, document: Stored): Promise<Versioned<T> | null> {
  try {
    const response = await container.items.create<Stored>(document);
    return versioned<T>(response.resource, response.etag);
  } catch (error) {
    if (statusCodeOf(error) === 409) return null;
    throw error;
  }
}

export async function upsertDocument<T>(container: Container, document: Stored): Promise<Versioned<T>> {
  const response = await container.items.upsert<Stored>(document);
  return versioned<T>(response.resource, response.etag);
}

/** Replaces the document when its ETag still matches (when given): VersionConflict on a mismatch, GoneSinceRead when it is gone. */
export async function replaceDocument<T>(
  container: Container,
  document: Stored,
  partitionKey: PartitionKey,
  etag?: string,
): Promise<Versioned<T>> {
  try {
    const response = await container.item(document.id, partitionKey).replace<Stored>(document, ifMatch(etag));
    return versioned<T>(response.resource, response.etag);
  } catch (error) {
    const status = statusCodeOf(error);
    if (status === 412) throw new VersionConflict(document.id);
    if (status === 404) throw new GoneSinceRead(document.id);
    throw error;
  }
}

/** Deletes the document; returns false when it was already gone. */
export async function deleteDocument(container: Container, id: string, partitionKey: PartitionKey, etag?: string): Promise<boolean> {
  try {
    await container.item(id, partitionKey).delete(ifMatch(etag));
    return true;
  } catch (error) {
    const status = statusCodeOf(error);
    if (status === 404) return false;
    if (status === 412) throw new VersionConflict(id);
    throw error;
  }
}

export async function queryPage<T>(
  container: Container,
  query: string,
  parameters: SqlParameter[],
  partitionKey: PartitionKey,
  page: PageRequest,
): Promise<Page<Versioned<T>>> {
  const iterator = container.items.query<Stored>(
    { query, parameters },
    { partitionKey, maxItemCount: page.limit, ...(page.continuationToken === null ? {} : { continuationToken: page.continuationToken }) },
  );
  const response = await iterator.fetchNext().catch((error: unknown) => {
    // Cosmos DB answers 400 to a continuation token it cannot parse: the client's input, not our failure.
    if (page.continuationToken !== null && statusCodeOf(error) === 400) throw new InvalidContinuationToken();
    throw error;
  });
  // Typed as string, but undefined on the last page.
  const continuationToken = response.continuationToken as string | undefined;
  return {
    items: response.resources.map((resource) => versioned<T>(resource, typeof resource._etag === 'string' ? resource._etag : undefined)),
    continuationToken: continuationToken ?? null,
  };
}

export async function queryAll<T>(
  container: Container,
  query: string,
  parameters: SqlParameter[],
  partitionKey: PartitionKey,
): Promise<Versioned<T>[]> {
  const response = await container.items.query<Stored>({ query, parameters }, { partitionKey }).fetchAll();
  return response.resources.map((resource) => versioned<T>(resource, typeof resource._etag === 'string' ? resource._etag : undefined));
}

/**
 * Create, read, replace and delete of one kind of document in a container that holds several: the
 * `type` discriminator is written on every write and checked on every read.
 */
export class DocumentsOfType<T extends { readonly id: string }> {
  constructor(
    protected readonly container: Container,
    private readonly type: string,
    /** The partition key of a value, and any field it is stored under (or with, such as a per-item `ttl`). */
    private readonly partitionOf: (value: T) => { readonly key: string; readonly fields?: Readonly<Record<string, string | number>> },
  ) {}

  private stored(value: T): Stored {
    return { ...value, ...this.partitionOf(value).fields, type: this.type };
  }

  create(value: T): Promise<Versioned<T> | null> {
    return createDocument<T>(this.container, this.stored(value));
  }

  get(partitionKey: string, id: string): Promise<Versioned<T> | null> {
    return readOfType<T>(this.container, this.type, id, partitionKey);
  }

  replace(value: T, etag: string): Promise<Versioned<T>> {
    return replaceDocument<T>(this.container, this.stored(value), this.partitionOf(value).key, etag);
  }

  delete(partitionKey: string, id: string, etag?: string): Promise<boolean> {
    return deleteDocument(this.container, id, partitionKey, etag);
  }
}
