import { managedIdentityCredential } from './services.js';

/**
 * Azure's telemetry composition root: the Azure Monitor OpenTelemetry distro registers the tracer,
 * meter and logger providers, the context manager and the W3C propagator, and exports to
 * Application Insights. Application Insights has local auth disabled, so the exporter signs in
 * with the app's managed identity (AZURE_CLIENT_ID), never with the connection string's key.
 *
 * The distro is heavy and declares node>=22, so it is imported only here, only when a connection
 * string is set (in Azure: infra/app/api.bicep), and after the worker has loaded the app: a cold
 * start does not wait for it (docs/architecture.md, Lazy SDK imports). Spans started before it is
 * registered are no-ops.
 */
export async function startAzureTelemetry(env: Readonly<Record<string, string | undefined>>): Promise<boolean> {
  const connectionString = env.APPLICATIONINSIGHTS_CONNECTION_STRING;
  if (connectionString === undefined || connectionString === '') return false;
  const { useAzureMonitor } = await import('@azure/monitor-opentelemetry');
  useAzureMonitor({
    azureMonitorExporterOptions: { connectionString, credential: managedIdentityCredential(env.AZURE_CLIENT_ID) },
    // One trace per text: every span of a request and of the invocations it causes, not a per-second sample.
    tracesPerSecond: 0,
    samplingRatio: 1,
  });
  return true;
}
