import type { components } from './schema.js';

export type TokenRequest = components['schemas']['TokenRequest'];
export type TokenResponse = components['schemas']['TokenResponse'];
export type OAuthError = components['schemas']['OAuthError'];

/** The answer of the token endpoint: tokens, or the OAuth error it gave. A network failure rejects instead. */
export type GrantResult = { readonly tokens: TokenResponse } | { readonly refused: OAuthError; readonly status: number };

/** `POST /v1/auth/token` and `POST /v1/auth/logout`, as the session needs them. */
export interface TokenEndpoint {
  grant(request: TokenRequest): Promise<GrantResult>;
  logout(refreshToken: string): Promise<void>;
}

/** Where the refresh token waits across a reload (see refresh-token-store.ts for the browser's). */
export interface RefreshTokenStore {
  load(): StoredSession | null;
  save(session: StoredSession | null): void;
}

export interface StoredSession {
  readonly refreshToken: string;
  readonly email: string;
}

/**
 * `signed-in`: requests carry a token. `expired`: the refresh token was refused; requests wait (the
 * screen stays, with what was typed) until the host signs in again. `signed-out`: nobody is signed in.
 */
export type SessionStatus = 'signed-out' | 'signed-in' | 'expired';

export interface SessionSnapshot {
  readonly status: SessionStatus;
  /** The account signed in, or the one to sign in again as. */
  readonly email: string | null;
}

/** A request made after sign-out, or waiting for a sign-in that became a sign-out. */
export class SignedOutError extends Error {
  constructor() {
    super('You are signed out. Sign in to continue.');
  }
}

export interface SessionOptions {
  readonly endpoint: TokenEndpoint;
  readonly store: RefreshTokenStore;
  /** The network (globalThis.fetch in the browser). */
  readonly send: (request: Request) => Promise<Response>;
  readonly now?: () => number;
}

/** An access token is renewed this long before it expires, so a request never leaves with one about to lapse. */
export const renewBeforeExpiryMs = 30_000;

interface Waiter {
  readonly promise: Promise<void>;
  resolve(): void;
  reject(error: Error): void;
}

function waiter(): Waiter {
  let resolve: () => void = () => undefined;
  let reject: (error: Error) => void = () => undefined;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  // Nobody may be waiting when a sign-out rejects it.
  promise.catch(() => undefined);
  return { promise, resolve, reject };
}

/**
 * The host's session: the access token only in memory, the refresh token in the store, one refresh
 * at a time however many requests find the token expired (refresh tokens rotate, and presenting a
 * retired one ends every session of the sign-in, so two parallel refreshes would sign the host out).
 */
export class Session {
  private access: { readonly token: string; readonly expiresAt: number } | null = null;
  private stored: StoredSession | null = null;
  private refreshing: Promise<string> | null = null;
  private signedInAgain: Waiter | null = null;
  private snapshot: SessionSnapshot = { status: 'signed-out', email: null };
  private readonly listeners = new Set<() => void>();
  private readonly now: () => number;

  constructor(private readonly options: SessionOptions) {
    this.now = options.now ?? Date.now;
  }

  readonly subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  readonly getSnapshot = (): SessionSnapshot => this.snapshot;

  /**
   * After a reload: takes the stored refresh token and exchanges it. Refused means signed out; a
   * network failure keeps the token, so an offline reload stays signed in and refreshes later.
   */
  async resume(): Promise<SessionStatus> {
    const stored = this.options.store.load();
    if (stored === null) return this.snapshot.status;
    this.stored = stored;
    this.options.store.save(stored);
    this.setSnapshot({ status: 'signed-in', email: stored.email });
    try {
      if ((await this.renew()) === null) {
        this.forget();
        this.setSnapshot({ status: 'signed-out', email: null });
      }
    } catch {
      // Offline: the next request refreshes.
    }
    return this.snapshot.status;
  }

