import type { components } from '../api/schema.js';
import { messageKinds, type MessageKind } from '../../../src/domain/messages.js';

type Schemas = components['schemas'];
type Waitlist = Schemas['Waitlist'];

/** The settings form as typed: numbers as text while they are being edited. */
export interface SettingsDraft {
  readonly defaultWaitMinutes: string;
  readonly gracePeriodMinutes: string;
  readonly templates: Readonly<Record<MessageKind, string>>;
}

export function settingsDraftOf(waitlist: Waitlist): SettingsDraft {
  return {
    defaultWaitMinutes: String(waitlist.defaultWaitMinutes),
    gracePeriodMinutes: String(waitlist.gracePeriodMinutes),
    templates: { ...waitlist.messageTemplates },
  };
}

function wholeMinutes(text: string, max: number): number | null {
  const value = Number(text);
  return text.trim() !== '' && Number.isInteger(value) && value >= 0 && value <= max ? value : null;
}

export type SettingsChange =
  { readonly ok: true; readonly body: Schemas['UpdateWaitlistRequest'] | null } | { readonly ok: false; readonly problem: string };

/**
 * The merge patch the draft makes on the waitlist, only what changed (null when nothing did), or
 * what to fix first. Bounds are the contract's (UpdateWaitlistRequest); templates are trimmed as the
 * server trims them, and their own check runs in the editor (segments.ts).
 */
export function settingsChangeOf(waitlist: Waitlist, draft: SettingsDraft): SettingsChange {
  const defaultWait = wholeMinutes(draft.defaultWaitMinutes, 600);
  if (defaultWait === null) return { ok: false, problem: 'Enter a default wait in whole minutes, from 0 to 600.' };
  const grace = wholeMinutes(draft.gracePeriodMinutes, 120);
  if (grace === null) return { ok: false, problem: 'Enter a grace period in whole minutes, from 0 to 120.' };
  const templates = Object.fromEntries(
    messageKinds
      .map((kind) => [kind, draft.templates[kind].trim()] as const)
      .filter(([kind, text]) => text !== waitlist.messageTemplates[kind]),
  );
  const body: Schemas['UpdateWaitlistRequest'] = {
    ...(defaultWait !== waitlist.defaultWaitMinutes ? { defaultWaitMinutes: defaultWait } : {}),
    ...(grace !== waitlist.gracePeriodMinutes ? { gracePeriodMinutes: grace } : {}),
    ...(Object.keys(templates).length > 0 ? { messageTemplates: templates } : {}),
  };
  return { ok: true, body: Object.keys(body).length === 0 ? null : body };
}

/** The template a validation problem names (`field: messageTemplates/<kind>`), if any. */
export function templateOfField(field: string | undefined): MessageKind | null {
  const kind = field?.startsWith('messageTemplates/') === true ? field.slice('messageTemplates/'.length) : null;
  return messageKinds.find((k) => k === kind) ?? null;
}
