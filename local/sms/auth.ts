import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

export type AuthScheme = 'hmac' | 'bearer';
export type AuthOutcome = { readonly ok: true; readonly scheme: AuthScheme } | { readonly ok: false; readonly reason: string };

export interface SignedRequest {
  readonly method: string;
  /** The request target exactly as it arrived (path and query): ACS signs what it receives. */
  readonly pathAndQuery: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
}

export interface AuthPolicy {
  readonly accessKey: Buffer;
  readonly acceptBearer?: ((token: string) => boolean) | undefined;
  readonly now: () => number;
}

// ACS does not document its replay window; 15 minutes is the Azure shared-key convention
// (Storage, Cosmos DB), and it keeps a captured request from being replayable forever.
const maxClockSkewMs = 15 * 60_000;
const hmacPattern = /^HMAC-SHA256 SignedHeaders=([^&\s]+)&Signature=(\S+)$/;

function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value.join(', ') : value;
}

export function authenticate(request: SignedRequest, policy: AuthPolicy): AuthOutcome {
  const authorization = header(request.headers, 'authorization');
  if (!authorization) return { ok: false, reason: 'no Authorization header' };
  if (authorization.startsWith('Bearer ')) {
    if (!policy.acceptBearer) return { ok: false, reason: 'Bearer token sent but this emulator has no acceptBearer check' };
    return policy.acceptBearer(authorization.slice('Bearer '.length).trim())
      ? { ok: true, scheme: 'bearer' }
      : { ok: false, reason: 'Bearer token refused by acceptBearer' };
  }
  const match = hmacPattern.exec(authorization);
  if (!match?.[1] || !match[2])
    return { ok: false, reason: 'Authorization is neither "HMAC-SHA256 SignedHeaders=…&Signature=…" nor "Bearer …"' };
  return verifyHmac(request, match[1].toLowerCase().split(';'), match[2], policy);
}

function verifyHmac(request: SignedRequest, signedHeaders: readonly string[], signature: string, policy: AuthPolicy): AuthOutcome {
  const dateHeader = signedHeaders.includes('x-ms-date') ? 'x-ms-date' : signedHeaders.includes('date') ? 'date' : undefined;
  if (!dateHeader || !signedHeaders.includes('host') || !signedHeaders.includes('x-ms-content-sha256')) {
    return { ok: false, reason: 'SignedHeaders must cover x-ms-date (or date), host and x-ms-content-sha256' };
  }
  const values: string[] = [];
  for (const name of signedHeaders) {
    const value = header(request.headers, name);
    if (value === undefined) return { ok: false, reason: `signed header ${name} is missing from the request` };
    values.push(value);
  }

  const contentHash = createHash('sha256').update(request.body).digest('base64');
  if (header(request.headers, 'x-ms-content-sha256') !== contentHash) {
    return { ok: false, reason: 'x-ms-content-sha256 does not match the SHA-256 of the body' };
  }
  const sentAt = Date.parse(header(request.headers, dateHeader) ?? '');
  if (Number.isNaN(sentAt)) return { ok: false, reason: `${dateHeader} is not an RFC 1123 date` };
  if (Math.abs(policy.now() - sentAt) > maxClockSkewMs) {
    return { ok: false, reason: `${dateHeader} is more than 15 minutes away from the emulator's clock` };
  }

  const stringToSign = `${request.method.toUpperCase()}\n${request.pathAndQuery}\n${values.join(';')}`;
  const expected = createHmac('sha256', policy.accessKey).update(stringToSign, 'utf8').digest();
  const received = Buffer.from(signature, 'base64');
  if (received.length !== expected.length || !timingSafeEqual(received, expected)) {
    return { ok: false, reason: 'HMAC signature mismatch (wrong access key, or the signed path, host or date changed)' };
  }
  return { ok: true, scheme: 'hmac' };
}
