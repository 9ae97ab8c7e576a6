import { useEffect, useMemo, useState } from 'preact/hooks';
import { ApiError, get, post, query } from '../api/client';
import type { PendingAudience, PendingComponentText } from '../api/pending';
import type { Campaign, Channel, Contact, CreateCampaign, List, Page, TemplateComponent, TemplateList } from '../api/types';
import { ErrorBox, Field, useLoad } from '../components/ui';
import { placeErrors, type PlacedErrors } from '../lib/field-errors';
import { localInputToIso } from '../lib/format';
import { fillTemplateText, previewValue } from '../lib/placeholders';
import { componentsFor, slotsOf, valuesFrom } from '../lib/template-slots';
import { href, navigate } from '../router';
import { type AudienceChoice, audienceBody, EMPTY_AUDIENCE } from '../lib/audience';
import { AudienceBuilder } from './audience-builder';

const FIELDS = ['name', 'channelId', 'listId', 'template', 'scheduledAt', 'sendWindow', 'audience'] as const;
const ALIASES = { template: ['template', 'parameter', 'component'], audience: ['audience'], scheduledAt: ['scheduledAt', 'send at'], sendWindow: ['window'] };
const AGAIN_LABELS: Record<string, string> = { not_read: 'did not read', failed: 'failed', not_replied: 'did not reply' };
/** What "Send again to…" asks the audience API for (issue 12's fromCampaign). */
const AGAIN_FILTERS: Record<string, string> = { not_read: 'not_read', failed: 'failed', not_replied: 'not_replied' };

type Component = TemplateComponent & PendingComponentText;

