import { createHash, createHmac, randomBytes } from 'node:crypto';
import { createServer, request, type IncomingHttpHeaders, type Server } from 'node:http';
import { SmsClient } from '@azure/communication-sms';
import type { SmsClientOptions } from '@azure/communication-sms';
import { isRestError } from '@azure/core-rest-pipeline';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { closeServer, listenOnLoopback } from '../../local/loopback.js';
import { outboxJson, startSmsEmulator } from '../../local/sms/emulator.js';
import { maskPhone } from '../../src/domain/notification.js';
import type { SmsDeliveryReportEvent, SmsEmulator } from '../../local/sms/emulator.js';
import { createLocalTls } from '../../local/tls.js';
import type { LocalTls } from '../../local/tls.js';

const from = '+18005550100';
const alice = '+15551234567';
const bob = '+447700900123';
const carol = '+33612345678';

const staticToken = (token: string) => ({
  getToken: () => Promise.resolve({ token, expiresOnTimestamp: Date.now() + 3_600_000 }),
});

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (error: unknown) => error,
  );
}

/** A request signed by hand from the documented scheme, independently of the SDK. */
function signedPost(
  emulator: SmsEmulator,
  pathAndQuery: string,
  body: string,
  date = new Date(),
): Promise<{ status: number; json: unknown }> {
  const url = new URL(emulator.endpoint);
  const xMsDate = date.toUTCString();
  const contentHash = createHash('sha256').update(body).digest('base64');
  const signature = createHmac('sha256', Buffer.from(emulator.accessKey, 'base64'))
    .update(`POST\n${pathAndQuery}\n${xMsDate};${url.host};${contentHash}`)
    .digest('base64');
  return new Promise((resolve, reject) => {
    const outgoing = request(
      {
        host: url.hostname,
        port: url.port,
        path: pathAndQuery,
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-ms-date': xMsDate,
          'x-ms-content-sha256': contentHash,
          authorization: `HMAC-SHA256 SignedHeaders=x-ms-date;host;x-ms-content-sha256&Signature=${signature}`,
        },
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          resolve({ status: response.statusCode ?? 0, json: text ? (JSON.parse(text) as unknown) : undefined });
        });
      },
    );
    outgoing.on('error', reject);
    outgoing.end(body);
  });
}

