import type { TokenCredential } from '@azure/core-auth';
import type { Config } from '../config.js';
import { loadConfig } from '../config.js';
import { DueWorkStore } from '../adapters/cosmos/due-work.js';
import { NotificationStore } from '../adapters/cosmos/notifications.js';
import { RestaurantStore } from '../adapters/cosmos/restaurants.js';
import { RefreshTokenStore, StatusLinkStore } from '../adapters/cosmos/tokens.js';
import { UserStore } from '../adapters/cosmos/users.js';
import { WaiteeStore } from '../adapters/cosmos/waitees.js';
import type { NotificationQueue } from '../adapters/servicebus/notification-queue.js';
import type { SmsGateway } from '../adapters/sms/sms-gateway.js';
import { AccessTokens } from './auth/tokens.js';

/** Everything a use case needs, built once per process from the configuration. */
export interface Services {
  readonly config: Config;
  readonly users: UserStore;
  readonly restaurants: RestaurantStore;
  readonly waitees: WaiteeStore;
  readonly refreshTokens: RefreshTokenStore;
  readonly statusLinks: StatusLinkStore;
  readonly notifications: NotificationStore;
  readonly dueWork: DueWorkStore;
  readonly accessTokens: AccessTokens;
  /** Opened on first use: requests that send nothing never connect to Service Bus or ACS. */
  readonly notificationQueue: () => NotificationQueue;
  readonly sms: () => SmsGateway;
  readonly now: () => Date;
  /** Closes the connections the services opened (the local host calls it on shutdown). */
  readonly close: () => Promise<void>;
}

/**
 * The Azure SDK adapters are imported here, on the first request, not at module load: the
 * Functions worker imports the app before it can serve anything, and the SDKs are most of that
 * import time (see `npm run bench`).
 */
export async function createServices(config: Config): Promise<Services> {
  const [{ containersOf, createCosmosClient }, { NotificationQueue }, { SmsGateway }, { DefaultAzureCredential }] = await Promise.all([
    import('../adapters/cosmos/client.js'),
    import('../adapters/servicebus/notification-queue.js'),
    import('../adapters/sms/sms-gateway.js'),
    import('@azure/identity'),
  ]);
  // One credential for every Azure service, so its token cache and identity endpoint calls are shared.
  const { managedIdentityClientId } = config.cosmos;
  let credential: TokenCredential | undefined;
  const azureCredential = () =>
    (credential ??= new DefaultAzureCredential(managedIdentityClientId === undefined ? {} : { managedIdentityClientId }));
  const cosmos = createCosmosClient(config.cosmos, config.cosmos.key === undefined ? azureCredential() : undefined);
  const containers = containersOf(cosmos.database(config.cosmos.database));
  const dueWork = new DueWorkStore(containers.dueWork);
  let queue: NotificationQueue | undefined;
  let sms: SmsGateway | undefined;
  return {
    config,
    users: new UserStore(containers.users),
    restaurants: new RestaurantStore(containers.restaurants),
    waitees: new WaiteeStore(containers.waitees),
    refreshTokens: new RefreshTokenStore(containers.refreshTokens),
    statusLinks: new StatusLinkStore(containers.statusLinks),
    notifications: new NotificationStore(containers.waitees, dueWork),
    dueWork,
    accessTokens: new AccessTokens(config.jwt),
    notificationQueue: () =>
      (queue ??= new NotificationQueue(
        config.serviceBus,
        config.serviceBus.emulatorConnectionString === undefined ? azureCredential() : undefined,
      )),
    sms: () => (sms ??= new SmsGateway(config.sms, config.sms.emulatorConnectionString === undefined ? azureCredential() : undefined)),
    now: () => new Date(),
    close: async () => {
      await queue?.close();
      cosmos.dispose();
    },
  };
}

let current: Promise<Services> | undefined;

/**
 * The process-wide services, created on the first request (a bad setting is reported by name
 * then, and at start by the local host, which calls this eagerly).
 */
export function services(): Promise<Services> {
  if (current === undefined) {
    const creating = (async () => createServices(loadConfig()))();
    // A failed start (a bad setting) is not kept: the next request reports it again.
    creating.catch(() => {
      if (current === creating) current = undefined;
    });
    current = creating;
  }
  return current;
}

/** Forgets the process-wide services (after close) so a host started again reads its settings anew. */
export function resetServices(): void {
  current = undefined;
}
