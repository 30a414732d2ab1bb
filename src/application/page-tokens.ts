import { createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';
import type { Config } from '../config.js';
import type { WaiteeStatus } from '../domain/waitee.js';
import { InvalidContinuationToken } from './ports.js';

/** What a page of the line belongs to: a token read for one waitlist and filter must not read another. */
export interface PageScope {
  readonly waitlistId: string;
  readonly statuses: readonly WaiteeStatus[] | null;
}

const keyInfo = 'waitlist continuation tokens v1';

/** One 32-byte key per signing key, derived (HKDF-SHA256) so a token's MAC never doubles as anything the JWT key signs. */
function derivedKey(privateJwk: Readonly<Record<string, unknown>>): Buffer {
  const d = typeof privateJwk.d === 'string' ? privateJwk.d : '';
  return Buffer.from(hkdfSync('sha256', Buffer.from(d, 'base64url'), Buffer.alloc(0), keyInfo, 32));
}

/** The filter as a set: `waiting,notified` and `notified,waiting` read the same query. */
const filterOf = (statuses: PageScope['statuses']): string => (statuses === null ? '*' : [...new Set(statuses)].sort().join(','));

/**
 * The continuation tokens clients see: the store's token wrapped with what it belongs to and an
 * HMAC, `base64url(store token).base64url(mac)`. The store would read a forged or borrowed token as
 * some other position and silently restart at page one; this refuses it instead
 * (InvalidContinuationToken, a 400). The key comes from the JWT signing keys: the first signs, any
 * configured one verifies, so a key rotation keeps pages being read during it readable.
 */
export class PageTokens {
  private readonly keys: readonly Buffer[];

  constructor(signingKeys: Config['jwt']['signingKeys']) {
    this.keys = signingKeys.map((key) => derivedKey(key.privateJwk));
    if (this.keys.length === 0) throw new Error('No JWT signing key configured');
  }

  private mac(key: Buffer, scope: PageScope, storeToken: string): Buffer {
    return createHmac('sha256', key)
      .update(JSON.stringify([scope.waitlistId, filterOf(scope.statuses), storeToken]))
      .digest();
  }

  /** The token for the client; null (the last page) stays null. */
  seal(scope: PageScope, storeToken: string | null): string | null {
    if (storeToken === null) return null;
    const [signer] = this.keys;
    if (signer === undefined) throw new Error('No JWT signing key configured');
    return `${Buffer.from(storeToken).toString('base64url')}.${this.mac(signer, scope, storeToken).toString('base64url')}`;
  }

  /** The store's token inside a client's token, if this API issued it for this scope; InvalidContinuationToken otherwise. */
  open(scope: PageScope, token: string | null): string | null {
    if (token === null) return null;
    const match = /^([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]{43})$/.exec(token);
    if (match?.[1] === undefined || match[2] === undefined) throw new InvalidContinuationToken();
    const storeToken = Buffer.from(match[1], 'base64url').toString();
    // Compared as text, not decoded bytes: base64url has spare bits, and a changed character must not pass.
    if (Buffer.from(storeToken).toString('base64url') !== match[1]) throw new InvalidContinuationToken();
    const given = Buffer.from(match[2]);
    const issuedBy = (key: Buffer) => timingSafeEqual(Buffer.from(this.mac(key, scope, storeToken).toString('base64url')), given);
    if (!this.keys.some(issuedBy)) throw new InvalidContinuationToken();
    return storeToken;
  }
}
