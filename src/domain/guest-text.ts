/**
 * Text a guest (or anyone outside the restaurant's staff) typed, which the restaurant's number then
 * sends to a phone: a party's name above all. It must never turn the restaurant's number into a
 * relay for someone else's message, so it may carry no link and nothing that reorders or hides text.
 */

/** Characters that reorder or hide text when displayed (Unicode bidi controls: "Trojan Source"). */
const bidiControl = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/u;
const control = /\p{Cc}/u;

/**
 * Anything a phone would turn into a link, or a reader could type into a browser: a scheme
 * (`http://`, `sms:` needs `//` too rarely to matter), `www.`, an e-mail address, an IP address, or a
 * domain-like word (`evil.example`, `bit.ly`). Stricter than link-finding libraries, which only
 * flag known top-level domains: an unknown one (`.example`, next year's) is a link to the reader.
 */
const link =
  /(?:[a-z][a-z0-9+.-]*:\/\/|www\.|[^\s@]+@[^\s@]+|\b\d{1,3}(?:\.\d{1,3}){3}\b|[\p{L}\p{N}-]+\.(?:[\p{L}\p{N}-]+\.)*[a-z]{2,63}(?![\p{L}\p{N}]))/iu;

/** The longest text searched: the link pattern takes quadratic time, fine for names but not for a 64 KiB body. */
const maxSearched = 200;

/** Why a guest-supplied text may not be used, in words the person who typed it can act on; null when it is fine. */
export function guestTextProblem(value: string): string | null {
  if (value.length > maxSearched) return `must be at most ${maxSearched} characters`;
  if (bidiControl.test(value)) return 'must not contain text-direction control characters';
  if (control.test(value)) return 'must not contain control characters such as line breaks or tabs';
  const found = link.exec(value);
  if (found !== null) return `must not contain a web address, e-mail address or link ("${found[0]}"); enter a name only`;
  return null;
}

/** Every control and format character (bidi controls, zero-width characters), and runs of spaces. */
const invisible = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/gu;

/**
 * A value as it may appear inside a text: without invisible characters, at most `maxUnits` UTF-16
 * units (what UCS-2 segments count), cut at a character boundary, or `fallback` when it carries a
 * link (stored before links were refused) or nothing is left.
 */
export function textSafe(value: string, maxUnits: number, fallback: string): string {
  const visible = value.replace(invisible, '').replace(/\s+/g, ' ').trim();
  if (visible === '' || link.test(visible)) return fallback;
  let cut = '';
  for (const character of visible) {
    if (cut.length + character.length > maxUnits) break;
    cut += character;
  }
  return cut.trimEnd();
}
