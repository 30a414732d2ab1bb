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

/** Issues and verifies the API's access tokens (ES256 JWTs). */
export class AccessTokens {
  private keyRing: Promise<KeyRing> | undefined;

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
    const { verifyKeys } = await this.keys();
    try {
      const { payload } = await jwtVerify(token, verifyKeys, {
        algorithms: [accessTokenAlgorithm],
        // RFC 9068: only access tokens are accepted as access tokens.
        typ: 'at+jwt',
        issuer: this.settings.issuer,
        audience: this.settings.audience,
        requiredClaims: ['sub', 'jti', 'exp', 'nbf'],
        clockTolerance: 5,
      });
      if (payload.sub === undefined || payload.jti === undefined) throw new Error('missing claims');
      return { userId: payload.sub, tokenId: payload.jti };
    } catch {
      throw new DomainError('unauthenticated', 'The access token is invalid or expired. Sign in again or refresh the token.');
    }
  }

  async publicKeys(): Promise<JSONWebKeySet> {
    return (await this.keys()).jwks;
  }
}
