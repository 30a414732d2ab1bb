import hostJson from '../host.json' with { type: 'json' };
import { notificationsMaxDeliveryCount } from '../src/application/notifications.js';
import type { Services, ServicesProvider } from '../src/application/services.js';
import { ensureUploadsContainer } from '../src/adapters/blob/blob-store.js';
import { createCosmosClient, ensureDatabase } from '../src/adapters/cosmos/client.js';
import { createServices } from '../src/composition/services.js';
import { loadConfig } from '../src/config.js';
import { functions } from '../src/functions/catalog.js';
import type { EventGridFunction, HttpFunction, ServiceBusQueueFunction, TimerFunction } from '../src/functions/catalog-types.js';
import { smsDeliveryReports } from '../src/functions/delivery-reports.js';
import { startBlobEmulator, type BlobEmulator } from './blob.js';
import { startCosmosEmulator, type CosmosEmulator } from './cosmos.js';
import { devTracesPage } from './dev/traces-page.js';
import { devTextsRoute, devTraceRoute } from './host/dev-routes.js';
import { eventGridWebhook, eventGridWebhookPath } from './host/eventgrid-host.js';
import { startHttpHost, type LocalHttpHost } from './host/http-host.js';
import { defaultWebRoot, staticSite } from './host/static-host.js';
import { localIdentityCredential } from './identity/credential.js';
import { registerLocalMetrics, type LocalMetrics } from './metrics.js';
import { startIdentityEndpoint, type IdentityEndpoint } from './identity/endpoint.js';
import { startServiceBusTriggers } from './host/servicebus-host.js';
import { startTimers } from './host/timer-host.js';
import { seedDemo, type DemoData } from './seed.js';
import { startServiceBusEmulator, type ServiceBusEmulator } from './servicebus/index.js';
import { localAppSettings } from './settings.js';
import { maskPhone } from '../src/domain/notification.js';
import { startSmsEmulator, type SmsEmulator } from './sms/emulator.js';
import { localTracing, type TraceStore } from './telemetry.js';
import { createLocalTls } from './tls.js';

export interface LocalStack {
  readonly baseUrl: string;
  readonly apiUrl: string;
  readonly cosmos: CosmosEmulator;
  readonly serviceBus: ServiceBusEmulator;
  readonly sms: SmsEmulator;
  readonly blob: BlobEmulator;
  readonly services: Services;
  /**
   * The app settings its services were built from, over the environment: the emulators' addresses
   * and keys and the signing keys. What a separate worker process serving against this stack needs
   * (a deployment package under scripts/functions-worker.ts), so tokens one issues the other accepts.
   */
  readonly appSettings: Readonly<Record<string, string>>;
  readonly demo: DemoData | null;
  /** The metrics the app recorded in this process (local/metrics.ts: cumulative over every stack it started). */
  readonly metrics: LocalMetrics;
  /** The last traces of this process (local/telemetry.ts), also served at GET /api/dev/traces. */
  readonly traces: TraceStore;
  close(): Promise<void>;
}

export interface LocalStackOptions {
  readonly port?: number;
  readonly seed?: boolean;
  /** Lower scrypt cost for test runs that register many accounts. */
  readonly passwordHashCost?: number;
  /** The notifications queue's peek-lock duration (tests shorten it so crashed deliveries come back fast). */
  readonly lockDurationMs?: number;
  /** Run the producer on its schedule (default true; tests call the sweep themselves). */
  readonly timers?: boolean;
  /** Run the Service Bus queue triggers (default true; the call-count bench and test leave the consumer out of the request's count). */
  readonly queueTriggers?: boolean;
  /** See ServiceBusTriggerOptions.crashBeforeComplete. */
  readonly crashBeforeComplete?: () => boolean;
  /**
   * The SMS emulator reports each text's delivery this long after accepting it, through the host's
   * Event Grid webhook (npm start: 1 s). Absent: no reports, so a text the consumer sent stays `sent`.
   */
  readonly deliveryReportDelayMs?: number;
  /**
   * Where every log line goes: the functions' (one JSON object each, with trace and correlation
   * ids), the local host's and the emulators'. Absent: nowhere (npm start prints them).
   */
  readonly log?: (line: string) => void;
  /** App settings for this stack only, over the environment's (tests share worker processes: never set process.env). */
  readonly settings?: Readonly<Record<string, string>>;
  /** The services' clock (ServicesOptions.now): a test moves it to seed parties on past days. Access tokens keep real time. */
  readonly now?: () => Date;
}

