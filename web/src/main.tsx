import { onlineManager, QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { createApiClient, createTokenEndpoint } from './api/client.js';
import { loadRuntimeConfig } from './api/load-config.js';
import { Connectivity } from './api/connectivity.js';
import { ServicesProvider, type AppServices } from './api/context.js';
import { pageLifecycleStore } from './api/refresh-token-store.js';
import { Session } from './api/session.js';
import { App } from './app/App.js';
import './styles.css';

/**
 * TanStack Query pauses mutations while offline and runs them when the connection is back; here
 * "online" also needs the API to answer, so a host's action waits for the API rather than failing.
 */
function connectQueriesTo(connectivity: Connectivity): void {
  window.addEventListener('online', () => {
    connectivity.setBrowserOnline(true);
  });
  window.addEventListener('offline', () => {
    connectivity.setBrowserOnline(false);
  });
  onlineManager.setEventListener((setOnline) =>
    connectivity.subscribe(() => {
      setOnline(connectivity.getSnapshot().online);
    }),
  );
}

async function start(root: HTMLElement): Promise<void> {
  const config = await loadRuntimeConfig();
  const connectivity = new Connectivity(navigator.onLine);
  const send = connectivity.watch((request) => fetch(request));
  const session = new Session({ endpoint: createTokenEndpoint(config, send), store: pageLifecycleStore(sessionStorage, window), send });
  const services: AppServices = { config, session, connectivity, api: createApiClient(config, session.fetch) };
  connectQueriesTo(connectivity);
  await session.resume();
  const queryClient = new QueryClient({
    defaultOptions: {
      queries: { staleTime: 2_000, retry: 1 },
      // A move that found no network is tried again, and TanStack holds each retry until the
      // connection is back: the host's tap waits instead of failing. Safe because every move carries
      // If-Match and a walk-in an Idempotency-Key, so a request that did arrive is not applied twice.
      mutations: { retry: (failures, error) => error instanceof TypeError && failures < 10 },
    },
  });
  createRoot(root).render(
    <StrictMode>
      <QueryClientProvider client={queryClient}>
        <ServicesProvider services={services}>
          <App />
        </ServicesProvider>
      </QueryClientProvider>
    </StrictMode>,
  );
}

const root = document.getElementById('root');
if (root !== null)
  start(root).catch((error: unknown) => {
    root.textContent = `The host stand could not start: ${error instanceof Error ? error.message : String(error)}`;
  });