describe('ACS SMS emulator over http with HMAC (real SmsClient)', () => {
  let emulator: SmsEmulator;
  let lines: string[];
  const client = (options: SmsClientOptions = {}) =>
    new SmsClient(emulator.connectionString, { allowInsecureConnection: true, ...options });

  beforeEach(async () => {
    lines = [];
    emulator = await startSmsEmulator({ log: (line) => lines.push(line) });
  });
  afterEach(() => emulator.close());

  it('gives a connection string the SDK parses, and the SDK needs allowInsecureConnection for http', async () => {
    expect(emulator.connectionString).toMatch(/^endpoint=http:\/\/127\.0\.0\.1:\d+\/;accesskey=[A-Za-z0-9+/]+=*$/);
    const error = await rejection(new SmsClient(emulator.connectionString).send({ from, to: [alice], message: 'hi' }));
    expect(String(error)).toContain('allowInsecureConnection is false');
    expect(emulator.requests()).toEqual([]);
  });

  it('accepts a signed send to one recipient and records it in the outbox', async () => {
    const message = 'Your table for 2 is ready — café ☕';
    const before = Date.now();
    const [result, ...rest] = await client().send({ from, to: [alice], message }, { enableDeliveryReport: true, tag: 'waitee-42' });

    expect(rest).toEqual([]);
    expect(result).toMatchObject({ to: alice, httpStatusCode: 202, successful: true, repeatabilityResult: 'accepted' });
    expect(result?.messageId).toMatch(/^Outgoing_\d{14}[0-9a-f-]{36}$/);
    const [sent] = emulator.outbox();
    expect(sent).toMatchObject({
      messageId: result?.messageId,
      to: alice,
      from,
      message,
      tag: 'waitee-42',
      enableDeliveryReport: true,
      auth: 'hmac',
    });
    expect(Date.parse(sent?.receivedAt ?? '')).toBeGreaterThanOrEqual(before - 1000);
    expect(sent?.repeatabilityRequestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(sent?.repeatabilityFirstSent).toMatch(/ GMT$/);
    expect(emulator.requests()).toMatchObject([{ method: 'POST', path: '/sms?api-version=2021-03-07', status: 202, auth: 'hmac' }]);
  });

  it('sends to several recipients, one outbox entry each, without tag or delivery report by default', async () => {
    const results = await client().send({ from, to: [alice, bob, carol], message: 'Almost your turn' });

    expect(results.map((r) => [r.to, r.successful, r.httpStatusCode])).toEqual([
      [alice, true, 202],
      [bob, true, 202],
      [carol, true, 202],
    ]);
    const outbox = emulator.outbox();
    expect(outbox.map((m) => m.to)).toEqual([alice, bob, carol]);
    expect(new Set(outbox.map((m) => m.messageId)).size).toBe(3);
    for (const sent of outbox) {
      expect(sent.enableDeliveryReport).toBe(false);
      expect(sent).not.toHaveProperty('tag');
    }
    emulator.clearOutbox();
    expect(emulator.outbox()).toEqual([]);
  });

  it('logs one masked line per message, without the text, and exports the outbox as JSON', async () => {
    const before = lines.length;
    await client().send({ from, to: [alice], message: 'Ready' });

    expect(lines.slice(before)).toEqual([`[acs-sms] to +1******4567 from +1******0100: 5 characters`]);
    expect(lines.join('\n')).not.toContain('Ready');
    expect(lines.join('\n')).not.toContain(alice);
    expect(maskPhone(bob)).toBe('+4*******0123');
    const json = JSON.parse(outboxJson(emulator.outbox())) as { count: number; messages: { to: string }[] };
    expect(json.count).toBe(1);
    expect(json.messages[0]?.to).toBe(alice);
  });

  it('refuses a wrong access key with 401, surfaced as a RestError', async () => {
    const wrongKey = randomBytes(64).toString('base64');
    const wrong = new SmsClient(`endpoint=${emulator.endpoint}/;accesskey=${wrongKey}`, { allowInsecureConnection: true });
    const error = await rejection(wrong.send({ from, to: [alice], message: 'hi' }));

    expect(isRestError(error)).toBe(true);
    expect(error).toMatchObject({ name: 'RestError', statusCode: 401, code: 'Denied', message: 'Denied by the resource provider.' });
    expect(emulator.outbox()).toEqual([]);
    expect(lines.some((line) => line.includes('401') && line.includes('HMAC signature mismatch'))).toBe(true);
  });

  it('refuses a body changed after signing (content hash check)', async () => {
    const tamper = client({
      additionalPolicies: [
        {
          position: 'perRetry',
          policy: {
            name: 'tamper',
            sendRequest: (req, next) => {
              if (typeof req.body === 'string') req.body = req.body.replace('hello', 'HELLO');
              return next(req);
            },
          },
        },
      ],
    });
    await expect(tamper.send({ from, to: [alice], message: 'hello' })).rejects.toMatchObject({ statusCode: 401 });
    expect(lines.some((line) => line.includes('x-ms-content-sha256 does not match'))).toBe(true);
  });

  it('checks the documented HMAC scheme and the request date on hand-signed requests', async () => {
    const body = JSON.stringify({ from, smsRecipients: [{ to: alice }], message: 'raw', smsSendOptions: { enableDeliveryReport: false } });
    const fresh = await signedPost(emulator, '/sms?api-version=2021-03-07', body);
    expect(fresh.status).toBe(202);
    expect(fresh.json).toMatchObject({ value: [{ to: alice, httpStatusCode: 202, successful: true }] });
    expect(fresh.json).not.toHaveProperty('value.0.repeatabilityResult');

    const stale = await signedPost(emulator, '/sms?api-version=2021-03-07', body, new Date(Date.now() - 20 * 60_000));
    expect(stale).toEqual({ status: 401, json: { error: { code: 'Denied', message: 'Denied by the resource provider.' } } });

    expect((await signedPost(emulator, '/sms', body)).status).toBe(400);
    const garbage = await signedPost(emulator, '/sms?api-version=2021-03-07', '{"from":');
    expect(garbage).toMatchObject({ status: 400, json: { error: { code: 'BadRequest' } } });
    const noRecipients = await signedPost(
      emulator,
      '/sms?api-version=2021-03-07',
      JSON.stringify({ from, smsRecipients: [], message: 'x' }),
    );
    expect(noRecipients.status).toBe(400);
    expect(emulator.outbox()).toHaveLength(1);
  });

  it('answers a replayed repeatabilityRequestId as before without sending again', async () => {
    const sendTwice = client({
      additionalPolicies: [
        {
          position: 'perRetry',
          policy: {
            name: 'send-twice',
            sendRequest: async (req, next) => {
              await next(req);
              return next(req);
            },
          },
        },
      ],
    });
    const [result] = await sendTwice.send({ from, to: [alice], message: 'once' });

    expect(emulator.requests().map((r) => r.status)).toEqual([202, 202]);
    expect(result).toMatchObject({ successful: true, repeatabilityResult: 'accepted' });
    expect(emulator.outbox()).toHaveLength(1);
    expect(emulator.outbox()[0]?.messageId).toBe(result?.messageId);
    expect(lines.some((line) => line.includes('replay of'))).toBe(true);

    const body = (id: string, firstSent?: string) =>
      JSON.stringify({
        from,
        smsRecipients: [{ to: bob, repeatabilityRequestId: id, ...(firstSent ? { repeatabilityFirstSent: firstSent } : {}) }],
        message: 'raw',
      });
    const rejected = await signedPost(emulator, '/sms?api-version=2021-03-07', body('f0f0f0f0-0000-4000-8000-000000000001'));
    expect(rejected.json).toMatchObject({ value: [{ to: bob, httpStatusCode: 400, successful: false, repeatabilityResult: 'rejected' }] });
    expect(emulator.outbox()).toHaveLength(1);
  });

  it('reports a permanent failure per recipient inside the 202, with nothing in the outbox for it', async () => {
    emulator.failPermanently(bob);
    emulator.failPermanently(carol, 'opted-out');
    const results = await client().send({ from, to: [alice, bob, carol, '0612345678'], message: 'Ready' });

    expect(results).toEqual([
      expect.objectContaining({ to: alice, successful: true, httpStatusCode: 202 }),
      { to: bob, httpStatusCode: 400, repeatabilityResult: 'accepted', successful: false, errorMessage: 'Invalid To phone number format.' },
      {
        to: carol,
        httpStatusCode: 400,
        repeatabilityResult: 'accepted',
        successful: false,
        errorMessage: 'Sender blocked for given recipient.',
      },
      {
        to: '0612345678',
        httpStatusCode: 400,
        repeatabilityResult: 'accepted',
        successful: false,
        errorMessage: 'Invalid To phone number format.',
      },
    ]);
    expect(results[1]).not.toHaveProperty('messageId');
    expect(emulator.outbox().map((m) => m.to)).toEqual([alice]);
  });

  describe('transient failures and the SDK retry policy', () => {
    it('with maxRetries 0 the caller sees the 429 as a RestError carrying Retry-After', async () => {
      emulator.failNext(2, 429);
      const error = await rejection(client({ retryOptions: { maxRetries: 0 } }).send({ from, to: [alice], message: 'hi' }));

      expect(isRestError(error)).toBe(true);
      expect(error).toMatchObject({ statusCode: 429, code: 'TooManyRequests' });
      expect(isRestError(error) ? error.response?.headers.get('retry-after') : undefined).toBe('1');
      expect(emulator.requests().map((r) => r.status)).toEqual([429]);
      expect(emulator.outbox()).toEqual([]);
    });

    it('with default options the SDK honours Retry-After, retries the same request and sends once', async () => {
      emulator.failNext(2, 429, 0);
      const [result] = await client().send({ from, to: [alice], message: 'hi' });

      expect(result?.successful).toBe(true);
      expect(emulator.requests().map((r) => r.status)).toEqual([429, 429, 202]);
      expect(emulator.outbox()).toHaveLength(1);
    });

    it('retries 500 and 503 with exponential back-off and succeeds', async () => {
      emulator.failNext(1, 500);
      emulator.failNext(1, 503);
      const fast = client({ retryOptions: { retryDelayInMs: 5, maxRetryDelayInMs: 20 } });
      const [result] = await fast.send({ from, to: [alice], message: 'hi' });

      expect(result?.successful).toBe(true);
      expect(emulator.requests().map((r) => r.status)).toEqual([500, 503, 202]);
      expect(emulator.outbox()).toHaveLength(1);
    });

    it('gives up after the default three retries with the last status', async () => {
      emulator.failNext(4, 503);
      const fast = client({ retryOptions: { retryDelayInMs: 5, maxRetryDelayInMs: 20 } });

      await expect(fast.send({ from, to: [alice], message: 'hi' })).rejects.toMatchObject({
        name: 'RestError',
        statusCode: 503,
        code: 'ServiceUnavailable',
      });
      expect(emulator.requests().map((r) => r.status)).toEqual([503, 503, 503, 503]);
      expect(emulator.outbox()).toEqual([]);
    });
  });
});

/** An Event Grid subscriber on loopback that keeps what it is sent and answers with `status`. */
async function startSubscriber(): Promise<{
  url: string;
  received: { headers: IncomingHttpHeaders; events: SmsDeliveryReportEvent[] }[];
  status: number;
  close(): Promise<void>;
}> {
  const subscriber = {
    url: '',
    received: [] as { headers: IncomingHttpHeaders; events: SmsDeliveryReportEvent[] }[],
    status: 202,
    close: () => closeServer(server),
  };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      subscriber.received.push({
        headers: req.headers,
        events: JSON.parse(Buffer.concat(chunks).toString('utf8')) as SmsDeliveryReportEvent[],
      });
      res.writeHead(subscriber.status).end();
    });
  });
  subscriber.url = `http://127.0.0.1:${await listenOnLoopback(server, 0)}/runtime/webhooks/eventgrid?functionName=sms-delivery-report`;
  return subscriber;
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 100));

