import type { Config } from '../config.js';
import { loadConfig } from '../config.js';
import { containersOf, createCosmosClient } from '../adapters/cosmos/client.js';
import { RestaurantStore } from '../adapters/cosmos/restaurants.js';
import { RefreshTokenStore, StatusLinkStore } from '../adapters/cosmos/tokens.js';
import { UserStore } from '../adapters/cosmos/users.js';
import { WaiteeStore } from '../adapters/cosmos/waitees.js';
import { NotificationStore } from '../adapters/cosmos/notifications.js';
import { NotificationQueue } from '../adapters/servicebus/notification-queue.js';
import { SmsGateway } from '../adapters/sms/sms-gateway.js';
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
  readonly accessTokens: AccessTokens;
  /** Created on first use: HTTP requests that send nothing never open a Service Bus or ACS client. */
  readonly notificationQueue: () => NotificationQueue;
  readonly sms: () => SmsGateway;
  readonly now: () => Date;
  /** Closes the connections the services opened (the local host calls it on shutdown). */
  readonly close: () => Promise<void>;
}

export function createServices(config: Config): Services {
  const cosmos = createCosmosClient(config.cosmos);
  const containers = containersOf(cosmos.database(config.cosmos.database));
  let queue: NotificationQueue | undefined;
  let sms: SmsGateway | undefined;
  return {
    config,
    users: new UserStore(containers.users),
    restaurants: new RestaurantStore(containers.restaurants),
    waitees: new WaiteeStore(containers.waitees),
    refreshTokens: new RefreshTokenStore(containers.refreshTokens),
    statusLinks: new StatusLinkStore(containers.statusLinks),
    notifications: new NotificationStore(containers.waitees),
    accessTokens: new AccessTokens(config.jwt),
    notificationQueue: () => (queue ??= new NotificationQueue(config.serviceBus, config.cosmos.managedIdentityClientId)),
    sms: () => (sms ??= new SmsGateway(config.sms, config.cosmos.managedIdentityClientId)),
    now: () => new Date(),
    close: async () => {
      await queue?.close();
      cosmos.dispose();
    },
  };
}

let current: Services | undefined;

/**
 * The process-wide services, created on the first request rather than at import so the function
 * app's cold import stays cheap and a bad setting is reported by name on first use (and at start
 * by the hosts, which call this eagerly).
 */
export function services(): Services {
  current ??= createServices(loadConfig());
  return current;
}

/** Forgets the process-wide services (after close) so a host started again reads its settings anew. */
export function resetServices(): void {
  current = undefined;
}
