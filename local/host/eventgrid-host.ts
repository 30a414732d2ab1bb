import { randomUUID } from 'node:crypto';
import type { EventGridEvent, HttpResponseInit } from '@azure/functions';
import { z } from 'zod';
import type { ServicesProvider } from '../../src/application/services.js';
import type { EventGridFunction } from '../../src/functions/catalog-types.js';
import { problemResponse, type ProblemSlug } from '../../src/functions/http/problem.js';
import type { HostRequest, HostRoute } from './http-host.js';
import { describeError, invocationContext } from './invocation.js';

export const eventGridWebhookPath = '/runtime/webhooks/eventgrid';

/** What Event Grid delivers in the Event Grid schema: every field present, `topic` and `metadataVersion` stamped by Event Grid. */
const eventGridEvent = z.object({
  id: z.string().min(1),
  topic: z.string().min(1),
  subject: z.string(),
  eventType: z.string().min(1),
  eventTime: z.iso.datetime({ offset: true }),
  data: z.record(z.string(), z.unknown()),
  dataVersion: z.string(),
  metadataVersion: z.string(),
});

const validationHandshake = z.tuple([z.object({ data: z.object({ validationCode: z.string().min(1) }) })], z.unknown());

/**
 * The Event Grid webhook of the Functions host, as the Event Grid extension serves it in Azure and
 * under `func start`: `POST /runtime/webhooks/eventgrid?functionName={name}`, header
 * `aeg-event-type: Notification` and a JSON array of Event Grid schema events (or one event). Each
 * event is one invocation, all at once; 202 when every invocation succeeded, 500 when any failed
 * (Event Grid then redelivers the whole request). `SubscriptionValidation` answers the handshake
 * with `{ validationResponse }`, `Unsubscribe` is acknowledged, an unknown function is a 404.
 *
 * Where the real host would fail with a 500 on a body Event Grid never sends (not JSON, not the
 * Event Grid schema), this one answers a 400 problem saying what is wrong. No function key is
 * asked for: `func start` does not ask for one either.
 */
export function eventGridWebhook(
  functions: readonly EventGridFunction[],
  services: ServicesProvider,
  log: (line: string) => void,
): HostRoute {
  const byName = new Map(functions.map((fn) => [fn.name.toLowerCase(), { name: fn.name, handler: fn.handler(services) }]));

  return {
    path: eventGridWebhookPath,
    handle: async (request: HostRequest): Promise<HttpResponseInit> => {
      const correlationId = randomUUID();
      const problem = (slug: ProblemSlug, detail: string, headers?: Record<string, string>) =>
        problemResponse(slug, { detail, correlationId, instance: request.url.pathname, ...(headers === undefined ? {} : { headers }) });

      if (request.method !== 'POST') return problem('method-not-allowed', 'The Event Grid webhook accepts POST only.', { allow: 'POST' });
      const functionName = request.url.searchParams.get('functionName') ?? '';
      const fn = byName.get(functionName.toLowerCase());
      if (fn === undefined) {
        return problem(
          'not-found',
          `No Event Grid function named ${JSON.stringify(functionName)}; this host has ${[...byName.values()].map((f) => f.name).join(', ') || 'none'}.`,
        );
      }

      let body: unknown;
      try {
        body = JSON.parse(request.body.toString('utf8'));
      } catch {
        return problem('malformed-body', 'The body is not JSON; Event Grid sends a JSON array of events.');
      }

      const eventType = String(request.headers['aeg-event-type'] ?? '');
      switch (eventType.toLowerCase()) {
        case 'subscriptionvalidation': {
          const handshake = validationHandshake.safeParse(body);
          if (!handshake.success)
            return problem('validation-failed', 'A SubscriptionValidation request carries [{ data: { validationCode } }].');
          log(`[event grid] handshake with ${fn.name}`);
          return { status: 200, jsonBody: { validationResponse: handshake.data[0].data.validationCode } };
        }
        case 'unsubscribe':
          return { status: 202 };
        case 'notification':
          break;
        default:
          return problem('validation-failed', 'The aeg-event-type header must be Notification, SubscriptionValidation or Unsubscribe.');
      }

      const events = z
        .array(eventGridEvent)
        .min(1)
        .safeParse(Array.isArray(body) ? body : [body]);
      if (!events.success)
        return problem('validation-failed', `The body is not Event Grid schema events:\n${z.prettifyError(events.error)}`);

      const outcomes = await Promise.allSettled(
        events.data.map(async (event: EventGridEvent) => {
          await fn.handler(event, invocationContext({ functionName: fn.name, log }));
        }),
      );
      const failures = outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected');
      for (const failure of failures) log(`[${fn.name}] invocation failed: ${describeError(failure.reason)}`);
      if (failures.length > 0)
        return problem(
          'internal',
          `${failures.length} of ${outcomes.length} invocations of ${fn.name} failed; Event Grid would deliver the events again.`,
        );
      return { status: 202 };
    },
  };
}
