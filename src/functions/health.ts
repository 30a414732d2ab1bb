import type { HttpHandler, HttpRequest, HttpResponseInit, InvocationContext } from '@azure/functions';
import { z } from 'zod';
import { unavailableDependencies, type DependencyOutcome } from '../application/health.js';
import type { ServicesProvider } from '../application/services.js';
import type { HttpFunction } from './catalog-types.js';
import { correlationIdOf } from './http/endpoint.js';
import { problemResponse, securityHeaders } from './http/problem.js';

const probes = ['live', 'ready'] as const;
type Probe = (typeof probes)[number];

const probeMessage = 'must be "live" (the process answers) or "ready" (it can reach its dependencies; the default)';

/** The dependency name a caller reads when the services could not even be built (a missing or malformed setting). */
const configuration = 'configuration';

function ok(correlationId: string): HttpResponseInit {
  return {
    status: 200,
    headers: { 'content-type': 'application/json', ...securityHeaders, 'x-correlation-id': correlationId },
    jsonBody: { status: 'ok' },
  };
}

/** Other query parameters are ignored, as on every route but the line's. */
export const healthQuery = z.object({ probe: z.enum(probes, { error: probeMessage }).default('ready') });

/** The probe asked for; null when `probe` is not one of them or is given twice. */
function probeOf(request: HttpRequest): Probe | null {
  const given = new URL(request.url).searchParams.getAll('probe');
  if (given.length > 1) return null;
  const parsed = healthQuery.safeParse({ probe: given[0] });
  return parsed.success ? parsed.data.probe : null;
}

async function readiness(services: ServicesProvider): Promise<DependencyOutcome[]> {
  try {
    return await unavailableDependencies(await services());
  } catch (error) {
    return [{ dependency: configuration, failure: error instanceof Error ? error.message : String(error) }];
  }
}

/**
 * Not the endpoint() pipeline: that builds the services before anything else, and liveness must
 * answer without them (a process whose settings or dependencies are broken is still alive; a
 * restart would not fix it). Readiness builds them and asks each dependency one cheap question.
 */
const health =
  (services: ServicesProvider): HttpHandler =>
  async (request: HttpRequest, context: InvocationContext) => {
    const correlationId = correlationIdOf(request, context);
    const instance = new URL(request.url).pathname;
    const probe = probeOf(request);
    if (probe === null) {
      return problemResponse('validation-failed', {
        detail: `The query /probe: ${probeMessage}.`,
        correlationId,
        instance,
        extensions: { errors: [{ pointer: '/probe', where: 'query', message: probeMessage }] },
      });
    }
    if (probe === 'live') return ok(correlationId);
    const unavailable = await readiness(services);
    if (unavailable.length === 0) return ok(correlationId);
    for (const { dependency, failure } of unavailable) context.warn(`[${correlationId}] not ready: ${dependency}: ${failure ?? ''}`);
    const names = unavailable.map((outcome) => outcome.dependency);
    return problemResponse('unavailable', {
      detail: `Not ready: ${names.join(', ')} ${names.length === 1 ? 'is' : 'are'} unavailable. Try again shortly.`,
      correlationId,
      instance,
      extensions: { unavailable: names },
      headers: { 'retry-after': '10' },
    });
  };

export const healthFunctions: readonly HttpFunction[] = [{ kind: 'http', name: 'health', route: 'health', handlers: { GET: health } }];
