import { useState } from 'preact/hooks';
import { ApiError, get, post, query } from '../api/client';
import type { Channel, CreateChannel, CreatedChannel, Page } from '../api/types';
import { ErrorBox, Field, StatusBadge, useLoad } from '../components/ui';
import { placeErrors } from '../lib/field-errors';
import { formatNumber } from '../lib/format';
import { href, navigate } from '../router';
import { ChannelOptionFields, type OptionValues } from './channel-options';

/** Channels: the list (generation, rate, quality, messaging limit) and the New channel form. */
export function ChannelsScreen() {
  const channels = useLoad(() => get<Page<Channel>>(`/v1/channels${query({ limit: 200 })}`), []);
  const [creating, setCreating] = useState(false);
  const [created, setCreated] = useState<CreatedChannel | null>(null);

  return (
    <>
      <div class="page-head">
        <h1>Channels</h1>
        <button type="button" class="primary" onClick={() => setCreating(!creating)} aria-expanded={creating}>
          New channel
        </button>
      </div>
      {created && <CreatedNotice channel={created} />}
      {creating && (
        <NewChannelForm
          onCreated={(channel) => {
            setCreated(channel);
            setCreating(false);
            void channels.reload();
          }}
        />
      )}
      <ErrorBox error={channels.error} />
      <table class="data" aria-label="Channels">
        <thead>
          <tr>
            <th>Name</th>
            <th>Phone number</th>
            <th>Generation</th>
            <th class="num">Rate</th>
            <th>Quality</th>
            <th class="num">Messaging limit</th>
            <th>State</th>
          </tr>
        </thead>
        <tbody>
          {channels.data?.items.map((channel) => (
            <tr key={channel.id} data-channel-id={channel.id}>
              <td>
                <a href={href(`/channels/${channel.id}`)}>{channel.name}</a>
              </td>
              <td>{channel.phoneNumber}</td>
              <td>{channel.apiGeneration}</td>
              <td class="num">{formatNumber(channel.messagesPerSecond)} msg/s</td>
              <td>{channel.qualityRating ?? '—'}</td>
              <td class="num">
                {channel.effectiveMessagingLimit === null ? 'unlimited' : formatNumber(channel.effectiveMessagingLimit)}
                {channel.messagingLimitSource && <span class="muted"> ({channel.messagingLimitSource})</span>}
              </td>
              <td>{channel.pausedReason ? <StatusBadge status="paused" /> : <StatusBadge status="active" />}</td>
            </tr>
          ))}
          {channels.data?.items.length === 0 && (
            <tr>
              <td colSpan={7} class="muted">
                No channel yet: add one with New channel.
              </td>
            </tr>
          )}
        </tbody>
      </table>
    </>
  );
}

function CreatedNotice({ channel }: { channel: CreatedChannel }) {
  return (
    <section class="notice" aria-live="polite" id="created-channel">
      <p>
        Channel <strong>{channel.name}</strong> created. Its webhook credentials (the password is shown only now):
      </p>
      <dl class="pairs">
        <dt>URL</dt>
        <dd>{channel.webhook.url}</dd>
        <dt>Username</dt>
        <dd>{channel.webhook.username}</dd>
        <dt>Password</dt>
        <dd>{channel.webhook.password}</dd>
      </dl>
      <p>
        <a href={href(`/channels/${channel.id}`)}>Open the channel</a> to register the webhook with 360dialog.
      </p>
    </section>
  );
}

const FIELDS = ['name', 'phoneNumber', 'apiKey', 'apiGeneration', 'baseUrl', 'messagesPerSecond', 'messagingLimit', 'templateNamespace', 'marketingMessagesApi', 'partnerChannelId', 'verifyPhoneNumber'] as const;

