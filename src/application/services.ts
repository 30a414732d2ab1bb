import type { Config } from '../config.js';
import { loadConfig } from '../config.js';
import { containersOf, createCosmosClient } from '../adapters/cosmos/client.js';
import { RestaurantStore } from '../adapters/cosmos/restaurants.js';
import { RefreshTokenStore, StatusLinkStore } from '../adapters/cosmos/tokens.js';
import { UserStore } from '../adapters/cosmos/users.js';
import { WaiteeStore } from '../adapters/cosmos/waitees.js';
import { AccessTokens } from './auth/tokens.js';

/** Everything a use case needs, built once per process from the configuration. */
export interface Services {
  readonly config: Config;
  readonly users: UserStore;
  readonly restaurants: RestaurantStore;
  readonly waitees: WaiteeStore;
  readonly refreshTokens: RefreshTokenStore;
  readonly statusLinks: StatusLinkStore;
  readonly accessTokens: AccessTokens;
  readonly now: () => Date;
}

export function createServices(config: Config): Services {
  const containers = containersOf(createCosmosClient(config.cosmos).database(config.cosmos.database));
  return {
    config,
    users: new UserStore(containers.users),
    restaurants: new RestaurantStore(containers.restaurants),
    waitees: new WaiteeStore(containers.waitees),
    refreshTokens: new RefreshTokenStore(containers.refreshTokens),
    statusLinks: new StatusLinkStore(containers.statusLinks),
    accessTokens: new AccessTokens(config.jwt),
    now: () => new Date(),
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
