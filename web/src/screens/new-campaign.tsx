import { useEffect, useState } from 'preact/hooks';
import { ApiError, get, post, query } from '../api/client';
import type { AudiencePreview, Campaign, Channel, ContactDetail, CreateCampaign, List, Page, TemplateList } from '../api/types';
import { ErrorBox, Field, useLoad } from '../components/ui';
import { AGAIN_LABELS, againAudience, type AudienceChoice, campaignTarget, EMPTY_AUDIENCE, isAgainKind } from '../lib/audience';
import { browserZone, checkOptions, deliveryBody, EMPTY_OPTIONS, frequencyCapBody, type OptionsForm, sendWindowBody, winnerBody } from '../lib/campaign-options';
import { placeErrors, type PlacedErrors } from '../lib/field-errors';
import { localInputToIso } from '../lib/format';
import { valuesFrom } from '../lib/template-slots';
import { href, navigate } from '../router';
import { AudienceBuilder } from './audience-builder';
import { CampaignOptions } from './campaign-options';
import { templateBody, templateKey, TemplateFields } from './template-fields';

const FIELDS = ['name', 'channelId', 'listId', 'template', 'variants', 'scheduledAt', 'sendWindow', 'audience', 'frequencyCap', 'winner', 'validUntil', 'ttlSeconds'] as const;
const ALIASES = { template: ['template', 'parameter', 'component'], audience: ['audience'], scheduledAt: ['scheduledAt', 'send at'], sendWindow: ['window', 'timezone'], variants: ['variant'], validUntil: ['validUntil'], ttlSeconds: ['ttlSeconds'] };