function NewChannelForm({ onCreated }: { onCreated: (channel: CreatedChannel) => void }) {
  const [form, setForm] = useState({ name: '', phoneNumber: '', apiKey: '', apiGeneration: 'cloud', baseUrl: '', messagesPerSecond: '80', messagingLimit: '', templateNamespace: '' });
  const [options, setOptions] = useState<OptionValues & { verifyPhoneNumber: boolean }>({ marketingMessagesApi: false, marketingMessagesFallback: false, partnerChannelId: '', verifyPhoneNumber: true });
  const [errors, setErrors] = useState<{ byField: Record<string, string[]>; general: string[] }>({ byField: {}, general: [] });
  const [busy, setBusy] = useState(false);
  const set = (key: keyof typeof form) => (event: { currentTarget: { value: string } }) => setForm({ ...form, [key]: event.currentTarget.value });

  async function submit(event: Event) {
    event.preventDefault();
    setBusy(true);
    const body: CreateChannel = {
      name: form.name,
      phoneNumber: form.phoneNumber,
      apiKey: form.apiKey,
      apiGeneration: form.apiGeneration as CreateChannel['apiGeneration'],
      messagesPerSecond: Number(form.messagesPerSecond),
      ...(form.baseUrl ? { baseUrl: form.baseUrl } : {}),
      ...(form.messagingLimit ? { messagingLimit: Number(form.messagingLimit) } : {}),
      ...(form.templateNamespace ? { templateNamespace: form.templateNamespace } : {}),
      verifyPhoneNumber: options.verifyPhoneNumber,
      marketingMessagesApi: options.marketingMessagesApi,
      marketingMessagesFallback: options.marketingMessagesFallback,
      ...(options.partnerChannelId.trim() ? { partnerChannelId: options.partnerChannelId.trim() } : {}),
    };
    try {
      const created = await post<CreatedChannel>('/v1/channels', body);
      setErrors({ byField: {}, general: [] });
      onCreated(created);
      navigate('/channels');
    } catch (error) {
      setErrors(error instanceof ApiError ? placeErrors(error.message, FIELDS) : { byField: {}, general: [String(error)] });
    } finally {
      setBusy(false);
    }
  }

  return (
    <form class="card form-grid" onSubmit={submit} aria-label="New channel">
      <Field label="Name" error={errors.byField.name}>
        {(id, d) => <input id={id} aria-describedby={d} value={form.name} onInput={set('name')} required />}
      </Field>
      <Field label="Phone number" error={errors.byField.phoneNumber} hint="E.164, e.g. +4930123456">
        {(id, d) => <input id={id} aria-describedby={d} value={form.phoneNumber} onInput={set('phoneNumber')} required />}
      </Field>
      <Field label="API key" error={errors.byField.apiKey} hint="360dialog D360-API-KEY; stored encrypted, never shown again">
        {(id, d) => <input id={id} aria-describedby={d} type="password" autoComplete="off" value={form.apiKey} onInput={set('apiKey')} required />}
      </Field>
      <Field label="API generation" error={errors.byField.apiGeneration}>
        {(id, d) => (
          <select id={id} aria-describedby={d} value={form.apiGeneration} onChange={set('apiGeneration')}>
            <option value="cloud">cloud</option>
            <option value="onpremise">onpremise</option>
          </select>
        )}
      </Field>
      <Field label="Base URL" error={errors.byField.baseUrl} hint="Empty: 360dialog's default for the generation">
        {(id, d) => <input id={id} aria-describedby={d} value={form.baseUrl} onInput={set('baseUrl')} />}
      </Field>
      <Field label="Messages per second" error={errors.byField.messagesPerSecond}>
        {(id, d) => <input id={id} aria-describedby={d} type="number" min={1} value={form.messagesPerSecond} onInput={set('messagesPerSecond')} />}
      </Field>
      <Field label="Messaging limit" error={errors.byField.messagingLimit} hint="Empty: unlimited (or what WhatsApp reports)">
        {(id, d) => <input id={id} aria-describedby={d} type="number" min={1} value={form.messagingLimit} onInput={set('messagingLimit')} />}
      </Field>
      <Field label="Template namespace" error={errors.byField.templateNamespace} hint="On-premise only">
        {(id, d) => <input id={id} aria-describedby={d} value={form.templateNamespace} onInput={set('templateNamespace')} />}
      </Field>
      <ChannelOptionFields value={options} onChange={(patch) => setOptions({ ...options, ...patch })} cloud={form.apiGeneration === 'cloud'} />
      <div class="field">
        <label>
          <input type="checkbox" checked={options.verifyPhoneNumber} onChange={(e) => setOptions({ ...options, verifyPhoneNumber: e.currentTarget.checked })} /> Verify with
          360dialog that the key belongs to this number
        </label>
        <small class="hint">Turn off only for offline set-ups</small>
      </div>
      {errors.general.length > 0 && <ErrorBox error={errors.general.join('; ')} />}
      <div class="form-actions">
        <button type="submit" class="primary" disabled={busy}>
          Create channel
        </button>
      </div>
    </form>
  );
}
