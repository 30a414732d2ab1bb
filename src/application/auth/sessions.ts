import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { DomainError } from '../../domain/errors.js';
import { delayBeforeAnswerMs, noAttempts, recordFailure, retryAfterSeconds, type LoginAttempts } from '../../domain/login-throttle.js';
import type { User } from '../../domain/model.js';
import { conflictPolicies, writeConditionally } from '../conditional-write.js';
import { recordLockout } from '../metrics.js';
import type { Services } from '../services.js';
import { decoyHash, enforcePasswordPolicy, hashPassword, verifyPassword } from './passwords.js';

/** What sign-up, sign-in and refresh touch. */
type SessionServices = Pick<Services, 'users' | 'refreshTokens' | 'accessTokens' | 'config' | 'now'>;

export interface TokenResponse {
  readonly access_token: string;
  readonly token_type: 'Bearer';
  readonly expires_in: number;
  readonly refresh_token: string;
}

const invalidGrant = (message: string) => new DomainError('invalid-grant', message);
const badCredentials = () => invalidGrant('The email or password is incorrect.');
const badRefreshToken = () => invalidGrant('The refresh token is invalid, expired or was revoked. Sign in again.');

export const normalizeEmail = (email: string): string => email.trim().toLowerCase();

export async function register(
  s: SessionServices,
  input: { email: string; password: string; displayName: string; phone: string | null },
): Promise<User> {
  const email = input.email.trim();
  const emailLower = normalizeEmail(email);
  await enforcePasswordPolicy(input.password, [emailLower.split('@')[0] ?? '', input.displayName]);
  const user: User = {
    id: randomUUID(),
    email,
    displayName: input.displayName.trim(),
    phone: input.phone,
    passwordHash: await hashPassword(input.password, s.config.passwordHashCost),
    createdAt: s.now().toISOString(),
  };
  if (!(await s.users.claimEmail(emailLower, user.id))) {
    // A claim whose user was never written (a crash between the two writes) is taken over.
    const holder = await s.users.userIdForEmail(emailLower);
    if (holder === null || (await s.users.get(holder)) !== null || !(await retakeClaim(s, emailLower, user.id))) {
      throw new DomainError('conflict', 'An account with this email already exists. Sign in instead.', { field: 'email' });
    }
  }
  try {
    const created = await s.users.create(user);
    if (created === null) throw new Error('user id collision');
    return created.value;
  } catch (error) {
    await s.users.releaseEmail(emailLower);
    throw error;
  }
}

async function retakeClaim(s: SessionServices, emailLower: string, userId: string): Promise<boolean> {
  await s.users.releaseEmail(emailLower);
  return s.users.claimEmail(emailLower, userId);
}

let decoy: Promise<string> | undefined;

/** Resource owner password grant, throttled per address whether or not an account exists. */
export async function passwordGrant(s: SessionServices, input: { email: string; password: string }): Promise<TokenResponse> {
  const emailLower = normalizeEmail(input.email);
  const counted = await countAttempt(s, emailLower);
  await sleep(delayBeforeAnswerMs({ ...counted, failures: counted.failures - 1 }));

  const userId = await s.users.userIdForEmail(emailLower);
  const user = userId === null ? null : ((await s.users.get(userId))?.value ?? null);
  decoy ??= decoyHash(s.config.passwordHashCost);
  const valid = await verifyPassword(input.password, user?.passwordHash ?? (await decoy));
  if (!valid || user === null) throw badCredentials();
  await clearAttempts(s, emailLower);
  return startSession(s, user.id);
}

const tooManyAttempts = (wait: number) =>
  new DomainError(
    'too-many-attempts',
    `Too many failed sign-ins for this address. Try again in ${wait < 60 ? `${wait} second(s)` : `${Math.ceil(wait / 60)} minute(s)`}.`,
    { retryAfterSeconds: wait },
  );

/**
 * Records the attempt as a failure before the password is checked (a correct one clears the
 * record), so guesses sent in parallel cannot all be checked before the first failure is counted.
 * Returns the record including this attempt. An attempt that cannot be counted is refused.
 */
async function countAttempt(s: SessionServices, emailLower: string): Promise<LoginAttempts> {
  for (let attempt = 0; attempt < 10; attempt++) {
    const now = s.now();
    const current = await s.users.loginAttempts(emailLower);
    const wait = current === null ? 0 : retryAfterSeconds(current.value, now);
    if (wait > 0) {
      recordLockout('login');
      throw tooManyAttempts(wait);
    }
    const next = recordFailure(current?.value ?? noAttempts(now), now);
    if (await s.users.saveLoginAttempts(emailLower, next, current?.etag ?? null)) return next;
    await sleep(Math.random() * 10 * 2 ** Math.min(attempt, 4));
  }
  throw tooManyAttempts(1);
}

