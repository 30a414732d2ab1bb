import type { Container } from '@azure/cosmos';
import { VersionConflict, type AnalyticsRepository, type AnalyticsScope } from '../../application/ports.js';
import { emptyRollup, type DayRollup } from '../../domain/analytics.js';
import type { Versioned } from '../../domain/model.js';
import { createDocument, readOfType, replaceDocument } from './documents.js';

const type = 'analyticsDay';
const idOf = (waitlistId: string, date: string): string => `${waitlistId}:${date}`;

/**
 * The per-day rollups (domain/analytics.ts), one document per waitlist and day in the restaurant's
 * partition: a write is a point read and an ETag-checked replace; a year of a whole restaurant is
 * one single-partition query that reads the figures and leaves the counted ids behind.
 */
export class AnalyticsStore implements AnalyticsRepository {
  constructor(private readonly container: Container) {}

  async day(restaurantId: string, waitlistId: string, date: string): Promise<Versioned<DayRollup>> {
    return (
      (await readOfType<DayRollup>(this.container, type, idOf(waitlistId, date), restaurantId)) ?? {
        value: emptyRollup(restaurantId, waitlistId, date),
        etag: '',
      }
    );
  }

  async save(rollup: DayRollup, etag: string): Promise<Versioned<DayRollup>> {
    const document = { ...rollup, id: idOf(rollup.waitlistId, rollup.date), type };
    if (etag !== '') return replaceDocument<DayRollup>(this.container, document, rollup.restaurantId, etag);
    const created = await createDocument<DayRollup>(this.container, document);
    if (created === null) throw new VersionConflict(document.id);
    return created;
  }

  async days(scope: AnalyticsScope, from: string, to: string): Promise<DayRollup[]> {
    const onWaitlist = scope.waitlistId === undefined ? '' : ' AND c.waitlistId = @waitlistId';
    // maxItemCount -1: the service fills each page up to its size limit, so a year is one page, not one per 100 days.
    const response = await this.container.items
      .query<DayRollup>(
        {
          query: `SELECT c.restaurantId, c.waitlistId, c.date, c.figures FROM c WHERE c.restaurantId = @restaurantId AND c.type = @type AND c.date >= @from AND c.date <= @to${onWaitlist}`,
          parameters: [
            { name: '@restaurantId', value: scope.restaurantId },
            { name: '@type', value: type },
            { name: '@from', value: from },
            { name: '@to', value: to },
            ...(scope.waitlistId === undefined ? [] : [{ name: '@waitlistId', value: scope.waitlistId }]),
          ],
        },
        { partitionKey: scope.restaurantId, maxItemCount: -1 },
      )
      .fetchAll();
    return response.resources.map((rollup) => ({ ...rollup, counted: [] }));
  }
}
