import { DomainError } from '../../../src/domain/errors.js';
import {
  checkTemplate,
  inspectTemplate,
  maxSegments,
  render,
  smsSegments,
  templateVariables,
  type MessageKind,
  type TemplateValues,
} from '../../../src/domain/messages.js';

export { maxSegments, templateVariables, type MessageKind };

/** The contract's bound on one template after trimming (MessageTemplatesChange in openapi.json). */
export const maxTemplateLength = 640;

export type SmsCount = ReturnType<typeof smsSegments>;

/** A status link shaped like the server's: its base URL and a 16-character token (src/application/waitees.ts). */
export function sampleStatusUrl(apiBaseUrl: string): string {
  return `${apiBaseUrl}/v1/status/${'x'.repeat(16)}`;
}

/** Values a preview fills in: what a typical party of this restaurant would receive. */
export function sampleValues(restaurantName: string, statusUrl: string): TemplateValues {
  return {
    name: 'Alex',
    restaurant: restaurantName,
    position: '2',
    wait: '15',
    statusUrl,
  };
}

export interface TemplateMeter {
  /** The text as the sample party would receive it. */
  readonly preview: string;
  readonly previewSms: SmsCount;
  /** The count the server checks on save: long names and numbers filled in. */
  readonly worstCase: SmsCount;
  /** The server's own sentence when it would refuse this template, or null when it would save it. */
  readonly refusal: string | null;
}

/**
 * The editor's live counter. It runs the server's check itself (src/domain/messages.ts), so the
 * editor refuses exactly what saving would refuse, in the same words.
 */
export function meterTemplate(kind: MessageKind, template: string, sample: TemplateValues): TemplateMeter {
  const text = template.trim();
  const preview = render(text, sample);
  return {
    preview,
    previewSms: smsSegments(preview),
    worstCase: inspectTemplate(text).worstCase,
    refusal: refusalOf(kind, text),
  };
}

function refusalOf(kind: MessageKind, text: string): string | null {
  if (text.length === 0) return `The ${kind} message cannot be empty.`;
  if (text.length > maxTemplateLength) return `The ${kind} message is ${text.length} characters; keep it within ${maxTemplateLength}.`;
  try {
    checkTemplate(kind, text);
    return null;
  } catch (error) {
    if (error instanceof DomainError) return error.message;
    throw error;
  }
}

/** "1 SMS (GSM-7, 97 of 160 characters)", "2 SMS (UCS-2, 80 characters)". */
export function smsCountText(count: SmsCount): string {
  const single = count.encoding === 'GSM-7' ? 160 : 70;
  const characters = count.segments === 1 ? `${count.units} of ${single} characters` : `${count.units} characters`;
  return `${count.segments} SMS (${count.encoding}, ${characters})`;
}
