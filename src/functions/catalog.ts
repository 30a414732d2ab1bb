import { analyticsFunctions } from './analytics.js';
import { authFunctions } from './auth.js';
import type { FunctionDefinition } from './catalog-types.js';
import { smsDeliveryReports } from './delivery-reports.js';
import { invitationFunctions } from './invitations.js';
import { joinFunctions } from './joins.js';
import { meFunctions } from './me.js';
import { notificationConsumer, notificationHttpFunctions, notificationProducer } from './notifications.js';
import { openApiFunctions } from './openapi.js';
import { restaurantFunctions } from './restaurants.js';
import { statusFunctions } from './status.js';
import { uploadFunctions } from './uploads.js';
import { waiteeFunctions } from './waitees.js';
import { waitlistFunctions } from './waitlists.js';

/**
 * Every function of the app, in one side-effect-free list. src/index.ts registers it with the
 * Azure Functions host; local/host serves the same list on 127.0.0.1.
 */
export const functions: readonly FunctionDefinition[] = [
  ...authFunctions,
  ...meFunctions,
  ...restaurantFunctions,
  ...uploadFunctions,
  ...invitationFunctions,
  ...waitlistFunctions,
  ...waiteeFunctions,
  ...statusFunctions,
  ...joinFunctions,
  ...notificationHttpFunctions,
  ...analyticsFunctions,
  ...openApiFunctions,
  notificationProducer,
  notificationConsumer,
  smsDeliveryReports,
];
