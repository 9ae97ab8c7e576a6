/** A launched campaign's engagement: replies, clicks, opt-outs, buttons, the A/B variants with their winner, and the replies themselves. */
import { get, query } from '../api/client';
import type { AbTest, Engagement, Reply, ReplyPage, VariantReport, WinnerRule } from '../api/types';
import { Card, ErrorBox, useLoad } from '../components/ui';
import { formatDateTime, formatNumber, formatPercent, formatRatio } from '../lib/format';
import { useState } from 'preact/hooks';

export function EngagementCard({ engagement, onRefresh }: { engagement: Engagement; onRefresh: () => void }) {
  return (
    <Card
      title="Engagement"
      id="engagement"
      actions={
        <button type="button" onClick={onRefresh}>
          Refresh engagement
        </button>
      }
    >
      <dl class="stats">
        {(
          [
            ['replied', formatNumber(engagement.replied), 'replied'],
            ['reply rate (of delivered)', formatRatio(engagement.replyRate), 'replyRate'],
            ['tapped a button', formatNumber(engagement.clicked), 'clicked'],
            ['opted out', formatNumber(engagement.optedOut), 'optedOut'],
          ] as const
        ).map(([label, value, key]) => (
          <div class="stat" key={key}>
            <dt>{label}</dt>
            <dd data-engagement={key}>{value}</dd>
          </div>
        ))}
      </dl>
      {engagement.buttons.length > 0 ? (
        <table class="data" aria-label="Buttons">
          <thead>
            <tr>
              <th>Button</th>
              <th>Payload</th>
              <th class="num">Recipients who tapped it</th>
            </tr>
          </thead>
          <tbody>
            {engagement.buttons.map((button) => (
              <tr key={`${button.payload}/${button.text}`} data-button={button.payload ?? button.text ?? ''}>
                <td>{button.text ?? '—'}</td>
                <td>{button.payload ?? '—'}</td>
                <td class="num">{formatNumber(button.count)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <p class="muted">No button tapped yet.</p>
      )}
    </Card>
  );
}

export function VariantsCard(props: { variants: VariantReport[]; abTest: AbTest | null; rule: WinnerRule | null; winnerAt: string | null }) {
  const { variants, abTest, rule, winnerAt } = props;
  const winner = abTest?.winnerVariant ?? null;
  return (
    <Card title="A/B variants" id="variants">
      <p id="ab-winner">
        {winner
          ? `Winner: variant ${winner}, picked ${formatDateTime(abTest?.winnerPickedAt ?? winnerAt)}; the rest of the audience got it.`
          : rule
            ? `The winner (best ${rule.metric} rate of the ${rule.testShare}% test share) is picked ${rule.afterHours} h after launch; the rest of the audience waits for it.`
            : 'No winner rule: each variant went to its share of the audience.'}
      </p>
      <table class="data" aria-label="Variants">
        <thead>
          <tr>
            <th>Variant</th>
            <th class="num">Recipients</th>
            <th class="num">Delivered</th>
            <th class="num">Read</th>
            <th class="num">Replied</th>
            <th class="num">Reply rate</th>
            <th class="num">Tapped a button</th>
          </tr>
        </thead>
        <tbody>
          {variants.map((variant) => (
            <tr key={variant.name} data-variant={variant.name}>
              <td>
                {variant.name}
                {variant.name === winner && <strong> (winner)</strong>}
              </td>
              <td class="num">{formatNumber(variant.total)}</td>
              <td class="num">{formatPercent(variant.reached.delivered, variant.total)}</td>
              <td class="num">{formatPercent(variant.reached.read, variant.total)}</td>
              <td class="num">{formatNumber(variant.engagement.replied)}</td>
              <td class="num">{formatRatio(variant.engagement.replyRate)}</td>
              <td class="num">{formatNumber(variant.engagement.clicked)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </Card>
  );
}

const PAGE = 50;

/** GET /v1/campaigns/:id/replies, newest page on demand ("More replies"); `version` reloads it. */
export function RepliesCard({ campaignId, version }: { campaignId: string; version: number }) {
  const path = `/v1/campaigns/${encodeURIComponent(campaignId)}/replies`;
  const first = useLoad(() => get<ReplyPage>(`${path}${query({ limit: PAGE })}`), [campaignId, version]);
  const [more, setMore] = useState<{ items: Reply[]; cursor: string | null; version: number }>({ items: [], cursor: null, version });
  const [error, setError] = useState<unknown>(null);
  const extra = more.version === version ? more.items : [];
  const cursor = more.version === version && more.cursor !== null ? more.cursor : first.data?.nextCursor ?? null;
  const items = [...(first.data?.items ?? []), ...extra];

  async function loadMore() {
    if (!cursor) return;
    try {
      const page = await get<ReplyPage>(`${path}${query({ limit: PAGE, cursor })}`);
      setMore({ items: [...extra, ...page.items], cursor: page.nextCursor ?? '', version });
    } catch (caught) {
      setError(caught);
    }
  }

  return (
    <Card title="Replies" id="replies">
      <ErrorBox error={first.error ?? error} />
      {items.length === 0 ? (
        <p class="muted">{first.loading ? 'Loading…' : 'No reply yet.'}</p>
      ) : (
        <table class="data" aria-label="Replies">
          <thead>
            <tr>
              <th>Received</th>
              <th>From</th>
              <th>Message</th>
              <th>Button</th>
              <th>Variant</th>
              <th>Matched by</th>
            </tr>
          </thead>
          <tbody>
            {items.map((reply) => (
              <tr key={reply.id} data-reply-id={reply.id}>
                <td>{formatDateTime(reply.receivedAt)}</td>
                <td>{reply.phone}</td>
                <td>
                  {reply.text ?? `(${reply.type})`}
                  {reply.optOut && <strong> (opt-out)</strong>}
                </td>
                <td>{reply.button ? `${reply.button.text ?? ''}${reply.button.payload ? ` [${reply.button.payload}]` : ''}` : '—'}</td>
                <td>{reply.variant ?? '—'}</td>
                <td>{reply.attribution === 'context' ? 'answered the message' : 'latest message to them'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {cursor && (
        <button type="button" onClick={() => void loadMore()}>
          More replies
        </button>
      )}
    </Card>
  );
}