describe('ACS SMS emulator delivery reports (Event Grid webhook delivery)', () => {
  let emulator: SmsEmulator;
  let subscriber: Awaited<ReturnType<typeof startSubscriber>>;
  let lines: string[];
  const client = () => new SmsClient(emulator.connectionString, { allowInsecureConnection: true });
  const reported = async (count: number) => {
    for (let i = 0; i < 100 && emulator.deliveryReports().length < count; i++) await new Promise((resolve) => setTimeout(resolve, 20));
    return emulator.deliveryReports();
  };

  beforeEach(async () => {
    lines = [];
    emulator = await startSmsEmulator({ log: (line) => lines.push(line) });
    subscriber = await startSubscriber();
    emulator.reportDeliveriesTo({ endpointUrl: subscriber.url, delayMs: 10 });
  });
  afterEach(async () => {
    await emulator.close();
    await subscriber.close();
  });

  it('POSTs a SMSDeliveryReportReceived event in the Event Grid schema, echoing the tag', async () => {
    const [result] = await client().send(
      { from, to: [alice], message: 'Your table is ready' },
      { enableDeliveryReport: true, tag: 'waitlist/notification' },
    );
    const [published] = await reported(1);

    expect(published?.status).toBe(202);
    expect(subscriber.received).toHaveLength(1);
    const [delivery] = subscriber.received;
    expect(delivery?.headers).toMatchObject({
      'content-type': 'application/json',
      'aeg-event-type': 'Notification',
      'aeg-data-version': '1.0',
      'aeg-metadata-version': '1',
    });
    expect(delivery?.events).toEqual([published?.event]);
    const sent = emulator.outbox()[0];
    const event = published?.event;
    expect(event?.topic).toMatch(
      /^\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\/Microsoft\.Communication\/CommunicationServices\/[^/]+$/,
    );
    expect(Date.parse(event?.eventTime ?? '')).toBeGreaterThanOrEqual(Date.parse(sent?.receivedAt ?? ''));
    expect(event).toEqual({
      id: result?.messageId,
      topic: event?.topic,
      subject: '/phonenumber/18005550100',
      eventType: 'Microsoft.Communication.SMSDeliveryReportReceived',
      eventTime: event?.eventTime,
      data: {
        MessageId: result?.messageId,
        From: from,
        To: alice,
        DeliveryStatus: 'Delivered',
        DeliveryStatusDetails: 'No error.',
        ReceivedTimestamp: event?.eventTime,
        DeliveryAttempts: [{ Timestamp: sent?.receivedAt, SegmentsSucceeded: 1, SegmentsFailed: 0 }],
        Tag: 'waitlist/notification',
      },
      dataVersion: '1.0',
      metadataVersion: '1',
    });
  });

  it('reports Failed, with the details given, for a number told to fail delivery; the text is still accepted', async () => {
    emulator.failDelivery(bob, 'Handset switched off.');
    emulator.failDelivery(carol);
    const results = await client().send({ from, to: [alice, bob, carol], message: 'x'.repeat(200) }, { enableDeliveryReport: true });
    expect(results.every((r) => r.successful)).toBe(true);
    expect(emulator.outbox()).toHaveLength(3);

    const byNumber = new Map((await reported(3)).map((r) => [r.event.data.To, r.event.data]));
    expect(byNumber.get(alice)).toMatchObject({
      DeliveryStatus: 'Delivered',
      DeliveryAttempts: [{ SegmentsSucceeded: 2, SegmentsFailed: 0 }],
    });
    expect(byNumber.get(bob)).toMatchObject({
      DeliveryStatus: 'Failed',
      DeliveryStatusDetails: 'Handset switched off.',
      DeliveryAttempts: [{ SegmentsSucceeded: 0, SegmentsFailed: 2 }],
    });
    expect(byNumber.get(carol)?.DeliveryStatus).toBe('Failed');
    expect(byNumber.get(carol)?.DeliveryStatusDetails).toContain('unreachable');
    expect(byNumber.get(bob)).not.toHaveProperty('Tag');
  });

  it('reports nothing for texts without delivery reports, refused texts, or replays of a repeatability id', async () => {
    emulator.failPermanently(bob);
    await client().send({ from, to: [alice], message: 'no report asked' });
    await client().send({ from, to: [bob], message: 'refused' }, { enableDeliveryReport: true });
    const sendTwice = new SmsClient(emulator.connectionString, {
      allowInsecureConnection: true,
      additionalPolicies: [
        {
          position: 'perRetry',
          policy: {
            name: 'send-twice',
            sendRequest: async (req, next) => {
              await next(req);
              return next(req);
            },
          },
        },
      ],
    });
    await sendTwice.send({ from, to: [carol], message: 'once' }, { enableDeliveryReport: true });

    await settle();
    expect(emulator.deliveryReports().map((r) => r.event.data.To)).toEqual([carol]);
  });

  it('stops reporting when told, and a pending report dies with the emulator', async () => {
    emulator.reportDeliveriesTo(null);
    await client().send({ from, to: [alice], message: 'unreported' }, { enableDeliveryReport: true });
    emulator.reportDeliveriesTo({ endpointUrl: subscriber.url, delayMs: 60_000 });
    await client().send({ from, to: [bob], message: 'reported too late' }, { enableDeliveryReport: true });
    await settle();
    await emulator.close();
    emulator = await startSmsEmulator({ log: () => undefined });

    expect(subscriber.received).toEqual([]);
  });

  it('logs a subscriber that fails or cannot be reached, and keeps serving', async () => {
    subscriber.status = 500;
    await client().send({ from, to: [alice], message: 'first' }, { enableDeliveryReport: true });
    await reported(1);
    emulator.reportDeliveriesTo({ endpointUrl: 'http://127.0.0.1:9/unreachable', delayMs: 0 });
    await client().send({ from, to: [bob], message: 'second' }, { enableDeliveryReport: true });

    expect((await reported(2)).map((r) => r.status)).toEqual([500, 'unreachable']);
    expect(lines.some((line) => line.includes('subscriber answered 500') && line.includes('+1******4567'))).toBe(true);
    expect(lines.some((line) => /delivery report Outgoing_\S+ not delivered/.test(line))).toBe(true);
    const [after] = await client().send({ from, to: [carol], message: 'still serving' });
    expect(after?.successful).toBe(true);
  });
});

