import type { HttpResponseInit } from '@azure/functions';
import type { ServicesProvider } from '../../src/application/services.js';
import { contextOfTraceparent } from '../../src/application/tracing.js';
import { maskPhone, parseSmsTag } from '../../src/domain/notification.js';
import { problemResponse } from '../../src/functions/http/problem.js';
import { trace } from '@opentelemetry/api';
import type { SmsEmulator } from '../sms/emulator.js';
import type { TraceStore } from '../telemetry.js';
import type { HostRequest, HostRoute } from './http-host.js';

/**
 * The local host's developer endpoints for traces and texts (docs/observability.md). They exist
 * only here: the Azure catalog has no such route (test/observability/trace.test.ts checks it).
 */
export const devTracesPath = '/api/dev/traces';
export const devTextsPath = '/api/dev/texts';

/** One text the SMS emulator accepted, with the trace of the request that caused it. */
export interface RecentText {
  readonly notificationId: string;
  readonly waitlistId: string;
  readonly kind: string | null;
  readonly to: string;
  readonly message: string;
  readonly status: string | null;
  readonly acceptedAt: string;
  readonly traceId: string | null;
}

const recentTextCount = 50;

export function onlyGet(request: HostRequest): HttpResponseInit | null {
  if (request.method === 'GET') return null;
  return problemResponse('method-not-allowed', {
    detail: `${request.method} is not supported here. Allowed: GET.`,
    correlationId: 'local',
    instance: request.url.pathname,
    headers: { allow: 'GET' },
  });
}

export function devTraceRoute(store: TraceStore): HostRoute {
  return {
    path: devTracesPath,
    andBelow: true,
    handle: (request) => {
      const refused = onlyGet(request);
      if (refused !== null) return refused;
      const rest = request.url.pathname.slice(devTracesPath.length).replace(/^\//, '').replace(/\/$/, '');
      if (rest === '') return { status: 200, jsonBody: { items: store.recent() } };
      const detail = /^[0-9a-f]{32}$/.test(rest) ? store.get(rest) : null;
      if (detail !== null) return { status: 200, jsonBody: detail };
      return problemResponse('not-found', {
        detail: `No trace ${rest} among the last ones kept (a trace id is 32 lowercase hex digits; GET ${devTracesPath} lists them).`,
        correlationId: 'local',
        instance: request.url.pathname,
      });
    },
  };
}

/** The texts the emulator accepted, newest first, each with its record's status and trace id. */
export async function recentTexts(sms: SmsEmulator, services: ServicesProvider): Promise<RecentText[]> {
  const s = await services();
  const sent = sms.outbox().slice(-recentTextCount).reverse();
  const items = await Promise.all(
    sent.map(async (text): Promise<RecentText | null> => {
      const address = parseSmsTag(text.tag);
      if (address === null) return null;
      const record = (await s.notifications.get(address.waitlistId, address.notificationId))?.value;
      const traceId =
        record?.traceparent === undefined ? null : (trace.getSpanContext(contextOfTraceparent(record.traceparent))?.traceId ?? null);
      return {
        ...address,
        kind: record?.kind ?? null,
        to: maskPhone(text.to),
        message: text.message,
        status: record?.status ?? null,
        acceptedAt: text.receivedAt,
        traceId,
      };
    }),
  );
  return items.filter((item) => item !== null);
}

export function devTextsRoute(sms: SmsEmulator, services: ServicesProvider): HostRoute {
  return {
    path: devTextsPath,
    handle: async (request) => onlyGet(request) ?? { status: 200, jsonBody: { items: await recentTexts(sms, services) } },
  };
}
