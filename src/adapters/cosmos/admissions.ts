import type { Container } from '@azure/cosmos';
import { VersionConflict, type AdmissionRepository, type Admissions, type CapScope } from '../../application/ports.js';
import type { Versioned } from '../../domain/model.js';
import { textCountLifetimeSeconds } from '../../domain/retention.js';
import { createDocument, readOfType, replaceDocument } from './documents.js';

type AdmissionContainers = Readonly<Record<'waitees' | 'restaurants' | 'users', Container>>;

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
    const { container, id, key, field } = placeOf(this.containers, scope);
    // The count of texts to one phone number in one UTC day is keyed by the number and useless once the day is over.
    const ttl = scope.kind === 'texts-to-number' ? { ttl: textCountLifetimeSeconds } : {};
    const document = { pending: admissions.pending, closing: admissions.closing ?? null, id, [field]: key, type: 'admissions', ...ttl };
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
}