/** The queue as infra/ declares it (docs/deploy.md): the code relies on these properties. */
export const notificationsQueue = {
  maxDeliveryCount: notificationsMaxDeliveryCount,
  duplicateDetectionWindowMs: 10 * 60_000,
  deadLetterOnExpiration: true,
  defaultTtlMs: 24 * 3_600_000,
} as const;

/**
 * The whole product on loopback, and the local host's composition root: embedded Cosmos DB,
 * Service Bus and ACS SMS emulators, the app settings a Functions host would provide, the services
 * built from them, and the function catalog served the way the host serves it (HTTP, timers, queue
 * triggers). Settings already in the environment win; the environment itself is left as it was.
 */
export async function startLocalStack(options: LocalStackOptions = {}): Promise<LocalStack> {
  const log = options.log ?? (() => undefined);
  // Before any function runs: the app fetches its meter on first use (src/application/metrics.ts).
  const localMetrics = registerLocalMetrics();
  const traces = localTracing();
  const stops: (() => Promise<void>)[] = [];
  const closeAll = async () => {
    for (const stop of stops.reverse()) await stop();
  };
  try {
    const emulators = await startEmulators(options, stops, log);
    const { cosmos, serviceBus, sms, blob, identity } = emulators;
    // The HTTP host must listen before the settings exist (they name its address), so its functions
    // wait for the services built from those settings.
    let servicesBuilt: (s: Services) => void = () => undefined;
    const servicesReady = new Promise<Services>((resolve) => {
      servicesBuilt = resolve;
    });
    const services = () => servicesReady;
    const http = await startHttp(options, { ...emulators, traces }, services, log);
    stops.push(() => http.close());

    const settings = await localAppSettings({
      cosmosEndpoint: cosmos.endpoint,
      cosmosKey: cosmos.key,
      baseUrl: http.baseUrl,
      serviceBusConnectionString: serviceBus.connectionString,
      smsConnectionString: sms.connectionString,
      blobEndpoint: blob.endpoint,
      ...(options.passwordHashCost === undefined ? {} : { passwordHashCost: options.passwordHashCost }),
    });
    const appSettings: Record<string, string | undefined> = { ...settings, ...definedIn(process.env), ...options.settings };
    const credential = localIdentityCredential(identity);
    const s = await createServices(loadConfig(appSettings), { credential, ...(options.now === undefined ? {} : { now: options.now }) });
    stops.push(() => s.close());
    servicesBuilt(s);
    const setupClient = createCosmosClient(s.config.cosmos);
    await ensureDatabase(setupClient, s.config.cosmos.database);
    setupClient.dispose();
    // The host stand is served by this host, so its origin (either loopback name) uploads, as the SPA's origin does in Azure.
    const spaOrigins = [http.baseUrl, http.baseUrl.replace('127.0.0.1', 'localhost'), ...s.config.cors.allowedOrigins];
    await ensureUploadsContainer(s.config.uploads, credential, spaOrigins);

    startTriggers(options, { serviceBus, services, appSettings }, stops, log);
    const demo = options.seed === false ? null : await seedDemo(s);
    log(`[dev] texts and traces at ${http.baseUrl}/dev/traces`);
    log(`[sms] outbox at ${http.baseUrl}/dev/sms (numbers in the console are masked, e.g. ${maskPhone('+14155550123')})`);
    return {
      baseUrl: http.baseUrl,
      apiUrl: `${http.baseUrl}/api`,
      cosmos,
      serviceBus,
      sms,
      blob,
      services: s,
      appSettings: { ...settings, ...options.settings },
      demo,
      metrics: localMetrics,
      traces,
      close: closeAll,
    };
  } catch (error) {
    await closeAll();
    throw error;
  }
}

interface Emulators {
  readonly cosmos: CosmosEmulator;
  readonly serviceBus: ServiceBusEmulator;
  readonly sms: SmsEmulator;
  readonly blob: BlobEmulator;
  /** The managed identity's token endpoint: the uploads storage is reached by token, as in Azure. */
  readonly identity: IdentityEndpoint;
}

