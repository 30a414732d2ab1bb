import { beforeAll, describe, expect, it } from 'vitest';
import { codeTextedTo, guest, joinLinkOf, otherThan } from '../guest/support.js';
import { act, eventually, memoryLog, recordOf, recordsOf, useNotificationStack, waitForQueueIdle } from '../support/notifications.js';
import { leaksIn, phoneForms, standalone } from '../support/log-scan.js';
import { Api, newVenue, type Json, type Venue } from '../support/stack.js';

/**
 * Every log line of a run, the app's and the local host's, captured through the stack's log sink:
 * a guest joins by code (after one wrong code), staff notify, the text is delivered, and someone
 * fails to sign in. The app's lines are JSON with their trace, correlation and restaurant ids, and
 * no line holds the personal data or secrets the run used.
 */

const hostLog = memoryLog();
const stack = useNotificationStack({ timers: false, deliveryReportDelayMs: 50, log: hostLog.log });
const api = () => new Api(stack().apiUrl);

const phone = '+14155557319';
const guestName = 'Marigold Featherstonehaugh';
const wrongPassword = 'amber-walrus-tangent-77';

interface Run {
  readonly venue: Venue;
  readonly code: string;
  readonly wrongCode: string;
  readonly statusToken: string;
}

let run: Run;

/** Join by code with one wrong try first, look at the status page, be notified, see it delivered; then a failed sign-in. */
async function theWholeRun(): Promise<Run> {
  const venue = await newVenue(api());
  const joinCode = await joinLinkOf(venue);
  const started = await api().post<{ joinId: string }>(`/v1/join/${joinCode}`, guest(phone, guestName));
  expect(started.status).toBe(202);
  const { joinId } = started.body;
  const code = await codeTextedTo(stack(), phone);
  const wrongCode = otherThan(code);
  const refused = await api().post(`/v1/join/${joinCode}/confirm`, { joinId, code: wrongCode });
  expect(refused.status).toBeGreaterThanOrEqual(400);
  const confirmed = await api().post<Json & { waiteeId: string; statusUrl: string }>(`/v1/join/${joinCode}/confirm`, { joinId, code });
  expect(confirmed.status).toBe(201);
  const statusToken = new URL(confirmed.body.statusUrl).pathname.split('/').at(-1) ?? '';
  expect((await fetch(confirmed.body.statusUrl)).status).toBe(200);

  await act(venue, confirmed.body.waiteeId, 'notify');
  const [tableReady] = (await recordsOf(stack().services, venue.waitlistId, confirmed.body.waiteeId)).filter(
    (n) => n.kind === 'table-ready',
  );
  if (tableReady === undefined) throw new Error('notify wrote no table-ready text');
  const delivered = await eventually(
    () => recordOf(stack().services, venue.waitlistId, tableReady.id),
    (r) => r.status === 'delivered',
    20_000,
  );
  expect(delivered.status).toBe('delivered');
  expect(await waitForQueueIdle(stack())).toBe(true);

  const badLogin = await api().post('/v1/auth/token', { grant_type: 'password', email: venue.owner.email, password: wrongPassword });
  expect(badLogin.status).toBe(400);
  return { venue, code, wrongCode, statusToken };
}

beforeAll(async () => {
  run = await theWholeRun();
  // The delivery report's lines arrive a moment after the record says delivered.
  await eventually(
    () => hostLog.lines.filter((line) => line.includes('"function":"sms-delivery-report"')),
    (lines) => lines.length > 0,
  );
}, 60_000);

const jsonLines = () => hostLog.lines.filter((line) => line.startsWith('{')).map((line) => JSON.parse(line) as Record<string, unknown>);

describe('the log lines of a run', () => {
  it('were captured: the functions, the consumer, the delivery report and the host all wrote some', () => {
    const functionsThatLogged = new Set(jsonLines().map((line) => line.function));
    expect(functionsThatLogged).toContain('notification-consumer');
    expect(functionsThatLogged).toContain('sms-delivery-report');
    expect(jsonLines().filter((line) => line.source === 'local-host').length).toBeGreaterThan(5);
  });

  it('are one JSON object each for the app, with trace, span and correlation ids, and the restaurant where known', () => {
    const appLines = jsonLines();
    for (const line of appLines) {
      expect(line, JSON.stringify(line)).toMatchObject({
        level: expect.stringMatching(/^(info|warn|error)$/) as unknown,
        message: expect.any(String) as unknown,
        traceId: expect.stringMatching(/^[0-9a-f]{32}$/) as unknown,
        spanId: expect.stringMatching(/^[0-9a-f]{16}$/) as unknown,
        correlationId: expect.any(String) as unknown,
      });
    }
    const consumerLines = appLines.filter((line) => line.function === 'notification-consumer');
    expect(consumerLines.length).toBeGreaterThan(0);
    expect(consumerLines.every((line) => line.restaurantId === run.venue.restaurantId)).toBe(true);
    const onRestaurantRoutes = appLines.filter(
      (line) => typeof line.message === 'string' && line.message.includes('/v1/restaurants/{restaurantId}'),
    );
    expect(onRestaurantRoutes.length).toBeGreaterThan(0);
    expect(onRestaurantRoutes.every((line) => line.restaurantId === run.venue.restaurantId)).toBe(true);
  });

  it('never hold the phone number (E.164 or national), the name, a code, the status token, a bearer token or a password', () => {
    expect(hostLog.lines.length).toBeGreaterThan(10);
    const leaked = leaksIn(hostLog.lines, {
      phone: phoneForms(phone),
      name: guestName,
      'first name': 'Marigold',
      'one-time code': standalone(run.code),
      'wrong code': standalone(run.wrongCode),
      'status token': run.statusToken,
      'access token': run.venue.owner.token,
      'refresh token': run.venue.owner.refreshToken,
      password: run.venue.owner.password,
      'wrong password': wrongPassword,
    });
    expect(leaked).toEqual([]);
  });
});
