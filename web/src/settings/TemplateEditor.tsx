import { useId, type ReactNode } from 'react';
import { defaultTemplates } from '../../../src/domain/messages.js';
import { maxSegments, meterTemplate, smsCountText, templateVariables, type MessageKind } from '../lib/segments.js';
import type { TemplateValues } from '../../../src/domain/messages.js';

const kindTitles: Readonly<Record<MessageKind, string>> = {
  'table-ready': 'Table ready (sent when you notify)',
  'getting-close': 'Getting close (sent once to the first two in line)',
  're-page': 'Re-page (sent when a notified party is paged again)',
};

/**
 * One message template: the text, a live preview with sample values, the SMS count the server
 * checks (long names filled in) and, when it would be refused, the server's own reason.
 */
export function TemplateEditor({
  kind,
  value,
  sample,
  serverRefusal,
  onChange,
}: {
  kind: MessageKind;
  value: string;
  sample: TemplateValues;
  serverRefusal: string | null;
  onChange: (value: string) => void;
}): ReactNode {
  const id = useId();
  const meter = meterTemplate(kind, value, sample);
  const refusal = serverRefusal ?? meter.refusal;
  const over = meter.worstCase.segments > maxSegments;
  return (
    <fieldset className="template">
      <legend>{kindTitles[kind]}</legend>
      <label htmlFor={`${id}-text`}>Text</label>
      <textarea
        id={`${id}-text`}
        rows={3}
        value={value}
        aria-invalid={refusal !== null}
        aria-describedby={`${id}-count ${id}-refusal`}
        onChange={(event) => {
          onChange(event.target.value);
        }}
      />
      <p className="hint">Variables: {templateVariables.map((name) => `{${name}}`).join(' ')}</p>
      <p id={`${id}-count`} className={`template__count ${over ? 'template__count--over' : ''}`} aria-live="polite">
        Preview: {smsCountText(meter.previewSms)}. With long names: {smsCountText(meter.worstCase)}
        {over ? `, over the limit of ${maxSegments}` : `, within the limit of ${maxSegments}`}.
      </p>
      <p className="template__preview">
        <span className="visually-hidden">Preview: </span>
        {meter.preview}
      </p>
      <p
        id={`${id}-refusal`}
        className={refusal === null ? 'visually-hidden' : 'message message--error'}
        role={refusal === null ? undefined : 'alert'}
      >
        {refusal ?? ''}
      </p>
      {value.trim() === defaultTemplates[kind] ? null : (
        <button
          type="button"
          className="button button--quiet"
          onClick={() => {
            onChange(defaultTemplates[kind]);
          }}
        >
          Use the default text
        </button>
      )}
    </fieldset>
  );
}
