import type { EventGridHandler, HttpHandler, ServiceBusQueueHandler, TimerHandler } from '@azure/functions';
import type { ServicesProvider } from '../application/services.js';

/**
 * A handler waiting for its services: the catalog stays a side-effect-free list, and each host
 * (src/index.ts, local/host) binds every handler to the services its composition root built.
 */
export type Bindable<H> = (services: ServicesProvider) => H;

export const httpMethods = ['GET', 'POST', 'PATCH', 'PUT', 'DELETE'] as const;
export type HttpMethod = (typeof httpMethods)[number];

/** One route; the methods it answers each have their own handler. */
export interface HttpFunction {
  readonly kind: 'http';
  readonly name: string;
  /** Relative to the `api` route prefix in host.json, Azure Functions syntax (`v1/things/{id}`). */
  readonly route: string;
  readonly handlers: Readonly<Partial<Record<HttpMethod, Bindable<HttpHandler>>>>;
}

export interface TimerFunction {
  readonly kind: 'timer';
  readonly name: string;
  /** NCRONTAB, six fields, UTC. */
  readonly schedule: string;
  readonly handler: Bindable<TimerHandler>;
}

export interface ServiceBusQueueFunction {
  readonly kind: 'serviceBusQueue';
  readonly name: string;
  readonly queueName: string;
  /** App-setting prefix of the Service Bus connection (identity-based in Azure). */
  readonly connection: string;
  readonly handler: Bindable<ServiceBusQueueHandler>;
}

/**
 * Triggered by Event Grid, which the host receives at `POST /runtime/webhooks/eventgrid?functionName={name}`
 * (Event Grid schema, one invocation per event).
 */
export interface EventGridFunction {
  readonly kind: 'eventGrid';
  readonly name: string;
  readonly handler: Bindable<EventGridHandler>;
}

export type FunctionDefinition = HttpFunction | TimerFunction | ServiceBusQueueFunction | EventGridFunction;
