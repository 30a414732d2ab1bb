import { DomainError } from './errors.js';

/** The texts a waitlist sends, with `{name}`, `{restaurant}`, `{position}`, `{wait}` and `{statusUrl}`. */
export const messageKinds = ['table-ready', 'getting-close', 're-page'] as const;
export type MessageKind = (typeof messageKinds)[number];

export type MessageTemplates = Readonly<Record<MessageKind, string>>;

export const defaultTemplates: MessageTemplates = {
  'table-ready': 'Hi {name}, your table at {restaurant} is ready! Please come to the host stand. {statusUrl}',
  'getting-close': 'Hi {name}, you are number {position} in line at {restaurant} (about {wait} min). Please head back soon. {statusUrl}',
  're-page': 'Hi {name}, your table at {restaurant} is still waiting for you. Please come now or we may have to give it away. {statusUrl}',
};

export const templateVariables = ['name', 'restaurant', 'position', 'wait', 'statusUrl'] as const;
export type TemplateValues = Readonly<Record<(typeof templateVariables)[number], string>>;

/** Longest values a template is checked with when saved, so a rendered text never exceeds the limit. */
const worstCaseValues: TemplateValues = {
  name: 'N'.repeat(30),
  restaurant: 'R'.repeat(40),
  position: '500',
  wait: '600',
  statusUrl: `https://${'h'.repeat(40)}/api/v1/status/${'t'.repeat(16)}`,
};

export const maxSegments = 3;

export function render(template: string, values: TemplateValues): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => (name in values ? values[name as keyof TemplateValues] : whole));
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
  return { unknownVariables, worstCase: smsSegments(render(template, worstCaseValues)) };
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
      `The ${kind} message can take ${segments} SMS segments (${encoding}) with long names; keep it within ${maxSegments}.`,
      {
        field: `messageTemplates/${kind}`,
        segments,
      },
    );
  }
}
