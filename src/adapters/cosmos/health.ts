import type { Container } from '@azure/cosmos';
import type { DependencyCheck } from '../../application/ports.js';

/** An id no document has: reading it is a 404, the cheapest request the account answers (1 RU). */
const probeId = 'health-probe';

/**
 * Cosmos DB is ready when a point read reaches it. A missing document is an answer (the SDK
 * resolves with no resource), so only an unreachable account, a refused token or a timeout fails.
 */
export class CosmosDependencyCheck implements DependencyCheck {
  readonly dependency = 'storage';

  constructor(private readonly container: Container) {}

  async check(signal: AbortSignal): Promise<void> {
    await this.container.item(probeId, probeId).read({ abortSignal: signal });
  }
}
