/** New campaign's optional rules: send window (a zone, or each recipient's own), frequency cap, delivery limits, A/B winner rule. */
import { type OptionsForm, TTL_HOURS } from '../lib/campaign-options';
import { Field } from '../components/ui';

export function CampaignOptions(props: { value: OptionsForm; onChange: (value: OptionsForm) => void; abTest: boolean; errors: Record<string, string[]> }) {
  const { value, onChange, errors } = props;
  const text = (key: keyof OptionsForm) => (event: { currentTarget: { value: string } }) => onChange({ ...value, [key]: event.currentTarget.value });
  return (
    <>
      <fieldset class="wide window">
        <legend>Send window (optional)</legend>
        <Field label="Window start" error={errors.sendWindow}>
          {(id, d) => <input id={id} aria-describedby={d} type="time" value={value.windowStart} onInput={text('windowStart')} />}
        </Field>
        <Field label="Window end">{(id) => <input id={id} type="time" value={value.windowEnd} onInput={text('windowEnd')} />}</Field>
        <div class="field">
          <label>
            <input type="checkbox" checked={value.recipientZone} onChange={(e) => onChange({ ...value, recipientZone: e.currentTarget.checked })} /> In each recipient's own
            time zone
          </label>
          <small class="hint">The contact's timezone attribute, else their number's country</small>
        </div>
        {value.recipientZone ? (
          <Field label="Fallback time zone" hint="For recipients whose zone is unknown, e.g. Europe/Berlin">
            {(id) => <input id={id} value={value.fallbackTimezone} onInput={text('fallbackTimezone')} />}
          </Field>
        ) : (
          <Field label="Time zone">{(id) => <input id={id} value={value.timezone} onInput={text('timezone')} />}</Field>
        )}
      </fieldset>
      <fieldset class="wide window">
        <legend>Frequency cap (optional, MARKETING templates)</legend>
        <Field label="At most (messages per contact)" error={errors.frequencyCap} hint="Empty: the engine's MARKETING_FREQUENCY_CAP">
          {(id, d) => <input id={id} aria-describedby={d} type="number" min={1} max={100} value={value.capMax} onInput={text('capMax')} />}
        </Field>
        <Field label="Per hours">{(id) => <input id={id} type="number" min={1} max={720} value={value.capHours} onInput={text('capHours')} />}</Field>
      </fieldset>
      <fieldset class="wide window">
        <legend>Delivery (optional)</legend>
        <Field label="Valid until" error={errors.validUntil} hint="Not sent after this; a retry is not made past it. Empty: no end">
          {(id, d) => <input id={id} aria-describedby={d} type="datetime-local" value={value.validUntil} onInput={text('validUntil')} />}
        </Field>
        <Field
          label="Keep delivering for (hours)"
          error={errors.ttlSeconds}
          hint="Marketing Messages API channels: how long WhatsApp retries delivery. Empty: WhatsApp's default (30 days)"
        >
          {(id, d) => <input id={id} aria-describedby={d} type="number" min={TTL_HOURS.min} max={TTL_HOURS.max} value={value.ttlHours} onInput={text('ttlHours')} />}
        </Field>
      </fieldset>
      {props.abTest && (
        <fieldset class="wide window">
          <legend>A/B winner (optional)</legend>
          <Field label="Pick the winner by" error={errors.winner} hint="None: each variant goes to its share of everybody">
            {(id, d) => (
              <select id={id} aria-describedby={d} value={value.winnerMetric} onChange={(e) => onChange({ ...value, winnerMetric: e.currentTarget.value as OptionsForm['winnerMetric'] })}>
                <option value="">None</option>
                <option value="read">read rate</option>
                <option value="replied">reply rate</option>
                <option value="clicked">click rate</option>
              </select>
            )}
          </Field>
          {value.winnerMetric && (
            <>
              <Field label="Test share (%)">{(id) => <input id={id} type="number" min={1} max={99} value={value.testShare} onInput={text('testShare')} />}</Field>
              <Field label="Pick after (hours)">{(id) => <input id={id} type="number" min={1} max={720} value={value.afterHours} onInput={text('afterHours')} />}</Field>
            </>
          )}
        </fieldset>
      )}
    </>
  );
}
