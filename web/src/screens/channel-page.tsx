import { useState } from 'preact/hooks';
import { get, post } from '../api/client';
import type { ApiKeyRotation, Channel, ChannelHealth, TemplateComponent, TemplateList, WebhookRegistration } from '../api/types';
import { Card, ErrorBox, StatusBadge, useLoad } from '../components/ui';
import { formatDateTime, formatNumber } from '../lib/format';
import { href } from '../router';
import { ChannelOptionsForm } from './channel-options';

/** One channel: details, health, Register webhook, and the template registry. */
export function ChannelPage({ id }: { id: string }) {
  const channel = useLoad(() => get<Channel>(`/v1/channels/${encodeURIComponent(id)}`), [id]);
  const health = useLoad(() => get<ChannelHealth>(`/v1/channels/${encodeURIComponent(id)}/health`), [id]);
  const templates = useLoad(() => get<TemplateList>(`/v1/channels/${encodeURIComponent(id)}/templates`), [id]);
  const [registration, setRegistration] = useState<WebhookRegistration | null>(null);
  const [actionError, setActionError] = useState<unknown>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const [syncNote, setSyncNote] = useState<string | null>(null);
  const [rotation, setRotation] = useState<ApiKeyRotation | null>(null);

  async function run(name: string, action: () => Promise<void>) {
    setBusy(name);
    setActionError(null);
    try {
      await action();
    } catch (error) {
      setActionError(error);
    } finally {
      setBusy(null);
    }
  }

  const c = channel.data;
  return (
    <>
      <p class="crumbs">
        <a href={href('/channels')}>Channels</a> /
      </p>
      <ErrorBox error={channel.error} />
      {c && (
        <>
          <div class="page-head">
            <h1>{c.name}</h1>
            {c.pausedReason ? <StatusBadge status="paused" /> : <StatusBadge status="active" />}
          </div>
          {c.pausedReason && <p class="notice">Paused: {c.pausedReason}</p>}
          <Card title="Channel">
            <dl class="pairs">
              <dt>Phone number</dt>
              <dd>{c.phoneNumber}</dd>
              <dt>Generation</dt>
              <dd>{c.apiGeneration}</dd>
              <dt>Base URL</dt>
              <dd>{c.baseUrl}</dd>
              <dt>API key</dt>
              <dd>…{c.apiKeyLast4}</dd>
              <dt>Rate</dt>
              <dd>{formatNumber(c.messagesPerSecond)} msg/s</dd>
              <dt>Quality</dt>
              <dd>{c.qualityRating ?? '—'}</dd>
              <dt>Messaging limit</dt>
              <dd>{c.effectiveMessagingLimit === null ? 'unlimited' : formatNumber(c.effectiveMessagingLimit)}</dd>
              <dt>Marketing Messages API</dt>
              <dd id="mm-api">{c.marketingMessagesApi ? `on (MARKETING templates go to /marketing_messages${c.marketingMessagesFallback ? '; 131055 falls back to /messages' : ''})` : 'off'}</dd>
              <dt>Partner channel id</dt>
              <dd>{c.partnerChannelId ?? '—'}</dd>
              <dt>Last account event</dt>
              <dd>{c.lastAccountEvent ? `${c.lastAccountEvent.summary} (${formatDateTime(c.lastAccountEvent.occurredAt)})` : '—'}</dd>
            </dl>
          </Card>
          <Card title="Health" id="health">
            <ErrorBox error={health.error} />
            {health.data && (
              <p>
                <StatusBadge status={health.data.ok ? 'healthy' : 'unhealthy'} /> {health.data.status}
                {health.data.httpStatus !== null && ` (HTTP ${health.data.httpStatus})`}, checked {formatDateTime(health.data.checkedAt)}
                {health.data.cached && ' (cached)'}
              </p>
            )}
          </Card>
          <Card
            title="Webhook"
            id="webhook"
            actions={
              <button type="button" disabled={busy !== null} onClick={() => run('webhook', async () => setRegistration(await post<WebhookRegistration>(`/v1/channels/${c.id}/webhook`)))}>
                Register webhook
              </button>
            }
          >
            <dl class="pairs">
              <dt>URL</dt>
              <dd>{c.webhook.url}</dd>
              <dt>Registered</dt>
              <dd id="webhook-registered">{registration ? 'just now' : c.webhook.registeredAt ? formatDateTime(c.webhook.registeredAt) : 'not yet'}</dd>
            </dl>
            {registration && (
              <div class="notice" role="status" id="webhook-result">
                <p>360dialog now calls {registration.url} as {registration.username}. New password (shown only now): {registration.password}</p>
                {registration.warnings.map((warning) => (
                  <p key={warning}>Warning: {warning}</p>
                ))}
              </div>
            )}
          </Card>
          <Card
            title="API key"
            id="api-key"
            actions={
              c.partnerChannelId ? (
                <button
                  type="button"
                  disabled={busy !== null}
                  onClick={() =>
                    run('rotate', async () => {
                      setRotation(await post<ApiKeyRotation>(`/v1/channels/${c.id}/api-key/rotate`));
                      await channel.reload();
                    })
                  }
                >
                  Rotate key
                </button>
              ) : undefined
            }
          >
            <p>
              Sending with the key ending in <strong>…{c.apiKeyLast4}</strong>.{' '}
              {c.partnerChannelId ? '' : 'Rotating it through 360dialog’s Partner API needs the channel’s Partner channel id (set it below).'}
            </p>
            {rotation && (
              <div class="notice" role="status" id="rotation-result">
                <p>
                  New key …{rotation.apiKeyLast4} (replaces …{rotation.previousApiKeyLast4}) checked for {rotation.phoneNumber}; previous key{' '}
                  {rotation.previousKeyDeleted ? 'deleted at 360dialog' : 'not deleted yet'}.
                </p>
                {rotation.warnings.map((warning) => (
                  <p key={warning}>Warning: {warning}</p>
                ))}
              </div>
            )}
          </Card>
          <ErrorBox error={actionError} />
          <ChannelOptionsForm channel={c} onSaved={() => void channel.reload()} />
          <Card
            title="Templates"
            id="templates"
            actions={
              <button
                type="button"
                disabled={busy !== null}
                onClick={() =>
                  run('sync', async () => {
                    const result = await post<{ added: number; changed: number; removed: number; total: number }>(`/v1/channels/${c.id}/templates/sync`);
                    setSyncNote(`Synced: ${result.added} added, ${result.changed} changed, ${result.removed} removed, ${result.total} in all.`);
                    await templates.reload();
                  })
                }
              >
                Sync templates
              </button>
            }
          >
            {syncNote && <p role="status">{syncNote}</p>}
            <ErrorBox error={templates.error} />
            <p class="muted">Last synced: {formatDateTime(templates.data?.syncedAt)}</p>
            <table class="data" aria-label="Template registry">
              <thead>
                <tr>
                  <th>Name</th>
                  <th>Language</th>
                  <th>Status</th>
                  <th>Category</th>
                  <th>Parameters</th>
                </tr>
              </thead>
              <tbody>
                {templates.data?.items.map((template) => (
                  <tr key={`${template.name}/${template.language}`}>
                    <td>{template.name}</td>
                    <td>{template.language}</td>
                    <td>
                      <StatusBadge status={template.status.toLowerCase()} />
                    </td>
                    <td>{template.category ?? '—'}</td>
                    <td>{describeParameters(template.components)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </Card>
        </>
      )}
    </>
  );
}

export function describeParameters(components: TemplateComponent[]): string {
  const parts = components.filter((component) => component.parameterCount > 0 || component.buttons.some((b) => b.parameterCount > 0));
  if (parts.length === 0) return 'none';
  return parts
    .map((component) => {
      const buttons = component.buttons.filter((b) => b.parameterCount > 0).length;
      return component.type === 'BUTTONS' ? `${buttons} button${buttons === 1 ? '' : 's'}` : `${component.type.toLowerCase()}: ${component.parameterCount}`;
    })
    .join(', ');
}
