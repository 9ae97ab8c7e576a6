/** A registry template picker with a slot per parameter and the live preview for a sample contact (New campaign, per A/B variant). */
import { useMemo } from 'preact/hooks';
import type { ChannelTemplate } from '../api/types';
import { Field } from '../components/ui';
import { fillTemplateText, previewValue, type SampleContact } from '../lib/placeholders';
import { componentsFor, type SendComponent, slotsOf } from '../lib/template-slots';

export const templateKey = (template: { name: string; language: string }) => `${template.name}/${template.language}`;

/** The chosen template's send body: name, language and the components built from the slot values. */
export function templateBody(chosen: ChannelTemplate | null, values: Record<string, string>): { name: string; language: string; components: SendComponent[] } {
  return {
    name: chosen?.name ?? '',
    language: chosen?.language ?? '',
    components: chosen ? componentsFor(chosen.components, chosen.parameterFormat === 'NAMED', values) : [],
  };
}

export function TemplateFields(props: {
  label: string;
  /** Element id of the preview box ("preview", "preview-b"). */
  previewId: string;
  templates: ChannelTemplate[];
  value: string;
  onTemplate: (key: string) => void;
  values: Record<string, string>;
  onValues: (values: Record<string, string>) => void;
  sample: SampleContact | null;
  sampleName: string;
  error?: string[];
  hint?: string;
}) {
  const chosen = props.templates.find((template) => templateKey(template) === props.value) ?? null;
  const components = chosen?.components ?? [];
  const slots = useMemo(() => slotsOf(components, chosen?.parameterFormat === 'NAMED'), [chosen]);
  const { values } = props;
  return (
    <>
      <Field label={props.label} error={props.error} hint={props.hint}>
        {(id, d) => (
          <select id={id} aria-describedby={d} value={props.value} onChange={(event) => props.onTemplate(event.currentTarget.value)}>
            <option value="">Choose a template</option>
            {props.templates.map((template) => (
              <option key={templateKey(template)} value={templateKey(template)}>
                {template.name} ({template.language}, {template.category ?? 'no category'})
              </option>
            ))}
          </select>
        )}
      </Field>
      {chosen && (
        <fieldset class="wide template-box">
          <legend>{props.label}: text and parameters</legend>
          {components
            .filter((component) => component.text)
            .map((component) => (
              <p key={component.type} class="template-text">
                <span class="muted">{component.type.toLowerCase()}:</span> {component.text}
              </p>
            ))}
          {!components.some((component) => component.text) && <p class="muted">The registry has no text for this template yet (sync the channel's templates).</p>}
          {slots.length === 0 && <p class="muted">This template takes no parameters.</p>}
          {slots.map((slot) => {
            const value = values[slot.key] ?? '';
            const shown = slot.kind === 'text' && value ? previewValue(value, props.sample) : null;
            const label = props.previewId === 'preview' ? slot.label : `${props.label.replace(/ template$/, '')} ${slot.label}`;
            return (
              <Field key={slot.key} label={label} hint={slot.kind === 'text' ? 'Text, {{field}} or {{field|fallback}}' : 'https:// link to the file'}>
                {(id) => (
                  <>
                    <input id={id} value={value} onInput={(event) => props.onValues({ ...values, [slot.key]: event.currentTarget.value })} />
                    {shown && (
                      <small class={shown.ok ? 'preview' : 'field-error'}>
                        {shown.ok ? `→ ${shown.text}` : 'error' in shown ? shown.error : `this contact has no ${shown.missingField}: they would be skipped (add a fallback)`}
                      </small>
                    )}
                  </>
                )}
              </Field>
            );
          })}
          <div class="preview-box" aria-live="polite" id={props.previewId}>
            <strong>Preview</strong> for {props.sampleName}:
            {components
              .filter((component) => component.text)
              .map((component) => (
                <p key={component.type}>{fillTemplateText(component.text!, placeholderValues(slots, values, component.type), props.sample)}</p>
              ))}
          </div>
        </fieldset>
      )}
    </>
  );
}

/** The values of one component's slots keyed by the placeholder they fill, for the preview of its text. */
function placeholderValues(slots: ReturnType<typeof slotsOf>, values: Record<string, string>, type: string): Record<string, string> {
  const prefix = `${type.toLowerCase()}:`;
  const out: Record<string, string> = {};
  for (const slot of slots) if (slot.key.startsWith(prefix) && slot.placeholder) out[slot.placeholder] = values[slot.key] ?? '';
  return out;
}
