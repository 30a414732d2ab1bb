import type { Container, JSONObject, OperationInput } from '@azure/cosmos';
import {
  VersionConflict,
  type AdmissionRepository,
  type Admissions,
  type CapScope,
  type LineWithAdmissions,
} from '../../application/ports.js';
import type { Versioned, Waitee } from '../../domain/model.js';
import { textCountLifetimeSeconds } from '../../domain/retention.js';
import { activeStatuses, type WaiteeInLine } from '../../domain/waitee.js';
import { createDocument, readOfType, replaceDocument, versioned } from './documents.js';

type AdmissionContainers = Readonly<Record<'waitees' | 'restaurants' | 'users', Container>>;

/** A full line (500 parties) and its admissions document on one page of the line's query. */
const lineQueryPageSize = 1000;

/** The document of a scope: stored beside the set it caps, so one partition holds both. */
function placeOf(containers: AdmissionContainers, scope: CapScope) {
  switch (scope.kind) {
    case 'line':
      return { container: containers.waitees, id: 'admissions:line', key: scope.waitlistId, field: 'waitlistId' };
    case 'waitlists':
      return { container: containers.restaurants, id: 'admissions:waitlists', key: scope.restaurantId, field: 'restaurantId' };
    case 'invitations':
      return { container: containers.restaurants, id: 'admissions:invitations', key: scope.restaurantId, field: 'restaurantId' };
    case 'restaurants':
      return { container: containers.users, id: 'admissions:restaurants', key: scope.userId, field: 'pk' };
    case 'texts-to-number':
      return { container: containers.users, id: `texts:${scope.day}`, key: `texts:${scope.number}`, field: 'pk' };
    case 'texts-of-restaurant':
      return { container: containers.restaurants, id: `texts:${scope.day}`, key: scope.restaurantId, field: 'restaurantId' };
  }
}

/** How many day counters a process remembers the last version of: a busy worker's numbers and restaurants of the day. */
export const rememberedCounters = 1_000;

/**
 * The last version seen of each of the most recently used day counters, the oldest forgotten first.
 * No cache library is a dependency of the app (lru-cache is only a tool's transitive one), and a
 * Map, which keeps insertion order, is all an oldest-first bound needs.
 */
class RecentVersions<T> {
  private readonly versions = new Map<string, Versioned<T>>();

  constructor(private readonly capacity: number) {}

  get(key: string): Versioned<T> | undefined {
    return this.versions.get(key);
  }

  remember(key: string, version: Versioned<T>): void {
    this.versions.delete(key);
    this.versions.set(key, version);
    const oldest = this.versions.keys().next();
    if (this.versions.size > this.capacity && oldest.done !== true) this.versions.delete(oldest.value);
  }
}

/** Only the day counters are remembered: their writes are the ones a request makes on every text. */
const isDayCounter = (scope: CapScope): boolean => scope.kind === 'texts-to-number' || scope.kind === 'texts-of-restaurant';

/** The stored admissions document of a scope: the claims in flight and the closing, nothing about the members. */
function documentOf(containers: AdmissionContainers, scope: CapScope, admissions: Admissions): JSONObject & { id: string } {
  const { id, key, field } = placeOf(containers, scope);
  const pending = admissions.pending.map(({ id: claimed, ticket, at }) => ({ id: claimed, ticket, at }));
  const closing = admissions.closing == null ? null : { ticket: admissions.closing.ticket, at: admissions.closing.at };
  const document: JSONObject & { id: string } = { pending, closing, id, [field]: key, type: 'admissions' };
  // The count of texts to one phone number in one UTC day is keyed by the number and useless once the day is over.
  if (scope.kind === 'texts-to-number') document.ttl = textCountLifetimeSeconds;
  return document;
}

/** A row of the line's query: a place in line, or (type 'admissions') the line's admissions document. */
type LineRow = WaiteeInLine & Partial<Admissions> & { readonly type: string; readonly _etag?: string };

/** The admissions documents of every cap (application/admissions.ts says how they are used). */
export class AdmissionStore implements AdmissionRepository {
  /** Per instance, so per set of services: built once per host by its composition root. */
  private readonly seen = new RecentVersions<Admissions>(rememberedCounters);

  constructor(private readonly containers: AdmissionContainers) {}

  async get(scope: CapScope): Promise<Versioned<Admissions>> {
    const { container, id, key } = placeOf(this.containers, scope);
    const found = (await readOfType<Admissions>(container, 'admissions', id, key)) ?? { value: { pending: [] }, etag: '' };
    return this.remembered(scope, found);
  }

  lastSeen(scope: CapScope): Versioned<Admissions> | undefined {
    return this.seen.get(this.keyOf(scope));
  }