describe('ACS SMS emulator over https with Bearer (real SmsClient)', () => {
  let tls: LocalTls;
  let emulator: SmsEmulator;

  beforeAll(async () => {
    tls = await createLocalTls();
    emulator = await startSmsEmulator({
      https: { key: tls.key, cert: tls.cert },
      acceptBearer: (token) => token === 'good-token',
      log: () => undefined,
    });
  });
  afterAll(async () => {
    await emulator.close();
    await tls.dispose();
  });

  // In-process the CA goes in tlsOptions; the production-shaped path (NODE_EXTRA_CA_CERTS in a
  // child process, ManagedIdentityCredential) is covered in identity.test.ts.
  const bearerClient = (token: string) => new SmsClient(emulator.endpoint, staticToken(token), { tlsOptions: { ca: tls.caCert } });

  it('accepts a token acceptBearer approves', async () => {
    const [result] = await bearerClient('good-token').send({ from, to: [alice], message: 'via Entra ID' });

    expect(emulator.endpoint).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    expect(result?.successful).toBe(true);
    expect(emulator.outbox().at(-1)).toMatchObject({ to: alice, message: 'via Entra ID', auth: 'bearer' });
  });

  it('refuses a token acceptBearer rejects with 401', async () => {
    await expect(bearerClient('forged').send({ from, to: [alice], message: 'x' })).rejects.toMatchObject({
      name: 'RestError',
      statusCode: 401,
      code: 'Denied',
    });
  });

  it('still accepts HMAC over https', async () => {
    const [result] = await new SmsClient(emulator.connectionString, { tlsOptions: { ca: tls.caCert } }).send({
      from,
      to: [bob],
      message: 'hmac over tls',
    });
    expect(result?.successful).toBe(true);
  });

  it('the SDK itself refuses to send a Bearer token over http', async () => {
    const plain = await startSmsEmulator({ acceptBearer: () => true, log: () => undefined });
    try {
      const client = new SmsClient(plain.endpoint, staticToken('good-token'), { allowInsecureConnection: true });
      const error = await rejection(client.send({ from, to: [alice], message: 'x' }));
      expect(String(error)).toContain('Bearer token authentication is not permitted for non-TLS protected (non-https) URLs');
      expect(plain.requests()).toEqual([]);
    } finally {
      await plain.close();
    }
  });
});
