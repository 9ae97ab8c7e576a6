/**
 * The Audience part of New campaign: a list, lists to leave out, conditions on contact fields, an
 * earlier campaign's recipients ("Send again to…"), a saved segment — or save this audience as one —
 * and the live count of POST /v1/audiences/preview (the launch's own SQL, debounced).
 */
import { useEffect, useState } from 'preact/hooks';
import { ApiError, get, post, query } from '../api/client';
import type { AudiencePreview, AudiencePreviewRequest, List, Page, Segment } from '../api/types';
import { ErrorBox, Field, useLoad } from '../components/ui';
import { type AudienceChoice, audienceBody, type ConditionDraft, OPERATORS, segmentAudience, takesNoValue } from '../lib/audience';
import { formatNumber } from '../lib/format';
import { href } from '../router';
import { SegmentDelete } from './segment-delete';

type Count = { state: 'idle' } | { state: 'counting' } | { state: 'ok'; value: AudiencePreview } | { state: 'error'; message: string };

export function AudienceBuilder(props: {
  lists: List[];
  channelId: string;
  template: { name: string; language: string } | null;
  value: AudienceChoice;
  onChange: (value: AudienceChoice) => void;
  /** The latest count (null while there is none): New campaign takes its sample contact for the preview. */
  onPreview?: (preview: AudiencePreview | null) => void;
  error?: string[];
}) {
  const { lists, value, onChange } = props;
  const segments = useLoad(() => get<Page<Segment>>(`/v1/segments${query({ limit: 200 })}`), []);
  const [count, setCount] = useState<Count>({ state: 'idle' });
  const [segmentName, setSegmentName] = useState('');
  const [segmentNote, setSegmentNote] = useState<string | null>(null);
  const [segmentError, setSegmentError] = useState<unknown>(null);

  // Live count, debounced: the engine counts the whole audience each time.
  const key = JSON.stringify([value, props.channelId, props.template]);
  useEffect(() => {
    const audience = audienceBody(value);
    if (!audience || !props.channelId) {
      props.onPreview?.(null);
      return setCount({ state: 'idle' });
    }
    setCount({ state: 'counting' });
    let current = true;
    const timer = window.setTimeout(() => {
      const body: AudiencePreviewRequest = { channelId: props.channelId, audience, ...(props.template ? { template: props.template } : {}) };
      post<AudiencePreview>('/v1/audiences/preview', body)
        .then((answer) => {
          if (!current) return;
          setCount({ state: 'ok', value: answer });
          props.onPreview?.(answer);
        })
        .catch((error) => current && setCount({ state: 'error', message: error instanceof ApiError ? error.message : String(error) }));
    }, 300);
    return () => {
      current = false;
      window.clearTimeout(timer);
    };
  }, [key]);

  const setWhere = (index: number, patch: Partial<ConditionDraft>) =>
    onChange({ ...value, where: value.where.map((condition, i) => (i === index ? { ...condition, ...patch } : condition)) });

  async function saveSegment() {
    setSegmentError(null);
    setSegmentNote(null);
    const audience = segmentAudience(value);
    if (!audience) return setSegmentError(new Error('Choose a list (or an earlier campaign) first: a segment is saved without another segment in it.'));
    try {
      const saved = await post<Segment>('/v1/segments', { name: segmentName.trim(), audience });
      setSegmentNote(`Saved as segment “${saved.name}”.`);
      setSegmentName('');
      await segments.reload();
    } catch (error) {
      setSegmentError(error);
    }
  }

  const from = value.fromCampaign;
  const chosenSegment = segments.data?.items.find((segment) => segment.id === value.segmentId);
  return (
    <fieldset class="wide audience">
      <legend>Who receives it</legend>
      {from && (
        <p class="notice wide" id="from-campaign">
          Recipients of <a href={href(`/campaigns/${from.campaignId}`)}>an earlier campaign</a>
          {from.statuses ? ` whose message is now ${from.statuses.join(' or ')}` : ''}
          {from.replied === false ? ' who did not reply' : from.replied ? ' who replied' : ''}
          {from.clickedButton ? ` who tapped “${from.clickedButton}”` : ''}.{' '}
          <button type="button" onClick={() => onChange({ ...value, fromCampaign: null })}>
            Remove
          </button>
        </p>
      )}
      <Field label="Audience" error={props.error} hint={from || value.segmentId ? 'Optional here: narrows to members of this list' : 'A list of contacts'}>
        {(id, d) => (
          <select id={id} aria-describedby={d} value={value.listId} onChange={(e) => onChange({ ...value, listId: e.currentTarget.value })}>
            <option value="">{from || value.segmentId ? 'No list' : 'Choose a list'}</option>
            {lists.map((item) => (
              <option key={item.id} value={item.id}>
                {item.name} ({formatNumber(item.memberCount)})
              </option>
            ))}
          </select>
        )}
      </Field>
      <Field label="Leave out list" hint="Optional: members of this list are not sent to">
        {(id) => (
          <select id={id} value={value.excludeListIds[0] ?? ''} onChange={(e) => onChange({ ...value, excludeListIds: e.currentTarget.value ? [e.currentTarget.value] : [] })}>
            <option value="">None</option>
            {lists
              .filter((item) => item.id !== value.listId)
              .map((item) => (
                <option key={item.id} value={item.id}>
                  {item.name}
                </option>
              ))}
          </select>
        )}
      </Field>
      <Field label="Segment" hint="Optional: a saved audience; everything else here narrows it">
        {(id) => (
          <select id={id} value={value.segmentId} onChange={(e) => onChange({ ...value, segmentId: e.currentTarget.value })}>
            <option value="">None</option>
            {segments.data?.items.map((segment) => (
              <option key={segment.id} value={segment.id}>
                {segment.name}
              </option>
            ))}
          </select>
        )}
      </Field>
      {chosenSegment && (
        <SegmentDelete
          segment={chosenSegment}
          onDeleted={() => {
            onChange({ ...value, segmentId: '' });
            void segments.reload();
          }}
        />
      )}
      {value.where.map((condition, index) => (
        <div class="condition" role="group" aria-label={`Condition ${index + 1}`} key={index}>
          <Field label={`Condition ${index + 1} field`}>
            {(id) => <input id={id} value={condition.field} placeholder="country, opted_in_at or an attribute" onInput={(e) => setWhere(index, { field: e.currentTarget.value })} />}
          </Field>
          <Field label={`Condition ${index + 1} operator`}>
            {(id) => (
              <select id={id} value={condition.op} onChange={(e) => setWhere(index, { op: e.currentTarget.value as ConditionDraft['op'] })}>
                {OPERATORS.map(([op, label]) => (
                  <option key={op} value={op}>
                    {label}
                  </option>
                ))}
              </select>
            )}
          </Field>
          {!takesNoValue(condition.op) && (
            <Field label={`Condition ${index + 1} value`} hint={condition.op === 'in' || condition.op === 'notIn' ? 'Comma-separated' : condition.op === 'before' || condition.op === 'after' ? 'A date, e.g. 2026-01-01' : undefined}>
              {(id) => <input id={id} value={condition.value} onInput={(e) => setWhere(index, { value: e.currentTarget.value })} />}
            </Field>
          )}
          <button type="button" onClick={() => onChange({ ...value, where: value.where.filter((_, i) => i !== index) })}>
            Remove condition {index + 1}
          </button>
        </div>
      ))}
      <div>
        <button type="button" onClick={() => onChange({ ...value, where: [...value.where, { field: '', op: 'eq', value: '' }] })}>
          Add condition
        </button>
      </div>
      <p id="audience-count" aria-live="polite" data-state={count.state}>
        <strong>Recipients: </strong>
        {count.state === 'ok' ? (
          <>
            <span data-audience-count>{formatNumber(count.value.count)}</span> to be sent
            {count.value.excluded.optedOut > 0 && `, ${formatNumber(count.value.excluded.optedOut)} left out for consent`}
            {count.value.byCountry.length > 0 && ` (${count.value.byCountry.slice(0, 3).map((row) => `${row.country ?? 'unknown'} ${formatNumber(row.count)}`).join(', ')})`}
          </>
        ) : count.state === 'counting' ? (
          'counting…'
        ) : count.state === 'error' ? (
          <span class="field-error">{count.message}</span>
        ) : (
          'choose a channel and a list, a segment or an earlier campaign'
        )}
      </p>
      <div class="condition" role="group" aria-label="Save as segment">
        <Field label="Segment name" hint="Save this audience to pick it again later">
          {(id) => <input id={id} value={segmentName} onInput={(e) => setSegmentName(e.currentTarget.value)} />}
        </Field>
        <button type="button" onClick={() => void saveSegment()} disabled={!segmentName.trim()}>
          Save as segment
        </button>
        {segmentNote && <p role="status">{segmentNote}</p>}
      </div>
      <ErrorBox error={segmentError} />
    </fieldset>
  );
}
