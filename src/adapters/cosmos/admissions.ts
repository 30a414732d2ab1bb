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

/** The admissions documents of every cap (application/admissions.ts says how they are used). */
export class AdmissionStore implements AdmissionRepository {
  constructor(private readonly containers: AdmissionContainers) {}

  async get(scope: CapScope): Promise<Versioned<Admissions>> {
    const { container, id, key } = placeOf(this.containers, scope);
    return (await readOfType<Admissions>(container, 'admissions', id, key)) ?? { value: { pending: [] }, etag: '' };
  }

  async save(scope: CapScope, admissions: Admissions, etag: string): Promise<Versioned<Admissions>> {
    const { container, id, key, field } = placeOf(this.containers, scope);
    // The count of texts to one phone number in one UTC day is keyed by the number and useless once the day is over.
    const ttl = scope.kind === 'texts-to-number' ? { ttl: textCountLifetimeSeconds } : {};
    const document = { pending: admissions.pending, closing: admissions.closing ?? null, id, [field]: key, type: 'admissions', ...ttl };
    if (etag !== '') return replaceDocument<Admissions>(container, document, key, etag);
    const created = await createDocument<Admissions>(container, document);
    if (created === null) throw new VersionConflict(id);
    return created;
  }
}
