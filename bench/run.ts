import { benchApi } from './api.js';
import { benchColdImport } from './cold-import.js';
import { benchEstimates } from './estimates.js';
import { benchNotifications } from './notifications.js';
import { benchPackage } from './package.js';
import { benchRetention } from './retention.js';
import { benchTelemetry } from './telemetry.js';
import { benchWeb } from './web.js';

/** `npm run bench`: prints figures measured in this run, each against a baseline from the same run. */
console.log(`Node ${process.version} on ${String((await import('node:os')).cpus().length)} cores\n`);
benchColdImport();
await benchPackage();
await benchApi();
await benchTelemetry();
await benchNotifications();
await benchWeb();
await benchRetention();
benchEstimates();
