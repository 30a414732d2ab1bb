import { createContext, useContext, useSyncExternalStore, type ReactNode } from 'react';
import type { ApiClient } from './client.js';
import type { RuntimeConfig } from './config.js';
import type { Connectivity, ConnectivitySnapshot } from './connectivity.js';
import type { Session, SessionSnapshot } from './session.js';

/** What every screen reaches through hooks: the typed client, the session, the connection. */
export interface AppServices {
  readonly config: RuntimeConfig;
  readonly api: ApiClient;
  readonly session: Session;
  readonly connectivity: Connectivity;
}

const ServicesContext = createContext<AppServices | null>(null);

export function ServicesProvider({ services, children }: { services: AppServices; children: ReactNode }): ReactNode {
  return <ServicesContext value={services}>{children}</ServicesContext>;
}

function useServices(): AppServices {
  const services = useContext(ServicesContext);
  if (services === null) throw new Error('useServices outside ServicesProvider');
  return services;
}

/** The typed API client (openapi-fetch); wrap its answers in `unwrap` (errors.ts) inside a query or mutation. */
export function useApi(): ApiClient {
  return useServices().api;
}

export function useSession(): Session {
  return useServices().session;
}

export function useSessionState(): SessionSnapshot {
  const session = useSession();
  return useSyncExternalStore(session.subscribe, session.getSnapshot);
}

/** Online means the browser has a network and the API answered the latest request; actions wait otherwise. */
export function useConnectivity(): ConnectivitySnapshot {
  const { connectivity } = useServices();
  return useSyncExternalStore(connectivity.subscribe, connectivity.getSnapshot);
}
