import type { EventGridEvent } from '@azure/functions';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { eventGridWebhook } from '../../local/host/eventgrid-host.js';
import { startHttpHost, type LocalHttpHost } from '../../local/host/http-host.js';
import type { EventGridFunction } from '../../src/functions/catalog-types.js';

/**
 * The local host's Event Grid webhook behaves as the Functions host's Event Grid extension does:
 * one invocation per event, 202 when all succeed, 500 when any fails (so Event Grid redelivers).
 */

const invoked: { functionName: string; event: EventGridEvent }[] = [];
const recording = (name: string, fail: (event: EventGridEvent) => boolean = () => false): EventGridFunction => ({
  kind: 'eventGrid',
  name,
  handler: () => (event, context) => {
    invoked.push({ functionName: context.functionName, event });
    if (fail(event)) return Promise.reject(new Error(`cannot handle ${event.id}`));
    return Promise.resolve();
  },
});

const lines: string[] = [];
let host: LocalHttpHost;

beforeAll(async () => {
  const functions = [recording('Reports'), recording('picky', (event) => event.subject === 'bad')];
  // These functions use no services; the provider is never called.
  const services = () => Promise.reject(new Error('no services in this test'));
  host = await startHttpHost({
    functions: [],
    services,
    port: 0,
    routePrefix: 'api',
    hostRoutes: [eventGridWebhook(functions, services, (line) => lines.push(line))],
    log: () => undefined,
  });
});
afterAll(() => host.close());
beforeEach(() => {
  invoked.length = 0;
});

const event = (id: string, subject = 'ok') => ({
  id,
  topic: '/subscriptions/s/resourceGroups/g/providers/Microsoft.Communication/CommunicationServices/c',
  subject,
  eventType: 'Test.Event',
  eventTime: '2030-01-01T00:00:00Z',
  data: { n: id },
  dataVersion: '1.0',
  metadataVersion: '1',
});

const post = (path: string, body: unknown) =>
  fetch(`${host.baseUrl}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'aeg-event-type': 'Notification' },
    body: JSON.stringify(body),
  });

describe('Event Grid webhook of the local host', () => {
  it('invokes the function once per event and answers 202, matching the path and name without regard to case', async () => {
    const response = await post('/runtime/webhooks/EventGrid?functionName=reports', [event('a'), event('b'), event('c')]);

    expect(response.status).toBe(202);
    expect(await response.text()).toBe('');
    expect(invoked.map((i) => [i.functionName, i.event.id]).sort()).toEqual([
      ['Reports', 'a'],
      ['Reports', 'b'],
      ['Reports', 'c'],
    ]);
    expect(invoked[0]?.event).toEqual(event(invoked[0]?.event.id ?? ''));
  });

  it('accepts a single event object, as the extension does', async () => {
    expect((await post('/runtime/webhooks/eventgrid?functionName=Reports', event('solo'))).status).toBe(202);
    expect(invoked.map((i) => i.event.id)).toEqual(['solo']);
  });

  it('answers 500 when any invocation fails, after running all of them, and logs the failure', async () => {
    const response = await post('/runtime/webhooks/eventgrid?functionName=picky', [event('1'), event('2', 'bad'), event('3')]);

    expect(response.status).toBe(500);
    expect(response.headers.get('content-type')).toBe('application/problem+json');
    expect(((await response.json()) as { detail: string }).detail).toBe(
      '1 of 3 invocations of picky failed; Event Grid would deliver the events again.',
    );
    expect(invoked.map((i) => i.event.id).sort()).toEqual(['1', '2', '3']);
    expect(lines.some((line) => line.includes('[picky] invocation failed: Error: cannot handle 2'))).toBe(true);
  });
});
