import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import { checkPassword } from '../../domain/password-policy.js';

const blockSize = 8;
const parallelization = 1;
const keyLength = 32;

function derive(password: string, salt: Buffer, log2Cost: number): Promise<Buffer> {
  const cost = 2 ** log2Cost;
  const options: ScryptOptions = { N: cost, r: blockSize, p: parallelization, maxmem: 256 * cost * blockSize + 1024 * 1024 };
  return new Promise((resolve, reject) => {
    scrypt(password.normalize('NFKC'), salt, keyLength, options, (error, key) => {
      if (error) reject(error);
      else resolve(key);
    });
  });
}

/** `scrypt$<log2 N>$<r>$<p>$<salt>$<hash>`: the parameters travel with the hash so the cost can rise later. */
export async function hashPassword(password: string, log2Cost: number): Promise<string> {
  const salt = randomBytes(16);
  const key = await derive(password, salt, log2Cost);
  return ['scrypt', log2Cost, blockSize, parallelization, salt.toString('base64url'), key.toString('base64url')].join('$');
}

export async function verifyPassword(password: string, encoded: string): Promise<boolean> {
  const [scheme, log2Cost, , , salt, hash] = encoded.split('$');
  if (scheme !== 'scrypt' || log2Cost === undefined || salt === undefined || hash === undefined) return false;
  const expected = Buffer.from(hash, 'base64url');
  const actual = await derive(password, Buffer.from(salt, 'base64url'), Number(log2Cost));
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}

/** A hash of a random password, verified against when an address is unknown so timing reveals nothing. */
export async function decoyHash(log2Cost: number): Promise<string> {
  return hashPassword(randomBytes(16).toString('hex'), log2Cost);
}

let commonPasswords: Promise<ReadonlySet<string>> | undefined;

/**
 * The common-password list ships with the app as the zxcvbn-ts dictionary (about 49,000 leaked
 * passwords); loaded on first use so it costs nothing at cold start.
 */
function loadCommonPasswords(): Promise<ReadonlySet<string>> {
  commonPasswords ??= import('@zxcvbn-ts/language-common').then(({ dictionary }) => {
    const words: unknown = dictionary['passwords-common'];
    return new Set(Array.isArray(words) ? words.filter((w): w is string => typeof w === 'string') : []);
  });
  return commonPasswords;
}

export async function enforcePasswordPolicy(password: string, personal: readonly string[]): Promise<void> {
  const common = await loadCommonPasswords();
  checkPassword(password, (candidate) => common.has(candidate), personal);
}
