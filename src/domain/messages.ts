import { DomainError } from './errors.js';
import { textSafe } from './guest-text.js';

/** The texts a waitlist sends, with `{name}`, `{restaurant}`, `{position}`, `{wait}` and `{statusUrl}`. */
export const messageKinds = ['table-ready', 'getting-close', 're-page'] as const;
export type MessageKind = (typeof messageKinds)[number];

export type MessageTemplates = Readonly<Record<MessageKind, string>>;

export const defaultTemplates: MessageTemplates = {
  'table-ready': 'Hi {name}, your table at {restaurant} is ready! Please come to the host stand. {statusUrl}',
  'getting-close': 'Hi {name}, you are number {position} in line at {restaurant} (about {wait} min). Please head back soon. {statusUrl}',
  're-page': 'Hi {name}, your table at {restaurant} is still waiting. Please come now or we may give it away. {statusUrl}',
};

export const templateVariables = ['name', 'restaurant', 'position', 'wait', 'statusUrl'] as const;
export type TemplateValues = Readonly<Record<(typeof templateVariables)[number], string>>;

/**
 * The most of a party's name and of the restaurant's name a text carries, in UTF-16 units (what UCS-2
 * segments count). The fields allow 100 characters, which in Cyrillic alone would take two segments;
 * a text cuts them here, so that a template that passes the check below stays within its segments
 * whatever the names are.
 */
export const textFieldLimits = { name: 20, restaurant: 24 } as const;

/** What a text says instead of a name it cannot carry (empty once cleaned, or carrying a link). */
export const textFallbacks = { name: 'there', restaurant: 'the restaurant' } as const;

/** The longest status link the check allows for: a 40-character host and the 16-character token. */
const worstCaseStatusUrl = `https://${'h'.repeat(40)}/api/v1/status/${'t'.repeat(16)}`;

/**
 * The values a template is checked with when saved: the longest names a text carries, once in the
 * GSM-7 characters that take two units each and once in UCS-2 (one Cyrillic letter turns the whole
 * text into UCS-2, 67 characters a segment instead of 153). Whichever takes more segments counts.
 */
const worstCaseValues: readonly TemplateValues[] = [
  {
    name: '€'.repeat(textFieldLimits.name),
    restaurant: '€'.repeat(textFieldLimits.restaurant),
    position: '500',
    wait: '600',
    statusUrl: worstCaseStatusUrl,
  },
  {
    name: 'Ж'.repeat(textFieldLimits.name),
    restaurant: 'Ж'.repeat(textFieldLimits.restaurant),
    position: '500',
    wait: '600',
    statusUrl: worstCaseStatusUrl,
  },
];

export const maxSegments = 3;

export function render(template: string, values: TemplateValues): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => (name in values ? values[name as keyof TemplateValues] : whole));
}

/** The text a party is sent: the names cleaned of links and invisible characters and cut to textFieldLimits. */
export function renderText(template: string, values: TemplateValues): string {
  return render(template, {
    ...values,
    name: textSafe(values.name, textFieldLimits.name, textFallbacks.name),
    restaurant: textSafe(values.restaurant, textFieldLimits.restaurant, textFallbacks.restaurant),
  });
}

const gsm7 = new Set(
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà',
);
const gsm7Extended = new Set('^{}\\[~]|€\f');

/** SMS segments a text needs: GSM-7 (160, or 153 per part) unless a character forces UCS-2 (70, or 67). */
export function smsSegments(text: string): { encoding: 'GSM-7' | 'UCS-2'; units: number; segments: number } {
  const characters = Array.from(text);
  const isGsm = characters.every((c) => gsm7.has(c) || gsm7Extended.has(c));
  if (isGsm) {
    const units = characters.reduce((sum, c) => sum + (gsm7Extended.has(c) ? 2 : 1), 0);
    return { encoding: 'GSM-7', units, segments: units <= 160 ? 1 : Math.ceil(units / 153) };
  }
  const units = characters.reduce((sum, c) => sum + ((c.codePointAt(0) ?? 0) > 0xffff ? 2 : 1), 0);
  return { encoding: 'UCS-2', units, segments: units <= 70 ? 1 : Math.ceil(units / 67) };
}

/** What saving a template checks: the variables it does not know, and the SMS it could take once rendered with long values. */
export interface TemplateInspection {
  readonly unknownVariables: readonly string[];
  readonly worstCase: ReturnType<typeof smsSegments>;
}

export function inspectTemplate(template: string): TemplateInspection {
  const unknownVariables = [...template.matchAll(/\{(\w+)\}/g)]
    .map((m) => m[1] ?? '')
    .filter((name) => !(templateVariables as readonly string[]).includes(name));
  const counts = worstCaseValues.map((values) => smsSegments(render(template, values)));
  const worstCase = counts.reduce((worst, count) => (count.segments > worst.segments ? count : worst));
  return { unknownVariables, worstCase };
}

/** Rejects unknown variables and templates that could render past `maxSegments` SMS segments. */
export function checkTemplate(kind: MessageKind, template: string): void {
  const { unknownVariables: unknown, worstCase } = inspectTemplate(template);
  if (unknown.length > 0) {
    throw new DomainError(
      'validation',
      `The ${kind} message uses unknown variables: ${unknown.map((n) => `{${n}}`).join(', ')}. Known: ${templateVariables.map((n) => `{${n}}`).join(', ')}.`,
      {
        field: `messageTemplates/${kind}`,
      },
    );
  }
  const { segments, encoding } = worstCase;
  if (segments > maxSegments) {
    throw new DomainError(
      'validation',
      `The ${kind} message can take ${segments} SMS segments (${encoding}) with long names (a text carries up to ${textFieldLimits.name} characters of the name and ${textFieldLimits.restaurant} of the restaurant's, in any alphabet); shorten it to stay within ${maxSegments}.`,
      {
        field: `messageTemplates/${kind}`,
        segments,
      },
    );
  }
}
