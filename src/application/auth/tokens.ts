import { randomUUID } from 'node:crypto';
import { SignJWT, createLocalJWKSet, exportJWK, importJWK, jwtVerify, type JSONWebKeySet, type JWK, type CryptoKey } from 'jose';
import type { Config } from '../../config.js';
import { DomainError } from '../../domain/errors.js';

export const accessTokenAlgorithm = 'ES256';

export interface AccessTokenClaims {
  readonly userId: string;
  readonly tokenId: string;
}

interface KeyRing {
  readonly signer: { readonly kid: string; readonly key: CryptoKey };
  readonly jwks: JSONWebKeySet;
  readonly verifyKeys: ReturnType<typeof createLocalJWKSet>;
}

/** Seconds of clock skew allowed on exp and nbf. */
const clockToleranceSeconds = 5;
/** Tokens whose signature this process has checked; the host stand's devices present the same few on every poll. */
const verifiedTokensKept = 1024;

interface VerifiedToken {
  readonly claims: AccessTokenClaims;
  /** exp and nbf in epoch seconds, checked again on every use. */
  readonly exp: number;
  readonly nbf: number;
}

/** Issues and verifies the API's access tokens (ES256 JWTs). */
export class AccessTokens {
  private keyRing: Promise<KeyRing> | undefined;
  /**
   * An ES256 signature check is the costliest step of a request that reads the line; a token is
   * immutable, so one already verified (byte for byte) needs only its times checked again.
   */
  private readonly verified = new Map<string, VerifiedToken>();

  constructor(private readonly settings: Config['jwt']) {}

  private keys(): Promise<KeyRing> {
    this.keyRing ??= (async () => {
      const publicJwks: JWK[] = [];
      let signer: KeyRing['signer'] | undefined;
      for (const { kid, privateJwk } of this.settings.signingKeys) {
        const privateKey = await importJWK(privateJwk as JWK, accessTokenAlgorithm, { extractable: true });
        if (privateKey instanceof Uint8Array) throw new Error(`JWT signing key ${kid} is not an EC key`);
        signer ??= { kid, key: privateKey };
        const { d, ...publicJwk } = await exportJWK(privateKey);
        publicJwks.push({ ...publicJwk, kid, alg: accessTokenAlgorithm, use: 'sig' });
      }
      if (signer === undefined) throw new Error('No JWT signing key configured');
      const jwks: JSONWebKeySet = { keys: publicJwks };
      return { signer, jwks, verifyKeys: createLocalJWKSet(jwks) };
    })();
    return this.keyRing;
  }

  async issue(userId: string, now: Date): Promise<{ token: string; expiresIn: number }> {
    const { signer } = await this.keys();
    const issuedAt = Math.floor(now.getTime() / 1000);
    const token = await new SignJWT({})
      .setProtectedHeader({ alg: accessTokenAlgorithm, kid: signer.kid, typ: 'at+jwt' })
      .setIssuer(this.settings.issuer)
      .setAudience(this.settings.audience)
      .setSubject(userId)
      .setJti(randomUUID())
      .setIssuedAt(issuedAt)
      .setNotBefore(issuedAt)
      .setExpirationTime(issuedAt + this.settings.accessTokenTtlSeconds)
      .sign(signer.key);
    return { token, expiresIn: this.settings.accessTokenTtlSeconds };
  }

  /** Verifies signature (ES256 only), iss, aud, exp and nbf; any failure is unauthenticated. */
  async verify(token: string): Promise<AccessTokenClaims> {
    const known = this.verified.get(token);
    const nowSeconds = Date.now() / 1000;
    if (known !== undefined && nowSeconds < known.exp + clockToleranceSeconds && nowSeconds >= known.nbf - clockToleranceSeconds) {
      return known.claims;
    }
    this.verified.delete(token);
    const { verifyKeys } = await this.keys();
    try {
      const { payload } = await jwtVerify(token, verifyKeys, {
        algorithms: [accessTokenAlgorithm],
        // RFC 9068: only access tokens are accepted as access tokens.
        typ: 'at+jwt',
        issuer: this.settings.issuer,
        audience: this.settings.audience,
        requiredClaims: ['sub', 'jti', 'exp', 'nbf'],
        clockTolerance: clockToleranceSeconds,
      });
      if (payload.sub === undefined || payload.jti === undefined || payload.exp === undefined || payload.nbf === undefined) {
        throw new Error('missing claims');
      }
      const claims = { userId: payload.sub, tokenId: payload.jti };
      this.remember(token, { claims, exp: payload.exp, nbf: payload.nbf });
      return claims;
    } catch {
      throw new DomainError('unauthenticated', 'The access token is invalid or expired. Sign in again or refresh the token.');
    }
  }

  private remember(token: string, verified: VerifiedToken): void {
    if (this.verified.size >= verifiedTokensKept) {
      const oldest = this.verified.keys().next();
      if (oldest.done !== true) this.verified.delete(oldest.value);
    }
    this.verified.set(token, verified);
  }

  async publicKeys(): Promise<JSONWebKeySet> {
    return (await this.keys()).jwks;
  }
}
