/**
 * The Audience part of New campaign: a list, and — with issue 12's audience API — lists to leave out,
 * conditions on contact fields, a saved segment, and a live count. The extra parts are sent only when
 * used, so a campaign of a plain list works on an engine without that API; the live count and the
 * segments show "not available" when the engine answers 404.
 */
import { useEffect, useState } from 'preact/hooks';
import { getOptional, postOptional } from '../api/client';
import type { PendingAudience, PendingAudienceCondition, PendingAudiencePreview, PendingSegment } from '../api/pending';
import { type AudienceChoice, audienceBody } from '../lib/audience';
import type { List } from '../api/types';
import { Field } from '../components/ui';
import { formatNumber } from '../lib/format';

/** Operators offered for conditions (issue 12's names; replace with the generated enum after the merge). */
const OPERATORS: Array<[string, string]> = [
  ['eq', 'is'],
  ['neq', 'is not'],
  ['contains', 'contains'],
  ['exists', 'is set'],
];

export function AudienceBuilder(props: {
  lists: List[];
  value: AudienceChoice;
  onChange: (value: AudienceChoice) => void;
  error?: string[];
  fromCampaign?: PendingAudience['fromCampaign'];
}) {
  const { lists, value, onChange } = props;
  const [segments, setSegments] = useState<PendingSegment[] | null>(null);
  const [count, setCount] = useState<{ state: 'idle' | 'none' | 'ok'; value: PendingAudiencePreview | null }>({ state: 'idle', value: null });

  useEffect(() => {
    void getOptional<{ items: PendingSegment[] }>('/v1/segments')
      .then((answer) => setSegments(answer?.items ?? null))
      .catch(() => setSegments(null));
  }, []);

  // Live count, debounced: the engine counts the whole audience each time.
  const key = JSON.stringify([value, props.fromCampaign]);
  useEffect(() => {
    if (!value.listId && !value.segmentId) return setCount({ state: 'idle', value: null });
    const timer = window.setTimeout(() => {
      const body = audienceBody(value, props.fromCampaign) ?? { listIds: [value.listId] };
      void postOptional<PendingAudiencePreview>('/v1/audiences/preview', body)
        .then((answer) => setCount({ state: answer ? 'ok' : 'none', value: answer }))
        .catch(() => setCount({ state: 'none', value: null }));
    }, 300);
    return () => window.clearTimeout(timer);
  }, [key]);

  const list = lists.find((item) => item.id === value.listId) ?? null;
  const setWhere = (index: number, patch: Partial<PendingAudienceCondition>) =>
    onChange({ ...value, where: value.where.map((condition, i) => (i === index ? { ...condition, ...patch } : condition)) });

  return (
    <fieldset class="wide audience">
      <legend>Who receives it</legend>
      <Field label="Audience" error={props.error} hint="A list of contacts">
        {(id, d) => (
          <select id={id} aria-describedby={d} value={value.listId} onChange={(e) => onChange({ ...value, listId: e.currentTarget.value })}>
            <option value="">Choose a list</option>
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
      {segments && segments.length > 0 && (
        <Field label="Segment">
          {(id) => (
            <select id={id} value={value.segmentId} onChange={(e) => onChange({ ...value, segmentId: e.currentTarget.value })}>
              <option value="">None</option>
              {segments.map((segment) => (
                <option key={segment.id} value={segment.id}>
                  {segment.name}
                </option>
              ))}
            </select>
          )}
        </Field>
      )}
      {value.where.map((condition, index) => (
        <div class="condition" role="group" aria-label={`Condition ${index + 1}`} key={index}>
          <Field label={`Condition ${index + 1} field`}>
            {(id) => <input id={id} value={condition.field} placeholder="country, language or an attribute" onInput={(e) => setWhere(index, { field: e.currentTarget.value })} />}
          </Field>
          <Field label="Operator">
            {(id) => (
              <select id={id} value={condition.op} onChange={(e) => setWhere(index, { op: e.currentTarget.value })}>
                {OPERATORS.map(([op, label]) => (
                  <option key={op} value={op}>
                    {label}
                  </option>
                ))}
              </select>
            )}
          </Field>
          {condition.op !== 'exists' && (
            <Field label="Value">{(id) => <input id={id} value={String(condition.value ?? '')} onInput={(e) => setWhere(index, { value: e.currentTarget.value })} />}</Field>
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
      <p id="audience-count" aria-live="polite">
        <strong>Recipients: </strong>
        {count.state === 'ok' && count.value
          ? `${formatNumber(count.value.count)} (live count${typeof count.value.excluded === 'number' ? `, ${formatNumber(count.value.excluded)} left out` : ''})`
          : list
            ? `${formatNumber(list.memberCount)} in the list; opted-out contacts are left out at launch (live count not available from this engine)`
            : '—'}
      </p>
    </fieldset>
  );
}
