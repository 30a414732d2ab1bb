import type { TokenCredential } from '@azure/core-auth';
import type { BlobStore, ImageCodec, NotificationQueue, SmsSender } from '../application/ports.js';
import type { Services, ServicesProvider } from '../application/services.js';
import { AccessTokens } from '../application/auth/tokens.js';
import { JoinCodes } from '../application/join-codes.js';
import { PageTokens } from '../application/page-tokens.js';
import { AdmissionStore } from '../adapters/cosmos/admissions.js';
import { DueWorkStore } from '../adapters/cosmos/due-work.js';
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
}

/**
 * The composition root: the one place that knows which adapter implements which port. Every host
 * builds its services here, from a Config it loaded itself (src/index.ts from the app settings,
 * local/stack.ts from the local stack's settings).
 *
 * The Azure SDK adapters are imported here, on the first request, not at module load: the
 * Functions worker imports the app before it can serve anything, and the SDKs are most of that
 * import time (see `npm run bench`).
 */
export async function createServices(config: Config, options: ServicesOptions = {}): Promise<Services> {
  const [{ containersOf, createCosmosClient }, { ServiceBusNotificationQueue }, { SmsGateway }, { DefaultAzureCredential }] =
    await Promise.all([
      import('../adapters/cosmos/client.js'),
      import('../adapters/servicebus/notification-queue.js'),
      import('../adapters/sms/sms-gateway.js'),
      import('@azure/identity'),
    ]);
  // One credential for every Azure service, so its token cache and identity endpoint calls are shared.
  const { managedIdentityClientId } = config.cosmos;
  let credential: TokenCredential | undefined = options.credential;
  const azureCredential = () =>
    (credential ??= new DefaultAzureCredential(managedIdentityClientId === undefined ? {} : { managedIdentityClientId }));
  const cosmos = createCosmosClient(config.cosmos, config.cosmos.key === undefined ? azureCredential() : undefined);
  const containers = containersOf(cosmos.database(config.cosmos.database));
  let queue: NotificationQueue | undefined;
  let sms: SmsSender | undefined;
  let blobs: Promise<BlobStore> | undefined;
  let imageCodec: Promise<ImageCodec> | undefined;
  const now = () => new Date();
  return {
    config,
    users: new UserStore(containers.users),
    restaurants: new RestaurantStore(containers.restaurants),
    invitations: new InvitationStore(containers),
    waitees: new WaiteeStore(containers.waitees),
    refreshTokens: new RefreshTokenStore(containers.refreshTokens),
    statusLinks: new StatusLinkStore(containers.statusLinks),
    notifications: new NotificationStore(containers.waitees),
    dueWork: new DueWorkStore(containers.dueWork),
    admissions: new AdmissionStore(containers),
    joinLinks: new JoinLinkStore(containers.statusLinks),
    joinRequests: new JoinRequestStore(containers.waitees),
    rateCounters: new RateCounterStore(containers.users),
    joinCodes: new JoinCodes(config.jwt.signingKeys),
    accessTokens: new AccessTokens(config.jwt),
    pageTokens: new PageTokens(config.jwt.signingKeys),
    notificationQueue: () =>
      (queue ??= new ServiceBusNotificationQueue(
        config.serviceBus,
        config.serviceBus.emulatorConnectionString === undefined ? azureCredential() : undefined,
      )),
    sms: () => (sms ??= new SmsGateway(config.sms, config.sms.emulatorConnectionString === undefined ? azureCredential() : undefined)),
    blobs: () =>
      (blobs ??= import('../adapters/blob/blob-store.js').then(
        ({ AzureBlobStore }) => new AzureBlobStore(config.uploads, azureCredential(), now),
      )),
    imageCodec: () => (imageCodec ??= import('../adapters/blob/images.js').then(({ SharpImageCodec }) => new SharpImageCodec())),
    now,
    close: async () => {
      await queue?.close();
      cosmos.dispose();
    },
  };
}

/**
 * Services built on first use and kept: Azure's host imports the app before any request, and a bad
 * setting is reported by name on the request that needs it. A failed build (a bad setting) is not
 * kept, so the next request reports it again.
 */
export function servicesOnFirstUse(build: () => Promise<Services>): ServicesProvider {
  let current: Promise<Services> | undefined;
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
