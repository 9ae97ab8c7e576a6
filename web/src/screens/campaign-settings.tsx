/** What a campaign was set up with: whom it reaches, when it may send, its cap, its A/B variants. */
import { get, query } from '../api/client';
import type { Campaign, List, Page, Segment } from '../api/types';
import { Card, useLoad } from '../components/ui';
import { describeAudience } from '../lib/audience';
import { formatDateTime, formatNumber } from '../lib/format';
import { href } from '../router';

export function CampaignSettings({ campaign }: { campaign: Campaign }) {
  const lists = useLoad(() => get<Page<List>>(`/v1/lists${query({ limit: 500 })}`), []);
  const segments = useLoad(() => (campaign.audience?.segmentId ? get<Page<Segment>>(`/v1/segments${query({ limit: 200 })}`) : Promise.resolve(null)), [campaign.id]);
  const listName = (id: string) => lists.data?.items.find((list) => list.id === id)?.name ?? id;
  const segmentName = (id: string) => segments.data?.items.find((segment) => segment.id === id)?.name ?? id;
  const sendWindow = campaign.sendWindow;
  const from = campaign.audience?.fromCampaign;
  return (
    <Card title="Set-up" id="settings">
      <dl class="pairs">
        <dt>Audience</dt>
        <dd id="settings-audience">
          {campaign.audience ? describeAudience(campaign.audience, listName, segmentName) : campaign.listId ? `in ${listName(campaign.listId)}` : '—'}
          {from && (
            <>
              {' '}
              (<a href={href(`/campaigns/${from.campaignId}`)}>the earlier campaign</a>)
            </>
          )}
        </dd>
        <dt>Send window</dt>
        <dd>
          {sendWindow
            ? `${sendWindow.start}–${sendWindow.end} ${sendWindow.timezone === 'recipient' ? `in each recipient's time zone (else ${sendWindow.fallbackTimezone ?? '—'})` : sendWindow.timezone}`
            : 'any time'}
        </dd>
        <dt>Frequency cap</dt>
        <dd>{campaign.frequencyCap ? `at most ${campaign.frequencyCap.max} per ${campaign.frequencyCap.hours} h` : "the engine's default (MARKETING_FREQUENCY_CAP)"}</dd>
        {campaign.variants && (
          <>
            <dt>A/B variants</dt>
            <dd>
              {campaign.variants.map((variant) => `${variant.name}: ${variant.template.name} (${variant.template.language}), weight ${variant.weight}`).join('; ')}
              {campaign.winner
                ? `; winner by ${campaign.winner.metric} rate of a ${campaign.winner.testShare}% test, ${campaign.winner.afterHours} h after launch`
                : ''}
            </dd>
          </>
        )}
        <dt>Valid until</dt>
        <dd>{formatDateTime(campaign.validUntil)}</dd>
        <dt>Delivery TTL</dt>
        <dd>{campaign.ttlSeconds === null ? "WhatsApp's default" : `${formatNumber(campaign.ttlSeconds / 3600)} h (Marketing Messages API)`}</dd>
      </dl>
    </Card>
  );
}