async function startEmulators(options: LocalStackOptions, stops: (() => Promise<void>)[], log: (line: string) => void): Promise<Emulators> {
  const cosmos = await startCosmosEmulator();
  stops.push(() => cosmos.close());
  const queueName = process.env.NOTIFICATIONS_QUEUE ?? 'notifications';
  const serviceBus = await startServiceBusEmulator({
    queues: [{ name: queueName, ...notificationsQueue, lockDurationMs: options.lockDurationMs ?? 60_000 }],
  });
  stops.push(() => serviceBus.close());
  const sms = await startSmsEmulator({
    log: (line) => {
      log(`[sms] ${line}`);
    },
  });
  stops.push(() => sms.close());
  const identity = await startIdentityEndpoint({ log: () => undefined });
  stops.push(() => identity.close());
  const tls = await createLocalTls();
  stops.push(() => tls.dispose());
  const blob = await startBlobEmulator(tls);
  stops.push(() => blob.close());
  return { cosmos, serviceBus, sms, blob, identity };
}

/** The HTTP side of the host: the catalog's routes, the Event Grid webhook and the SMS outbox page. */
async function startHttp(
  options: LocalStackOptions,
  { sms, blob, traces }: Emulators & { readonly traces: TraceStore },
  services: ServicesProvider,
  log: (line: string) => void,
): Promise<LocalHttpHost> {
  const http = await startHttpHost({
    services,
    functions: functions.filter((f): f is HttpFunction => f.kind === 'http'),
    port: options.port ?? 7071,
    routePrefix: hostJson.extensions.http.routePrefix,
    webApp: staticSite(defaultWebRoot(), { imageOrigins: [new URL(blob.endpoint).origin] }),
    hostRoutes: [
      eventGridWebhook(
        functions.filter((f): f is EventGridFunction => f.kind === 'eventGrid'),
        services,
        log,
      ),
      { path: '/dev/sms', handle: () => ({ status: 200, jsonBody: sms.outbox() }) },
      devTraceRoute(traces),
      devTextsRoute(sms, services),
      devTracesPage(traces, sms, services),
    ],
    corsAllowedOrigins: async () => (await services()).config.cors.allowedOrigins,
    log,
  });
  if (options.deliveryReportDelayMs !== undefined) {
    // What the Event Grid subscription in infra/delivery-reports.bicep does in Azure.
    sms.reportDeliveriesTo({
      endpointUrl: `${http.baseUrl}${eventGridWebhookPath}?functionName=${smsDeliveryReports.name}`,
      delayMs: options.deliveryReportDelayMs,
    });
  }
  return http;
}

/** The queue triggers and the timers, unless the caller runs the consumer or the sweep itself. */
function startTriggers(
  options: LocalStackOptions,
  host: { serviceBus: ServiceBusEmulator; services: ServicesProvider; appSettings: Readonly<Record<string, string | undefined>> },
  stops: (() => Promise<void>)[],
  log: (line: string) => void,
): void {
  if (options.queueTriggers !== false) startQueueTriggers(options, host, stops, log);
  if (options.timers === false) return;
  const timers = startTimers(
    functions.filter((f): f is TimerFunction => f.kind === 'timer'),
    host.services,
    log,
  );
  stops.push(() => {
    timers.stop();
    return Promise.resolve();
  });
}

function startQueueTriggers(
  options: LocalStackOptions,
  host: { serviceBus: ServiceBusEmulator; services: ServicesProvider; appSettings: Readonly<Record<string, string | undefined>> },
  stops: (() => Promise<void>)[],
  log: (line: string) => void,
): void {
  const triggers = startServiceBusTriggers(
    functions.filter((f): f is ServiceBusQueueFunction => f.kind === 'serviceBusQueue'),
    {
      connectionString: host.serviceBus.connectionString,
      services: host.services,
      resolve: (expression) => expression.replace(/%(\w+)%/g, (_whole, name: string) => host.appSettings[name] ?? ''),
      maxConcurrentCalls: hostJson.extensions.serviceBus.maxConcurrentCalls,
      log,
      ...(options.crashBeforeComplete === undefined ? {} : { crashBeforeComplete: options.crashBeforeComplete }),
    },
  );
  stops.push(() => triggers.stop());
}

function definedIn(env: NodeJS.ProcessEnv): Record<string, string> {
  return Object.fromEntries(Object.entries(env).filter((entry): entry is [string, string] => entry[1] !== undefined));
}
