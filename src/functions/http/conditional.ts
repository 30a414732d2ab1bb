/**
 * Conditional requests (RFC 9110 13.1): If-Match on writes, If-None-Match on reads. Versions reach
 * the wire as strong entity-tags (`entityTagOf`, src/application/views.ts); this module reads the
 * headers that send them back.
 */
import { hash } from 'node:crypto';
import type { VersionCondition } from '../../application/conditional-write.js';
import { entityTagOf } from '../../application/views.js';

interface EntityTag {
  readonly weak: boolean;
  /** The quoted part, quotes included: what the comparison looks at. */
  readonly tag: string;
}

/** `*`, or a comma-separated list of entity-tags (RFC 9110 13.1.1, 8.8.3); null when it is neither. */
const listItem = /^\s*(W\/)?("[\x21\x23-\x7e\x80-\xff]*")\s*(?:,|$)/;

export function parseEntityTags(header: string): '*' | EntityTag[] | null {
  if (header.trim() === '*') return '*';
  const tags: EntityTag[] = [];
  let rest = header;
  while (rest.trim() !== '') {
    const match = listItem.exec(rest);
    if (match?.[2] === undefined) return null;
    tags.push({ weak: match[1] !== undefined, tag: match[2] });
    rest = rest.slice(match[0].length);
  }
  return tags.length === 0 ? null : tags;
}

/** Why an If-Match the pipeline could not read is refused (412, as a tag that matches nothing would be). */
export const malformedIfMatchDetail =
  'If-Match must be * or one or more quoted entity-tags, as the ETag header sends them (If-Match: "…"). Read the resource again and send its ETag.';

/**
 * If-Match as the application asks it: `*` accepts any stored version; a list accepts a version
 * whose entity-tag is one of its strong tags (strong comparison: a weak tag never matches). Null
 * when the header is malformed.
 */
export function ifMatchCondition(header: string): VersionCondition | null {
  const parsed = parseEntityTags(header);
  if (parsed === null) return null;
  if (parsed === '*') return { accepts: () => true };
  const strong = new Set(parsed.filter((tag) => !tag.weak).map((tag) => tag.tag));
  return { accepts: (version) => strong.has(entityTagOf(version)) };
}

/**
 * Whether If-None-Match names the representation's current entity-tag (weak comparison: `W/"x"`
 * matches `"x"`), so a GET can answer 304. A malformed header names nothing.
 */
export function noneMatchHolds(header: string, currentTag: string): boolean {
  const parsed = parseEntityTags(header);
  if (parsed === null) return false;
  const opaque = (tag: string) => tag.replace(/^W\//, '');
  return parsed === '*' || parsed.some((tag) => tag.tag === opaque(currentTag));
}

/**
 * A strong entity-tag for a representation that has no stored version of its own (a page of the
 * line): a hash of its JSON, so it changes whenever anything on it changes. It saves the transfer
 * of an unchanged page, not the read behind it.
 */
export function representationTag(body: unknown): string {
  return tagOfJson(JSON.stringify(body));
}

/** The JSON text to send and its representationTag, serialised once: the tag is the hash of the very bytes sent. */
export function jsonRepresentation(body: unknown): { readonly json: string; readonly etag: string } {
  const json = JSON.stringify(body);
  return { json, etag: tagOfJson(json) };
}

/** One-shot `hash`: no Hash object per page (it runs on every poll of the line). */
const tagOfJson = (json: string): string => `"${hash('sha256', json, 'base64url').slice(0, 32)}"`;
