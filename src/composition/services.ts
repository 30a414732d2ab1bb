import type { TokenCredential } from '@azure/core-auth';
import type { Clock, NotificationQueue, SmsSender } from '../application/ports.js';
import type { Services, ServicesProvider } from '../application/services.js';
import { AccessTokens } from '../application/auth/tokens.js';
import { JoinCodes } from '../application/join-codes.js';
import { PageTokens } from '../application/page-tokens.js';
import { AdmissionStore } from '../adapters/cosmos/admissions.js';
import { AnalyticsStore } from '../adapters/cosmos/analytics.js';
import { DueWorkStore } from '../adapters/cosmos/due-work.js';
import { CosmosDependencyCheck } from '../adapters/cosmos/health.js';
import { InvitationStore } from '../adapters/cosmos/invitations.js';
import { JoinLinkStore, JoinRequestStore, RateCounterStore } from '../adapters/cosmos/joins.js';
import { NotificationStore } from '../adapters/cosmos/notifications.js';
import { RestaurantStore } from '../adapters/cosmos/restaurants.js';
import { RefreshTokenStore, StatusLinkStore } from '../adapters/cosmos/tokens.js';
import { UserStore } from '../adapters/cosmos/users.js';
import { WaiteeStore } from '../adapters/cosmos/waitees.js';
import type { Config } from '../config.js';

export interface ServicesOptions {
  /**
   * The credential every keyless service is reached with; DefaultAzureCredential when absent. The
   * local stack hands one that asks its own identity endpoint: @azure/identity finds the
   * managed-identity endpoint in process.env, once per process, and the stack never writes there.
   */
  readonly credential?: TokenCredential;
  /** The clock use cases read (Services.now); the system clock when absent. Tests set it to seed past days. */
  readonly now?: Clock;
}

/**
 * The composition root: the one place that knows which adapter implements which port. Every host
 * builds its services here, from a Config it loaded itself (src/index.ts from the app settings,
 * local/stack.ts from the local stack's settings).
 *
 * Each Azure SDK is imported on the path that uses it, never at module load (docs/architecture.md,
 * Lazy SDK imports): Cosmos DB when the services are built (the first request that reads or writes),
 * Service Bus on the first enqueue, ACS on the first text, @azure/identity on the first token. The
 * Functions worker imports the app before it can serve anything, and the SDKs are most of that
 * import time (see `npm run bench`).
 */
export async function createServices(config: Config, options: ServicesOptions = {}): Promise<Services> {
  const { containersOf, createCosmosClient } = await import('../adapters/cosmos/client.js');
  // One credential for every Azure service, so its token cache and identity endpoint calls are shared.
  const credential = options.credential ?? managedIdentityCredential(config.cosmos.managedIdentityClientId);
  const cosmos = createCosmosClient(config.cosmos, config.cosmos.key === undefined ? credential : undefined);
  const containers = containersOf(cosmos.database(config.cosmos.database));
  const queue = onFirstUse(async () => {
    const { ServiceBusNotificationQueue } = await import('../adapters/servicebus/notification-queue.js');
    return new ServiceBusNotificationQueue(
      config.serviceBus,
      config.serviceBus.emulatorConnectionString === undefined ? credential : undefined,
    );
  });
  let openedQueue: NotificationQueue | undefined;
  const notificationQueue: NotificationQueue = {
    send: async (messages) => {
      openedQueue = await queue();
      await openedQueue.send(messages);
    },
    close: async () => {
      await openedQueue?.close();
    },
  };
  const smsGateway = onFirstUse(async () => {
    const { SmsGateway } = await import('../adapters/sms/sms-gateway.js');
    return new SmsGateway(config.sms, config.sms.emulatorConnectionString === undefined ? credential : undefined);
  });
  const sms: SmsSender = { send: async (request) => (await smsGateway()).send(request) };
  const now = options.now ?? (() => new Date());
  const blobs = onFirstUse(async () => {
    const { AzureBlobStore } = await import('../adapters/blob/blob-store.js');
    return new AzureBlobStore(config.uploads, credential, now);
  });
  const imageCodec = onFirstUse(async () => {
    const { SharpImageCodec } = await import('../adapters/blob/images.js');
    return new SharpImageCodec();
  });
  return {
    config,
    users: new UserStore(containers.users),
    restaurants: new RestaurantStore(containers.restaurants),
    invitations: new InvitationStore(containers),
    waitees: new WaiteeStore(containers.waitees),
    refreshTokens: new RefreshTokenStore(containers.refreshTokens),
    statusLinks: new StatusLinkStore(containers.statusLinks),
    notifications: new NotificationStore(containers.waitees),
    dueWork: new DueWorkStore(containers.waitees, containers.dueWork),
    admissions: new AdmissionStore(containers),
    analytics: new AnalyticsStore(containers.analytics),
    joinLinks: new JoinLinkStore(containers.statusLinks),
    joinRequests: new JoinRequestStore(containers.waitees),
    rateCounters: new RateCounterStore(containers.users),
    joinCodes: new JoinCodes(config.jwt.signingKeys),
    accessTokens: new AccessTokens(config.jwt),
    pageTokens: new PageTokens(config.jwt.signingKeys),
    notificationQueue: () => notificationQueue,
    sms: () => sms,
    blobs,
    imageCodec,
    // Service Bus and ACS are left out: each check would open a connection (AMQP) or cost a call, every probe.
    dependencyChecks: [new CosmosDependencyCheck(containers.statusLinks)],
    now,
    close: async () => {
      await notificationQueue.close();
      cosmos.dispose();
    },
  };
}

/**
 * The app's managed identity, with @azure/identity imported on the first token request: locally
 * (keys and emulator connection strings) it never loads.
 */
export function managedIdentityCredential(managedIdentityClientId: string | undefined): TokenCredential {
  const credential = onFirstUse(async () => {
    const { DefaultAzureCredential } = await import('@azure/identity');
    return new DefaultAzureCredential(managedIdentityClientId === undefined ? {} : { managedIdentityClientId });
  });
  return { getToken: async (scopes, options) => (await credential()).getToken(scopes, options) };
}

/**
 * A value built on first use and kept. A failed build (a bad setting, a module that failed to load)
 * is not kept, so the next use tries again and reports it again.
 */
export function onFirstUse<T>(build: () => Promise<T>): () => Promise<T> {
  let current: Promise<T> | undefined;
  return () => {
    if (current === undefined) {
      const building = build();
      building.catch(() => {
        if (current === building) current = undefined;
      });
      current = building;
    }
    return current;
  };
}

/**
 * Services built on first use and kept: Azure's host imports the app before any request, and a bad
 * setting is reported by name on the request that needs it (and again on the next one).
 */
export function servicesOnFirstUse(build: () => Promise<Services>): ServicesProvider {
  return onFirstUse(build);
}
