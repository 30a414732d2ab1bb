import type { EventGridHandler, HttpHandler, ServiceBusQueueHandler, TimerHandler } from '@azure/functions';

export const httpMethods = ['GET', 'POST', 'PATCH', 'PUT', 'DELETE'] as const;
export type HttpMethod = (typeof httpMethods)[number];

/** One route; the methods it answers each have their own handler. */
export interface HttpFunction {
  readonly kind: 'http';
  readonly name: string;
  /** Relative to the `api` route prefix in host.json, Azure Functions syntax (`v1/things/{id}`). */
  readonly route: string;
  readonly handlers: Readonly<Partial<Record<HttpMethod, HttpHandler>>>;
}

export interface TimerFunction {
  readonly kind: 'timer';
  readonly name: string;
  /** NCRONTAB, six fields, UTC. */
  readonly schedule: string;
  readonly handler: TimerHandler;
}

export interface ServiceBusQueueFunction {
  readonly kind: 'serviceBusQueue';
  readonly name: string;
  readonly queueName: string;
  /** App-setting prefix of the Service Bus connection (identity-based in Azure). */
  readonly connection: string;
  readonly handler: ServiceBusQueueHandler;
}

/**
 * Triggered by Event Grid, which the host receives at `POST /runtime/webhooks/eventgrid?functionName={name}`
 * (Event Grid schema, one invocation per event).
 */
export interface EventGridFunction {
  readonly kind: 'eventGrid';
  readonly name: string;
  readonly handler: EventGridHandler;
}

export type FunctionDefinition = HttpFunction | TimerFunction | ServiceBusQueueFunction | EventGridFunction;
