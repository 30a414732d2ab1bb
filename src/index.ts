import { app } from '@azure/functions';
import { createServices, servicesOnFirstUse } from './composition/services.js';
import { loadConfig } from './config.js';
import { functions } from './functions/catalog.js';
import { dispatch, methodsOf } from './functions/http/dispatch.js';

/**
 * The Azure Functions entry point (package.json `main`) and the Azure host's composition root: the
 * app settings are read here, once, and the services built from them on the first invocation.
 */
const services = servicesOnFirstUse(() => createServices(loadConfig(process.env)));

// Telemetry loads beside the first invocations, not before them: a failure to start it is logged, never fatal.
void import('./composition/telemetry.js')
  .then(({ startAzureTelemetry }) => startAzureTelemetry(process.env))
  .catch((error: unknown) => {
    console.error('telemetry not started:', error);
  });

for (const fn of functions) {
  switch (fn.kind) {
    case 'http':
      app.http(fn.name, { route: fn.route, methods: methodsOf(fn), authLevel: 'anonymous', handler: dispatch(fn, services) });
      break;
    case 'timer':
      app.timer(fn.name, { schedule: fn.schedule, handler: fn.handler(services) });
      break;
    case 'serviceBusQueue':
      app.serviceBusQueue(fn.name, { queueName: fn.queueName, connection: fn.connection, handler: fn.handler(services) });
      break;
    case 'eventGrid':
      app.eventGrid(fn.name, { handler: fn.handler(services) });
      break;
  }
}