export function NewCampaign({ params }: { params: URLSearchParams }) {
  const fromId = params.get('from');
  const againFilter = params.get('audience');
  const channels = useLoad(() => get<Page<Channel>>(`/v1/channels${query({ limit: 200 })}`), []);
  const lists = useLoad(() => get<Page<List>>(`/v1/lists${query({ limit: 500 })}`), []);
  const [form, setForm] = useState({ name: '', channelId: '', listId: '', template: '', sendAt: '', windowStart: '', windowEnd: '', timezone: Intl.DateTimeFormat().resolvedOptions().timeZone });
  const [values, setValues] = useState<Record<string, string>>({});
  const [errors, setErrors] = useState<PlacedErrors>({ byField: {}, general: [] });
  const [busy, setBusy] = useState(false);
  const set = (key: keyof typeof form) => (event: { currentTarget: { value: string } }) => {
    const value = event.currentTarget.value;
    setForm((old) => ({ ...old, [key]: value }));
    // an edited field's error is stale; the next answer says again what is still wrong
    const field = { sendAt: 'scheduledAt', template: 'template', windowStart: 'sendWindow' }[key as string] ?? key;
    setErrors((old) => (old.byField[field] ? { ...old, byField: { ...old.byField, [field]: [] } } : old));
  };

  // "Send again to…": prefill from the earlier campaign.
  useEffect(() => {
    if (!fromId) return;
    void get<Campaign>(`/v1/campaigns/${encodeURIComponent(fromId)}`).then((earlier) => {
      setForm((old) => ({
        ...old,
        name: `${earlier.name} – again (${AGAIN_LABELS[againFilter ?? ''] ?? 'all'})`,
        channelId: earlier.channelId,
        listId: earlier.listId,
        template: `${earlier.template.name}/${earlier.template.language}`,
        windowStart: earlier.sendWindow?.start ?? '',
        windowEnd: earlier.sendWindow?.end ?? '',
        timezone: earlier.sendWindow?.timezone ?? old.timezone,
      }));
      setValues(valuesFrom(earlier.template.components as Parameters<typeof valuesFrom>[0]));
    });
  }, [fromId, againFilter]);

  useEffect(() => {
    if (!form.channelId && channels.data?.items[0]) setForm((old) => ({ ...old, channelId: channels.data!.items[0].id }));
  }, [channels.data]);

  const templates = useLoad(
    () => (form.channelId ? get<TemplateList>(`/v1/channels/${encodeURIComponent(form.channelId)}/templates`) : Promise.resolve(null)),
    [form.channelId],
  );
  const usable = (templates.data?.items ?? []).filter((template) => template.status === 'APPROVED');
  const chosen = usable.find((template) => `${template.name}/${template.language}` === form.template) ?? null;
  const named = chosen?.parameterFormat === 'NAMED';
  const components = (chosen?.components ?? []) as Component[];
  const slots = useMemo(() => slotsOf(components, named), [chosen]);

  // A sample contact of the chosen list for the live preview.
  const sample = useLoad(
    () => (form.listId ? get<Page<Contact>>(`/v1/contacts${query({ listId: form.listId, limit: 1 })}`).then((page) => page.items[0] ?? null) : Promise.resolve(null)),
    [form.listId],
  );
  const [extra, setExtra] = useState<AudienceChoice>(EMPTY_AUDIENCE);
  const fromCampaign = fromId ? { campaignId: fromId, filter: AGAIN_FILTERS[againFilter ?? ''] } : undefined;

  async function submit(schedule: boolean) {
    setBusy(true);
    const scheduledAt = form.sendAt ? localInputToIso(form.sendAt) : new Date().toISOString();
    const audience = audienceBody({ ...extra, listId: form.listId }, fromCampaign);
    const body: CreateCampaign & { audience?: PendingAudience } = {
      name: form.name,
      channelId: form.channelId,
      listId: form.listId,
      template: {
        name: chosen?.name ?? '',
        language: chosen?.language ?? '',
        components: componentsFor(components, named, values) as unknown as CreateCampaign['template']['components'],
      },
      skipTemplateCheck: false,
      ...(schedule && scheduledAt ? { scheduledAt } : {}),
      ...(form.windowStart || form.windowEnd ? { sendWindow: { start: form.windowStart, end: form.windowEnd, timezone: form.timezone } } : {}),
      ...(audience ? { audience } : {}),
    };
    const local: PlacedErrors = { byField: {}, general: [] };
    if (!chosen) local.byField.template = ['Choose an approved template of this channel.'];
    if (schedule && form.sendAt && !scheduledAt) local.byField.scheduledAt = ['Send at is not a date and time.'];
    if (Object.keys(local.byField).length > 0) {
      setErrors(local);
      setBusy(false);
      return;
    }
    try {
      const created = await post<Campaign>('/v1/campaigns', body);
      navigate(`/campaigns/${created.id}`);
    } catch (error) {
      setErrors(error instanceof ApiError ? placeErrors(error.message, FIELDS, ALIASES) : { byField: {}, general: [String(error)] });
    } finally {
      setBusy(false);
    }
  }

  return (
    <>
      <p class="crumbs">
        <a href={href('/campaigns')}>Campaigns</a> /
      </p>
      <h1>New campaign</h1>
      {fromId && (
        <p class="notice">
          Sending again to the recipients of <a href={href(`/campaigns/${fromId}`)}>an earlier campaign</a> who {AGAIN_LABELS[againFilter ?? ''] ?? '…'}.
        </p>
      )}
      <form class="card form-grid" onSubmit={(event) => (event.preventDefault(), void submit(true))} aria-label="New campaign" novalidate>
        <Field label="Name" error={errors.byField.name}>
          {(id, d) => <input id={id} aria-describedby={d} value={form.name} onInput={set('name')} />}
        </Field>
        <Field label="Channel" error={errors.byField.channelId}>
          {(id, d) => (
            <select id={id} aria-describedby={d} value={form.channelId} onChange={set('channelId')}>
              {channels.data?.items.length === 0 && <option value="">No channel yet</option>}
              {channels.data?.items.map((channel) => (
                <option key={channel.id} value={channel.id}>
                  {channel.name} ({channel.phoneNumber})
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label="Template" error={errors.byField.template} hint={templates.data ? `${usable.length} approved in the registry` : undefined}>
          {(id, d) => (
            <select
              id={id}
              aria-describedby={d}
              value={form.template}
              onChange={(event) => {
                set('template')(event);
                if (!fromId) setValues({});
              }}
            >
              <option value="">Choose a template</option>
              {usable.map((template) => (
                <option key={`${template.name}/${template.language}`} value={`${template.name}/${template.language}`}>
                  {template.name} ({template.language}, {template.category ?? 'no category'})
                </option>
              ))}
            </select>
          )}
        </Field>
        {chosen && (
          <fieldset class="wide template-box">
            <legend>Template text and parameters</legend>
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
              const shown = slot.kind === 'text' && value ? previewValue(value, sample.data) : null;
              return (
                <Field key={slot.key} label={slot.label} hint={slot.kind === 'text' ? 'Text, {{field}} or {{field|fallback}}' : 'https:// link to the file'}>
                  {(id) => (
                    <>
                      <input id={id} value={value} onInput={(event) => setValues({ ...values, [slot.key]: event.currentTarget.value })} />
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
            <div class="preview-box" aria-live="polite" id="preview">
              <strong>Preview</strong> for {sample.data ? [sample.data.firstName, sample.data.lastName].filter(Boolean).join(' ') || sample.data.phone : 'a contact without fields (choose an audience)'}:
              {components
                .filter((component) => component.text)
                .map((component) => (
                  <p key={component.type}>{fillTemplateText(component.text!, placeholderValues(slots, values, component.type), sample.data)}</p>
                ))}
            </div>
          </fieldset>
        )}
        <AudienceBuilder
          lists={lists.data?.items ?? []}
          value={{ ...extra, listId: form.listId }}
          onChange={(next) => {
            setExtra(next);
            if (next.listId !== form.listId) setForm((old) => ({ ...old, listId: next.listId }));
          }}
          error={errors.byField.listId ?? errors.byField.audience}
          fromCampaign={fromCampaign}
        />
        <Field label="Send at" error={errors.byField.scheduledAt} hint="Empty: as soon as you press Schedule">
          {(id, d) => <input id={id} aria-describedby={d} type="datetime-local" value={form.sendAt} onInput={set('sendAt')} />}
        </Field>
        <fieldset class="wide window">
          <legend>Send window (optional)</legend>
          <Field label="Window start" error={errors.byField.sendWindow}>
            {(id) => <input id={id} type="time" value={form.windowStart} onInput={set('windowStart')} />}
          </Field>
          <Field label="Window end">{(id) => <input id={id} type="time" value={form.windowEnd} onInput={set('windowEnd')} />}</Field>
          <Field label="Time zone">{(id) => <input id={id} value={form.timezone} onInput={set('timezone')} />}</Field>
        </fieldset>
        <div class="field wide" id="estimate">
          <span class="label">Cost estimate</span>
          <span class="muted">Shown on the campaign's page once it is saved (not available before).</span>
        </div>
        {errors.general.length > 0 && <ErrorBox error={errors.general.join('; ')} />}
        <div class="form-actions wide">
          <button type="submit" class="primary" disabled={busy}>
            Schedule
          </button>
          <button type="button" disabled={busy} onClick={() => void submit(false)}>
            Save draft
          </button>
        </div>
      </form>
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
