/** A channel's 360dialog options, changed with PATCH /v1/channels/:id: Marketing Messages API, its fallback, the Partner channel id. */
import { useState } from 'preact/hooks';
import { ApiError, api } from '../api/client';
import type { Channel, UpdateChannel } from '../api/types';
import { Card, ErrorBox, Field } from '../components/ui';

export function ChannelOptionsForm({ channel, onSaved }: { channel: Channel; onSaved: () => void }) {
  const [form, setForm] = useState({
    marketingMessagesApi: channel.marketingMessagesApi,
    marketingMessagesFallback: channel.marketingMessagesFallback,
    partnerChannelId: channel.partnerChannelId ?? '',
  });
  const [error, setError] = useState<unknown>(null);
  const [saved, setSaved] = useState(false);
  const [busy, setBusy] = useState(false);

  async function submit(event: Event) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    setSaved(false);
    const body: UpdateChannel = {
      marketingMessagesApi: form.marketingMessagesApi,
      marketingMessagesFallback: form.marketingMessagesFallback,
      partnerChannelId: form.partnerChannelId.trim() || null,
    };
    try {
      await api<Channel>('PATCH', `/v1/channels/${encodeURIComponent(channel.id)}`, body);
      setSaved(true);
      onSaved();
    } catch (caught) {
      setError(caught instanceof ApiError ? caught : new Error(String(caught)));
    } finally {
      setBusy(false);
    }
  }

  return (
    <Card title="360dialog options" id="channel-options">
      <form class="form-grid" onSubmit={submit} aria-label="Channel options">
        <ChannelOptionFields value={form} onChange={(patch) => setForm({ ...form, ...patch })} cloud={channel.apiGeneration === 'cloud'} />
        <div class="form-actions">
          <button type="submit" disabled={busy}>
            Save options
          </button>
          {saved && <span role="status">Saved.</span>}
        </div>
      </form>
      <ErrorBox error={error} />
    </Card>
  );
}

export interface OptionValues {
  marketingMessagesApi: boolean;
  marketingMessagesFallback: boolean;
  partnerChannelId: string;
}

/** The fields, shared by New channel and the channel's page. */
export function ChannelOptionFields({ value, onChange, cloud }: { value: OptionValues; onChange: (patch: Partial<OptionValues>) => void; cloud: boolean }) {
  return (
    <>
      <div class="field">
        <label>
          <input type="checkbox" checked={value.marketingMessagesApi} onChange={(e) => onChange({ marketingMessagesApi: e.currentTarget.checked })} /> Marketing Messages API
        </label>
        <small class="hint">{cloud ? 'MARKETING templates go to /marketing_messages (Meta’s Marketing Messages API)' : 'Cloud API channels only'}</small>
      </div>
      <div class="field">
        <label>
          <input type="checkbox" checked={value.marketingMessagesFallback} onChange={(e) => onChange({ marketingMessagesFallback: e.currentTarget.checked })} /> Fall back to
          /messages on error 131055
        </label>
        <small class="hint">Off: a 131055 pauses the channel’s marketing campaigns with the reason</small>
      </div>
      <Field label="Partner channel id" hint="The channel’s id at 360dialog’s Partner API: needed to rotate the API key">
        {(id) => <input id={id} value={value.partnerChannelId} onInput={(e) => onChange({ partnerChannelId: e.currentTarget.value })} />}
      </Field>
    </>
  );
}
