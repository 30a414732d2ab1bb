import { app } from '@azure/functions';
import { functions } from './functions/catalog.js';
import { dispatch, methodsOf } from './functions/http/dispatch.js';

/** The Azure Functions entry point (package.json `main`): registers the catalog with the host. */
for (const fn of functions) {
  switch (fn.kind) {
    case 'http':
      app.http(fn.name, { route: fn.route, methods: methodsOf(fn), authLevel: 'anonymous', handler: dispatch(fn) });
      break;
    case 'timer':
      app.timer(fn.name, { schedule: fn.schedule, handler: fn.handler });
      break;
    case 'serviceBusQueue':
      app.serviceBusQueue(fn.name, { queueName: fn.queueName, connection: fn.connection, handler: fn.handler });
      break;
    case 'eventGrid':
      app.eventGrid(fn.name, { handler: fn.handler });
      break;
  }
}
