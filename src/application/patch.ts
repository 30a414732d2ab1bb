/**
 * The properties a JSON merge patch (RFC 7396) actually sets: absent means "leave as is", null
 * means "clear" and is kept.
 */
export function setProperties<T extends object>(patch: T): Partial<T> {
  return Object.fromEntries(Object.entries(patch as Record<string, unknown>).filter(([, value]) => value !== undefined)) as Partial<T>;
}
