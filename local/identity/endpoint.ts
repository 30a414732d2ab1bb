/**
 * A loopback managed-identity token endpoint in the App Service style (IDENTITY_ENDPOINT +
 * IDENTITY_HEADER), so the production credential code (`ManagedIdentityCredential`,
 * `DefaultAzureCredential`) runs unchanged on a laptop (docs/architecture.md, "Same code everywhere").
 *
 * Hand-written because there is no IMDS/App Service identity emulator on npm. It answers the one
 * request @azure/identity 4.x (through @azure/msal-node's AppService source) makes:
 * `GET {IDENTITY_ENDPOINT}?api-version=2019-08-01&resource=…[&client_id=…]` with the secret in
 * `X-IDENTITY-HEADER`, and replies `{ access_token, expires_on, resource, token_type }`.
 * The tokens look like Entra ID v1 tokens but are not signed by anyone: only local emulators that
 * read claims without verifying signatures (Azurite `--oauth basic`, the Cosmos emulator, the SMS
 * emulator's acceptBearer) should ever see them.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { closeServer, listenOnLoopback } from '../loopback.js';

/** Fixed ids so local data (owners, role checks, logs) stay stable across restarts. */
export const localTenantId = '00000000-0000-4000-a000-00000000000a';
export const localPrincipalId = '00000000-0000-4000-a000-00000000000b';
export const localClientId = '00000000-0000-4000-a000-00000000000c';

const apiVersion = '2019-08-01';
const tokenLifetimeSeconds = 24 * 3600; // what App Service hands out; MSAL refreshes at half-life
const clockSkewSeconds = 5 * 60; // Entra backdates nbf by five minutes

export interface IdentityRequestRecord {
  readonly receivedAt: string;
  readonly status: number;
  readonly resource?: string;
  readonly clientId?: string;
  /** The token handed out, so a local resource can check a Bearer came from here. */
  readonly accessToken?: string;
}

export interface IdentityEndpointOptions {
  /** 0 or absent: a free port. */
  readonly port?: number;
  /** Access token for a resource (scope without "/.default"); an Entra-shaped JWT by default. */
  readonly tokenFor?: (resource: string, clientId?: string) => string;
  /** The secret expected in X-IDENTITY-HEADER; random when absent. */
  readonly header?: string;
  /** One line per request; console.log when absent. */
  readonly log?: (line: string) => void;
}

export interface IdentityEndpoint {
  /** Value for IDENTITY_ENDPOINT, e.g. http://127.0.0.1:PORT/msi/token */
  readonly endpoint: string;
  /** Value for IDENTITY_HEADER. */
  readonly header: string;
  requests(): readonly IdentityRequestRecord[];
  close(): Promise<void>;
}

const base64url = (value: object): string => Buffer.from(JSON.stringify(value)).toString('base64url');

/** An Entra ID v1-shaped app token: iss sts.windows.net/<tenant>/, aud = resource, valid nbf/exp. */
export function localAccessToken(resource: string, clientId?: string, nowSeconds = Math.floor(Date.now() / 1000)): string {
  const issuer = `https://sts.windows.net/${localTenantId}/`;
  const header = { typ: 'JWT', alg: 'RS256', kid: 'waitlist-local' };
  const claims = {
    aud: resource,
    iss: issuer,
    iat: nowSeconds - clockSkewSeconds,
    nbf: nowSeconds - clockSkewSeconds,
    exp: nowSeconds + tokenLifetimeSeconds,
    appid: clientId ?? localClientId,
    appidacr: '2',
    idp: issuer,
    idtyp: 'app',
    oid: localPrincipalId,
    sub: localPrincipalId,
    tid: localTenantId,
    uti: randomBytes(16).toString('base64url'),
    ver: '1.0',
  };
  // Random bytes where the RS256 signature goes: three well-formed segments, verifiable by no one.
  return `${base64url(header)}.${base64url(claims)}.${randomBytes(256).toString('base64url')}`;
}

function expiryOf(token: string): number | undefined {
  try {
    const payload: unknown = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8'));
    return typeof payload === 'object' && payload !== null && 'exp' in payload && typeof payload.exp === 'number' ? payload.exp : undefined;
  } catch {
    return undefined;
  }
}

function sendJson(response: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  response.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': String(Buffer.byteLength(text)) });
  response.end(text);
}

export async function startIdentityEndpoint(options: IdentityEndpointOptions = {}): Promise<IdentityEndpoint> {
  const secret = options.header ?? randomUUID();
  const tokenFor = options.tokenFor ?? ((resource: string, clientId?: string) => localAccessToken(resource, clientId));
  const log =
    options.log ??
    ((line: string) => {
      console.log(line);
    });
  const requests: IdentityRequestRecord[] = [];

  const refuse = (response: ServerResponse, status: number, code: string, message: string): void => {
    requests.push({ receivedAt: new Date().toISOString(), status });
    log(`[identity] ${status}: ${message}`);
    // The { error: { code, message } } shape is one msal-node turns into a readable ServerError.
    sendJson(response, status, { error: { code, message } });
  };

  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    request.resume();
    const url = new URL(request.url ?? '/', 'http://identity');
    if (request.method !== 'GET' || url.pathname !== '/msi/token') {
      refuse(response, 404, 'NotFound', `No route for ${request.method ?? ''} ${url.pathname}; the token endpoint is GET /msi/token.`);
      return;
    }
    if (request.headers['x-identity-header'] !== secret) {
      refuse(response, 401, 'Unauthorized', 'X-IDENTITY-HEADER is missing or does not match IDENTITY_HEADER.');
      return;
    }
    if (url.searchParams.get('api-version') !== apiVersion) {
      refuse(response, 400, 'BadRequest', `Only api-version=${apiVersion} is served (the version @azure/identity 4.x uses).`);
      return;
    }
    const resource = url.searchParams.get('resource');
    if (!resource) {
      refuse(response, 400, 'BadRequest', 'The resource query parameter is required.');
      return;
    }
    const clientId = url.searchParams.get('client_id') ?? undefined;
    const accessToken = tokenFor(resource, clientId);
    const expiresOn = expiryOf(accessToken) ?? Math.floor(Date.now() / 1000) + tokenLifetimeSeconds;
    requests.push({
      receivedAt: new Date().toISOString(),
      status: 200,
      resource,
      ...(clientId === undefined ? {} : { clientId }),
      accessToken,
    });
    log(`[identity] token for ${resource} (${clientId === undefined ? 'system-assigned' : `client_id ${clientId}`})`);
    // App Service sends expires_on as a string of epoch seconds; msal-node accepts it as such.
    sendJson(response, 200, {
      access_token: accessToken,
      expires_on: String(expiresOn),
      resource,
      token_type: 'Bearer',
      client_id: clientId ?? localClientId,
    });
  });

  const port = await listenOnLoopback(server, options.port ?? 0);

  return {
    endpoint: `http://127.0.0.1:${port}/msi/token`,
    header: secret,
    requests: () => [...requests],
    close: () => closeServer(server),
  };
}