export function NewCampaign({ params }: { params: URLSearchParams }) {
  const fromId = params.get('from');
  const again = params.get('audience');
  const channels = useLoad(() => get<Page<Channel>>(`/v1/channels${query({ limit: 200 })}`), []);
  const lists = useLoad(() => get<Page<List>>(`/v1/lists${query({ limit: 500 })}`), []);
  const [form, setForm] = useState({ name: '', channelId: '', template: '', templateB: '', sendAt: '', abTest: false, weightA: '50', weightB: '50' });
  const [options, setOptions] = useState<OptionsForm>({ ...EMPTY_OPTIONS, timezone: browserZone() });
  const [values, setValues] = useState<Record<string, string>>({});
  const [valuesB, setValuesB] = useState<Record<string, string>>({});
  const [audience, setAudience] = useState<AudienceChoice>(() =>
    fromId && isAgainKind(again) ? { ...EMPTY_AUDIENCE, fromCampaign: againAudience(again, fromId) } : EMPTY_AUDIENCE,
  );
  const [errors, setErrors] = useState<PlacedErrors>({ byField: {}, general: [] });
  const [busy, setBusy] = useState(false);
  const [sampleId, setSampleId] = useState<string | null>(null);
  const set = (key: 'name' | 'channelId' | 'sendAt' | 'weightA' | 'weightB') => (event: { currentTarget: { value: string } }) => {
    const value = event.currentTarget.value;
    setForm((old) => ({ ...old, [key]: value }));
    // an edited field's error is stale; the next answer says again what is still wrong
    const field = key === 'sendAt' ? 'scheduledAt' : key;
    setErrors((old) => (old.byField[field] ? { ...old, byField: { ...old.byField, [field]: [] } } : old));
  };

  // "Send again to…": the earlier campaign's channel, template and parameters; its recipients as the audience.
  useEffect(() => {
    if (!fromId) return;
    void get<Campaign>(`/v1/campaigns/${encodeURIComponent(fromId)}`).then((earlier) => {
      setForm((old) => ({
        ...old,
        name: `${earlier.name} – again (${isAgainKind(again) ? AGAIN_LABELS[again] : 'all'})`,
        channelId: earlier.channelId,
        template: templateKey(earlier.template),
      }));
      setOptions((old) => ({
        ...old,
        windowStart: earlier.sendWindow?.start ?? '',
        windowEnd: earlier.sendWindow?.end ?? '',
        recipientZone: earlier.sendWindow?.timezone === 'recipient',
        timezone: earlier.sendWindow && earlier.sendWindow.timezone !== 'recipient' ? earlier.sendWindow.timezone : old.timezone,
        fallbackTimezone: earlier.sendWindow?.fallbackTimezone ?? '',
      }));
      setValues(valuesFrom(earlier.template.components as Parameters<typeof valuesFrom>[0]));
    });
  }, [fromId, again]);

  useEffect(() => {
    if (!form.channelId && channels.data?.items[0]) setForm((old) => ({ ...old, channelId: channels.data!.items[0].id }));
  }, [channels.data]);

  const templates = useLoad(
    () => (form.channelId ? get<TemplateList>(`/v1/channels/${encodeURIComponent(form.channelId)}/templates`) : Promise.resolve(null)),
    [form.channelId],
  );
  const usable = (templates.data?.items ?? []).filter((template) => template.status === 'APPROVED');
  const chosen = usable.find((template) => templateKey(template) === form.template) ?? null;
  const chosenB = usable.find((template) => templateKey(template) === form.templateB) ?? null;

  // The live preview's contact: the first the audience preview would send to (with its attributes).
  const sample = useLoad(() => (sampleId ? get<ContactDetail>(`/v1/contacts/${encodeURIComponent(sampleId)}`) : Promise.resolve(null)), [sampleId]);
  const sampleName = sample.data ? [sample.data.firstName, sample.data.lastName].filter(Boolean).join(' ') || sample.data.phone : 'a contact without fields (choose an audience)';

  async function submit(schedule: boolean) {
    const scheduledAt = form.sendAt ? localInputToIso(form.sendAt) : new Date().toISOString();
    const target = campaignTarget(audience);
    const local: PlacedErrors = { byField: {}, general: [] };
    if (!chosen) local.byField.template = ['Choose an approved template of this channel.'];
    if (form.abTest && !chosenB) local.byField.variants = ['Choose the template of variant B.'];
    if (!target) local.byField.audience = ['Choose a list, a segment or an earlier campaign.'];
    if (schedule && form.sendAt && !scheduledAt) local.byField.scheduledAt = ['Send at is not a date and time.'];
    for (const [field, message] of Object.entries(checkOptions(options))) local.byField[field] = [message];
    // the form's own checks pass: what they said before is stale, and the engine's answer says what is still wrong
    setErrors(local);
    if (Object.keys(local.byField).length > 0) return;
    const sendWindow = sendWindowBody(options);
    const frequencyCap = frequencyCapBody(options);
    const winner = form.abTest ? winnerBody(options) : undefined;
    const body: CreateCampaign = {
      name: form.name,
      channelId: form.channelId,
      ...target!,
      ...(form.abTest
        ? {
            variants: [
              { name: 'A', weight: Number(form.weightA), template: templateBody(chosen, values) },
              { name: 'B', weight: Number(form.weightB), template: templateBody(chosenB, valuesB) },
            ],
          }
        : { template: templateBody(chosen, values) }),
      ...(winner ? { winner } : {}),
      ...(schedule && scheduledAt ? { scheduledAt } : {}),
      ...(sendWindow ? { sendWindow } : {}),
      ...(frequencyCap ? { frequencyCap } : {}),
      ...deliveryBody(options),
    };
    setBusy(true);
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
        <TemplateFields
          label="Template"
          previewId="preview"
          templates={usable}
          value={form.template}
          onTemplate={(key) => {
            setForm((old) => ({ ...old, template: key }));
            setErrors((old) => ({ ...old, byField: { ...old.byField, template: [] } }));
            if (!fromId) setValues({});
          }}
          values={values}
          onValues={setValues}
          sample={sample.data}
          sampleName={sampleName}
          error={errors.byField.template}
          hint={templates.data ? `${usable.length} approved in the registry` : undefined}
        />
        <div class="field wide">
          <label>
            <input type="checkbox" checked={form.abTest} onChange={(e) => setForm((old) => ({ ...old, abTest: e.currentTarget.checked }))} /> A/B test (variant B)
          </label>
          <small class="hint">Send a second template to part of the audience and compare them</small>
        </div>
        {form.abTest && (
          <fieldset class="wide window" aria-label="A/B variants">
            <legend>A/B variants</legend>
            <Field label="Variant A weight">{(id) => <input id={id} type="number" min={1} value={form.weightA} onInput={set('weightA')} />}</Field>
            <Field label="Variant B weight">{(id) => <input id={id} type="number" min={1} value={form.weightB} onInput={set('weightB')} />}</Field>
            <TemplateFields
              label="Variant B template"
              previewId="preview-b"
              templates={usable}
              value={form.templateB}
              onTemplate={(key) => (setForm((old) => ({ ...old, templateB: key })), setValuesB({}))}
              values={valuesB}
              onValues={setValuesB}
              sample={sample.data}
              sampleName={sampleName}
              error={errors.byField.variants}
            />
          </fieldset>
        )}
        <AudienceBuilder
          lists={lists.data?.items ?? []}
          channelId={form.channelId}
          template={chosen ? { name: chosen.name, language: chosen.language } : null}
          value={audience}
          onChange={(next) => {
            setAudience(next);
            setErrors((old) => ({ ...old, byField: { ...old.byField, audience: [], listId: [] } }));
          }}
          onPreview={(preview: AudiencePreview | null) => setSampleId(preview?.sample[0]?.id ?? null)}
          error={[...(errors.byField.listId ?? []), ...(errors.byField.audience ?? [])]}
        />
        <Field label="Send at" error={errors.byField.scheduledAt} hint="Empty: as soon as you press Schedule">
          {(id, d) => <input id={id} aria-describedby={d} type="datetime-local" value={form.sendAt} onInput={set('sendAt')} />}
        </Field>
        <CampaignOptions value={options} onChange={setOptions} abTest={form.abTest} errors={errors.byField} />
        <div class="field wide" id="estimate-hint">
          <span class="label">Cost estimate</span>
          <span class="muted">
            The engine prices a saved campaign: <strong>Save draft</strong> opens its page with the estimate for this audience and template, and a
            Schedule button.
          </span>
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