async function clearAttempts(s: SessionServices, emailLower: string): Promise<void> {
  for (let attempt = 0; attempt < 5; attempt++) {
    const current = await s.users.loginAttempts(emailLower);
    if (current === null || current.value.failures === 0) return;
    if (await s.users.saveLoginAttempts(emailLower, noAttempts(s.now()), current.etag)) return;
  }
}

const hashSecret = (secret: string) => createHash('sha256').update(secret).digest('base64url');

/** Refresh tokens are `<family id>.<secret>`; only the secret's hash is stored. */
async function startSession(s: SessionServices, userId: string): Promise<TokenResponse> {
  const now = s.now();
  const secret = randomBytes(32).toString('base64url');
  const familyId = randomUUID();
  await s.refreshTokens.create({
    id: familyId,
    userId,
    currentHash: hashSecret(secret),
    revoked: false,
    createdAt: now.toISOString(),
    rotatedAt: now.toISOString(),
    expiresAt: new Date(now.getTime() + s.config.jwt.refreshTokenTtlDays * 86_400_000).toISOString(),
  });
  return tokenResponse(s, userId, `${familyId}.${secret}`);
}

async function tokenResponse(s: SessionServices, userId: string, refreshToken: string): Promise<TokenResponse> {
  const access = await s.accessTokens.issue(userId, s.now());
  return { access_token: access.token, token_type: 'Bearer', expires_in: access.expiresIn, refresh_token: refreshToken };
}

function parseRefreshToken(token: string): { familyId: string; secret: string } | null {
  const match = /^([0-9a-f-]{36})\.([A-Za-z0-9_-]{43})$/.exec(token);
  return match?.[1] === undefined || match[2] === undefined ? null : { familyId: match[1], secret: match[2] };
}

function sameHash(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

async function revokeFamily(s: Pick<Services, 'refreshTokens'>, familyId: string): Promise<void> {
  await writeConditionally({
    read: () => s.refreshTokens.get(familyId),
    change: (family) => (family.revoked ? null : { ...family, revoked: true }),
    write: (next, etag) => s.refreshTokens.replace(next, etag),
    policy: conflictPolicies.background,
  });
}

/**
 * Rotates a refresh token. Presenting a token that was already rotated (or racing another use of
 * the same token) means it leaked: the whole family is revoked and every holder must sign in again.
 */
export async function refreshGrant(s: SessionServices, refreshToken: string): Promise<TokenResponse> {
  const parsed = parseRefreshToken(refreshToken);
  if (parsed === null) throw badRefreshToken();
  const family = await s.refreshTokens.get(parsed.familyId);
  const now = s.now();
  if (family === null || family.value.revoked || Date.parse(family.value.expiresAt) <= now.getTime()) throw badRefreshToken();
  if (!sameHash(hashSecret(parsed.secret), family.value.currentHash)) {
    await revokeFamily(s, parsed.familyId);
    throw invalidGrant('This refresh token was already used. For your safety every session from that sign-in was ended; sign in again.');
  }
  if ((await s.users.get(family.value.userId)) === null) throw badRefreshToken();
  const secret = randomBytes(32).toString('base64url');
  const rotated = await writeConditionally({
    first: family,
    read: () => s.refreshTokens.get(parsed.familyId),
    change: (current) => ({ ...current, currentHash: hashSecret(secret), rotatedAt: now.toISOString() }),
    write: (next, etag) => s.refreshTokens.replace(next, etag),
    policy: conflictPolicies.yieldToNewer,
  });
  if (rotated.kind !== 'written') {
    await revokeFamily(s, parsed.familyId);
    throw invalidGrant('This refresh token was used twice at once. Every session from that sign-in was ended; sign in again.');
  }
  return tokenResponse(s, family.value.userId, `${parsed.familyId}.${secret}`);
}

/** Ends the sign-in the refresh token belongs to; unknown tokens are ignored (RFC 7009). */
export async function logout(s: SessionServices, refreshToken: string): Promise<void> {
  const parsed = parseRefreshToken(refreshToken);
  if (parsed === null) return;
  const family = await s.refreshTokens.get(parsed.familyId);
  if (family !== null && sameHash(hashSecret(parsed.secret), family.value.currentHash)) await revokeFamily(s, parsed.familyId);
}