  async save(scope: CapScope, admissions: Admissions, etag: string): Promise<Versioned<Admissions>> {
    const { container, key, id } = placeOf(this.containers, scope);
    const document = documentOf(this.containers, scope, admissions);
    if (etag !== '') return this.remembered(scope, await replaceDocument<Admissions>(container, document, key, etag));
    const created = await createDocument<Admissions>(container, document);
    if (created === null) throw new VersionConflict(id);
    return this.remembered(scope, created);
  }

  private keyOf(scope: CapScope): string {
    const { container, id, key } = placeOf(this.containers, scope);
    return `${container.id}/${key}/${id}`;
  }

  private remembered(scope: CapScope, version: Versioned<Admissions>): Versioned<Admissions> {
    if (isDayCounter(scope)) this.seen.remember(this.keyOf(scope), version);
    return version;
  }

  /**
   * One query for both: the line's places, and its admissions document. `ORDER BY c.type` puts the
   * admissions document ('admissions' < 'waitee') on the first page, so any admission that commits
   * after that page was read moves its ETag and fails the batch, and any that committed before is
   * seen on every later page; the page size keeps a full line on one page anyway.
   */
  async lineWithAdmissions(waitlistId: string): Promise<LineWithAdmissions> {
    const scope = { kind: 'line', waitlistId } as const;
    const { container, id } = placeOf(this.containers, scope);
    const { resources } = await container.items
      .query<LineRow>(
        {
          query:
            'SELECT c.id, c.type, c.joinedAt, c.partySize, c.pending, c.closing, c._etag FROM c WHERE c.waitlistId = @waitlistId' +
            ' AND ((c.type = "waitee" AND ARRAY_CONTAINS(@active, c.status)) OR (c.type = "admissions" AND c.id = @admissions))' +
            ' ORDER BY c.type ASC',
          parameters: [
            { name: '@waitlistId', value: waitlistId },
            { name: '@active', value: [...activeStatuses] },
            { name: '@admissions', value: id },
          ],
        },
        { partitionKey: waitlistId, maxItemCount: lineQueryPageSize },
      )
      .fetchAll();
    const stored = resources.find((row) => row.type === 'admissions');
    const places = resources.filter((row) => row.type === 'waitee').map(({ id, joinedAt, partySize }) => ({ id, joinedAt, partySize }));
    const admissions: Versioned<Admissions> =
      stored?._etag === undefined
        ? { value: { pending: [] }, etag: '' }
        : { value: { pending: stored.pending ?? [], closing: stored.closing ?? null }, etag: stored._etag };
    return { places, admissions };
  }

  /**
   * Cosmos DB runs a transactional batch all or nothing, and answers a failed one 207 with each
   * operation's status (the failing one's, 424 for the rest), which the SDK returns without
   * throwing. The local emulator (@vercel/cosmosdb-server 1.0.1, lib/handler/batch-documents.js)
   * does not roll back, but it runs the operations one after the other, synchronously inside one
   * request (no other request runs in between), and stops at the first failure (the rest answer
   * 424). So the admissions document goes first: when its ETag no longer matches (412), or another
   * request created it first (409), nothing is written in either store.
   * When the waitee's create fails (409, the same id: an idempotent retry), the emulator has already
   * rewritten the admissions document, which holds no claim of this request: its ETag moved, and
   * nothing else. The partition key rides on each operation too: the emulator reads it only there.
   */
  async admitToLine(waitee: Waitee, admissions: Admissions, etag: string): Promise<Versioned<Waitee> | null> {
    const partitionKey = waitee.waitlistId;
    const document = documentOf(this.containers, { kind: 'line', waitlistId: partitionKey }, admissions);
    const operations: OperationInput[] = [
      etag === ''
        ? { operationType: 'Create', partitionKey, resourceBody: document }
        : { operationType: 'Replace', id: document.id, ifMatch: etag, partitionKey, resourceBody: document },
      { operationType: 'Create', partitionKey, resourceBody: { ...waitee, type: 'waitee' } },
    ];
    const response = await this.containers.waitees.items.batch(operations, partitionKey);
    const [admitted, created] = response.result ?? [];
    if (admitted === undefined || created === undefined) throw new Error(`line admission batch answered ${String(response.code)}`);
    if (admitted.statusCode === 412 || admitted.statusCode === 409 || admitted.statusCode === 404) throw new VersionConflict(document.id);
    if (admitted.statusCode >= 400) throw new Error(`line admission batch failed with ${String(admitted.statusCode)}`);
    if (created.statusCode === 409) return null;
    if (created.statusCode >= 400) throw new Error(`line admission batch failed with ${String(created.statusCode)}`);
    return versioned<Waitee>(created.resourceBody, created.eTag);
  }
}
