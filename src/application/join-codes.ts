import { createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';
import type { Config } from '../config.js';
import { joinCodePolicy } from '../domain/join.js';

const keyInfo = 'waitlist one-time join codes v1';

/**
 * The one-time codes of account-less joins. A code is derived from the join's id with a key
 * (HKDF-SHA256 from the JWT signing keys, as the continuation tokens' key), so it is never stored,
 * not even hashed: six digits hashed without a secret would fall to a million guesses offline. The
 * consumer derives the code again when it sends the text; any configured key verifies, so a key
 * rotation does not void the codes texted just before it.
 */
export class JoinCodes {
  private readonly keys: readonly Buffer[];

  constructor(signingKeys: Config['jwt']['signingKeys']) {
    this.keys = signingKeys.map((key) => {
      const d = typeof key.privateJwk.d === 'string' ? key.privateJwk.d : '';
      return Buffer.from(hkdfSync('sha256', Buffer.from(d, 'base64url'), Buffer.alloc(0), keyInfo, 32));
    });
    if (this.keys.length === 0) throw new Error('No JWT signing key configured');
  }

  private derive(key: Buffer, joinId: string): string {
    const mac = createHmac('sha256', key).update(joinId).digest();
    return String(mac.readUInt32BE(0) % 10 ** joinCodePolicy.digits).padStart(joinCodePolicy.digits, '0');
  }

  /** The code texted for this join. */
  codeFor(joinId: string): string {
    const [signer] = this.keys;
    if (signer === undefined) throw new Error('No JWT signing key configured');
    return this.derive(signer, joinId);
  }

  /** Whether `code` is this join's, compared in constant time. */
  matches(joinId: string, code: string): boolean {
    const given = Buffer.from(code.padEnd(joinCodePolicy.digits, ' ').slice(0, joinCodePolicy.digits));
    return this.keys.some((key) => timingSafeEqual(Buffer.from(this.derive(key, joinId)), given)) && code.length === joinCodePolicy.digits;
  }
}