  /** Signs in; a refusal is returned (it is the host's to read), a network failure rejects. */
  async signIn(
    email: string,
    password: string,
  ): Promise<{ readonly ok: true } | { readonly ok: false; readonly error: OAuthError; readonly status: number }> {
    const result = await this.options.endpoint.grant({ grant_type: 'password', email, password });
    if ('refused' in result) return { ok: false, error: result.refused, status: result.status };
    this.accept(result.tokens, email);
    this.setSnapshot({ status: 'signed-in', email });
    this.signedInAgain?.resolve();
    this.signedInAgain = null;
    return { ok: true };
  }

  /** Ends the session here and on the server (best effort: offline, the token is forgotten all the same). */
  async signOut(): Promise<void> {
    const refreshToken = this.stored?.refreshToken;
    this.forget();
    this.setSnapshot({ status: 'signed-out', email: null });
    this.signedInAgain?.reject(new SignedOutError());
    this.signedInAgain = null;
    if (refreshToken === undefined) return;
    try {
      await this.options.endpoint.logout(refreshToken);
    } catch {
      // The server forgets the token when it expires.
    }
  }

  /** A valid access token: the current one, a refreshed one, or (after a refused refresh) one from the next sign-in. */
  async accessToken(): Promise<string> {
    if (this.access !== null && this.access.expiresAt - renewBeforeExpiryMs > this.now()) return this.access.token;
    return this.refresh();
  }

  /** Exchanges the refresh token; concurrent callers share one exchange. */
  refresh(): Promise<string> {
    this.refreshing ??= this.exchange().finally(() => {
      this.refreshing = null;
    });
    return this.refreshing;
  }

  /**
   * The network with the session's token: a 401 refreshes once (unless another request already did)
   * and sends the request again; any other answer, or a second 401, is the caller's.
   */
  readonly fetch = async (request: Request): Promise<Response> => {
    const again = request.clone();
    const token = await this.accessToken();
    const response = await this.options.send(withBearer(request, token));
    if (response.status !== 401) return response;
    const fresh = this.access !== null && this.access.token !== token ? this.access.token : await this.afterRejection();
    return this.options.send(withBearer(again, fresh));
  };

  private afterRejection(): Promise<string> {
    this.access = null;
    return this.refresh();
  }

  private async exchange(): Promise<string> {
    if (this.snapshot.status === 'signed-out') throw new SignedOutError();
    const email = this.stored?.email ?? this.snapshot.email;
    const renewed = await this.renew();
    if (renewed !== null) return renewed;
    if (email !== null) this.expire(email);
    await this.whenSignedInAgain();
    if (this.access === null) throw new SignedOutError();
    return this.access.token;
  }

  /** A new access token from the refresh token, or null when there is none or the server refused it. */
  private async renew(): Promise<string | null> {
    const stored = this.stored;
    if (stored === null) return null;
    const result = await this.options.endpoint.grant({ grant_type: 'refresh_token', refresh_token: stored.refreshToken });
    if ('tokens' in result) return this.accept(result.tokens, stored.email);
    if (result.refused.error !== 'invalid_grant') throw new Error(result.refused.error_description);
    return null;
  }

  /** The refresh token was refused: forget it and wait for the host to sign in again. */
  private expire(email: string): void {
    this.forget();
    this.setSnapshot({ status: 'expired', email });
  }

  private whenSignedInAgain(): Promise<void> {
    this.signedInAgain ??= waiter();
    return this.signedInAgain.promise;
  }

  private accept(tokens: TokenResponse, email: string): string {
    this.access = { token: tokens.access_token, expiresAt: this.now() + tokens.expires_in * 1000 };
    this.stored = { refreshToken: tokens.refresh_token, email };
    this.options.store.save(this.stored);
    return tokens.access_token;
  }

  private forget(): void {
    this.access = null;
    this.stored = null;
    this.options.store.save(null);
  }

  private setSnapshot(snapshot: SessionSnapshot): void {
    if (snapshot.status === this.snapshot.status && snapshot.email === this.snapshot.email) return;
    this.snapshot = snapshot;
    for (const listener of this.listeners) listener();
  }
}

function withBearer(request: Request, token: string): Request {
  const headers = new Headers(request.headers);
  headers.set('authorization', `Bearer ${token}`);
  return new Request(request, { headers });
}
