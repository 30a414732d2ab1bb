import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { versionToWrite } from '../../src/application/conditional-write.js';
import { PageTokens } from '../../src/application/page-tokens.js';
import { InvalidContinuationToken, VersionConflict } from '../../src/application/ports.js';
import { entityTagOf } from '../../src/application/views.js';
import { ifMatchCondition, noneMatchHolds, parseEntityTags, representationTag } from '../../src/functions/http/conditional.js';

/** The `_etag` of the same document as each store issues it: the embedded emulator bare, Azure Cosmos DB quoted. */
const emulatorVersion = '2d9068c3-58a5-4d52-9d1b-6f3c1f6f0c1e';
const cosmosVersion = '"00000e00-0000-0000-0000-5f7f2a0b0000"';

const condition = (header: string) => {
  const parsed = ifMatchCondition(header);
  if (parsed === null) throw new Error(`If-Match ${header} did not parse`);
  return parsed;
};

describe('entity-tags from store versions', () => {
  it('quotes the emulator’s bare version and keeps Azure Cosmos DB’s quoted one as it is', () => {
    expect(entityTagOf(emulatorVersion)).toBe(`"${emulatorVersion}"`);
    expect(entityTagOf(cosmosVersion)).toBe(cosmosVersion);
  });

  it('makes a valid entity-tag of a version with characters an entity-tag cannot hold', () => {
    expect(entityTagOf('a "b" c')).toMatch(/^"[\x21\x23-\x7e]+"$/);
  });
});

describe('If-Match', () => {
  it('accepts the client’s quoted tag and writes under the version exactly as each store issued it', () => {
    for (const version of [emulatorVersion, cosmosVersion]) {
      const current = { value: {}, etag: version };
      expect(versionToWrite(current, condition(entityTagOf(version)))).toBe(version);
      expect(versionToWrite(current, condition(`"stale", ${entityTagOf(version)}`))).toBe(version);
      expect(versionToWrite(current, condition('*'))).toBe(version);
      expect(versionToWrite(current, undefined)).toBe(version);
    }
  });

  it('never matches a weak or another tag (strong comparison)', () => {
    const current = { value: {}, etag: cosmosVersion };
    expect(() => versionToWrite(current, condition(`W/${cosmosVersion}`))).toThrow(VersionConflict);
    expect(() => versionToWrite(current, condition('"00000e00-0000-0000-0000-000000000000"'))).toThrow(VersionConflict);
  });

  it('reads * and lists of entity-tags, and nothing else', () => {
    expect(parseEntityTags(' * ')).toBe('*');
    expect(parseEntityTags('"a", W/"b" ,"c"')).toEqual([
      { weak: false, tag: '"a"' },
      { weak: true, tag: '"b"' },
      { weak: false, tag: '"c"' },
    ]);
    for (const malformed of ['', 'a', '"a" "b"', '"a', 'W/ "a"', '*, "a"', '"a"b'])
      expect(parseEntityTags(malformed), malformed).toBeNull();
  });
});

describe('If-None-Match', () => {
  it('matches with weak comparison, and * matches any current representation', () => {
    expect(noneMatchHolds('"x"', '"x"')).toBe(true);
    expect(noneMatchHolds('W/"x"', '"x"')).toBe(true);
    expect(noneMatchHolds('"y", "x"', '"x"')).toBe(true);
    expect(noneMatchHolds('*', '"x"')).toBe(true);
    expect(noneMatchHolds('"y"', '"x"')).toBe(false);
    expect(noneMatchHolds('x', '"x"')).toBe(false);
  });

  it('tags a representation by its content', () => {
    expect(representationTag({ items: [1] })).toBe(representationTag({ items: [1] }));
    expect(representationTag({ items: [1] })).not.toBe(representationTag({ items: [2] }));
    expect(representationTag({ items: [] })).toMatch(/^"[\x21\x23-\x7e]+"$/);
  });
});

describe('continuation tokens', () => {
  const key = (kid: string) => ({ kid, privateJwk: { d: randomBytes(32).toString('base64url') } });
  const current = key('current');
  const tokens = new PageTokens([current]);
  const scope = { waitlistId: 'w1', statuses: null };
  const storeToken = '[{"token":"+RID:~abc==#RT:1#TRC:2","range":{"min":"","max":"FF"}}]';

  it('gives back the store’s token for the scope it was issued for; the last page stays null', () => {
    const sealed = tokens.seal(scope, storeToken);
    expect(sealed).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43}$/);
    expect(tokens.open(scope, sealed)).toBe(storeToken);
    expect(tokens.seal(scope, null)).toBeNull();
    expect(tokens.open(scope, null)).toBeNull();
  });

  it('refuses a token for another waitlist or filter, or altered anywhere', () => {
    const sealed = String(tokens.seal({ waitlistId: 'w1', statuses: ['waiting', 'notified'] }, storeToken));
    expect(tokens.open({ waitlistId: 'w1', statuses: ['notified', 'waiting'] }, sealed)).toBe(storeToken);
    expect(() => tokens.open({ waitlistId: 'w2', statuses: ['waiting', 'notified'] }, sealed)).toThrow(InvalidContinuationToken);
    expect(() => tokens.open({ waitlistId: 'w1', statuses: ['waiting'] }, sealed)).toThrow(InvalidContinuationToken);
    expect(() => tokens.open({ waitlistId: 'w1', statuses: null }, sealed)).toThrow(InvalidContinuationToken);
    for (let at = 0; at < sealed.length; at++) {
      const altered = `${sealed.slice(0, at)}${sealed[at] === 'A' ? 'B' : 'A'}${sealed.slice(at + 1)}`;
      expect(() => tokens.open({ waitlistId: 'w1', statuses: ['waiting', 'notified'] }, altered), `at ${at}`).toThrow(
        InvalidContinuationToken,
      );
    }
  });

  it('keeps tokens issued before a signing-key rotation readable while the old key is configured', () => {
    const sealed = tokens.seal(scope, storeToken);
    expect(new PageTokens([key('next'), current]).open(scope, sealed)).toBe(storeToken);
    expect(() => new PageTokens([key('next')]).open(scope, sealed)).toThrow(InvalidContinuationToken);
  });
});
