import { parsePhoneNumberWithError } from 'libphonenumber-js';

/** A digit string standing alone, not inside a longer run of letters or digits (an id, a trace id). */
export const standalone = (digits: string): RegExp => new RegExp(`(?<![0-9A-Za-z])${digits}(?![0-9A-Za-z])`);

/** The forms a phone number takes in text: E.164, the national digits, the national format and its dashed form. */
export function phoneForms(e164: string): RegExp[] {
  const parsed = parsePhoneNumberWithError(e164);
  const escaped = (text: string) => new RegExp(text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  return [
    escaped(e164),
    standalone(parsed.nationalNumber),
    escaped(parsed.formatNational()),
    escaped(parsed.formatNational().replace(/[()]/g, '').replace(' ', '-')),
  ];
}

/** Which of the named secrets (text or pattern) appear anywhere in the log lines. */
export function leaksIn(lines: readonly string[], secrets: Readonly<Record<string, string | RegExp | readonly RegExp[]>>): string[] {
  const everything = lines.join('\n');
  const found = (secret: string | RegExp): boolean => (typeof secret === 'string' ? everything.includes(secret) : secret.test(everything));
  return Object.entries(secrets)
    .filter(([, secret]) => (Array.isArray(secret) ? (secret as readonly RegExp[]).some(found) : found(secret as string | RegExp)))
    .map(([what]) => what);
}
