import { useEffect, useState } from 'preact/hooks';
import { get, query } from '../api/client';
import type { Campaign, Page, Report } from '../api/types';
import { ErrorBox, ProgressBar, StatusBadge, useLoad, usePolling } from '../components/ui';
import { isLive } from '../lib/campaign-actions';
import { formatDateTime, formatNumber } from '../lib/format';
import { href } from '../router';

/** Done = no longer pending or sending. */
export function doneOf(report: Report): number {
  return report.total - report.counts.pending - report.counts.sending;
}

/** Campaigns with status and progress; live ones refresh. */
export function CampaignsScreen() {
  const campaigns = useLoad(() => get<Page<Campaign>>(`/v1/campaigns${query({ limit: 100 })}`), []);
  const [reports, setReports] = useState<Record<string, Report>>({});
  const items = campaigns.data?.items ?? [];

  const loadReports = async (which: Campaign[]) => {
    const answers = await Promise.all(which.map((campaign) => get<Report>(`/v1/campaigns/${campaign.id}/report`).catch(() => null)));
    setReports((old) => {
      const next = { ...old };
      for (const report of answers) if (report) next[report.campaignId] = report;
      return next;
    });
  };
  useEffect(() => {
    void loadReports(items.filter((campaign) => !reports[campaign.id]));
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [campaigns.data]);
  const live = items.filter((campaign) => isLive(reports[campaign.id]?.status ?? campaign.status));
  usePolling(
    async () => {
      await campaigns.reload();
      await loadReports(live);
    },
    3000,
    live.length > 0,
  );

  return (
    <>
      <div class="page-head">
        <h1>Campaigns</h1>
        <a class="button primary" href={href('/campaigns/new')}>
          New campaign
        </a>
      </div>
      <ErrorBox error={campaigns.error} />
      <table class="data" aria-label="Campaigns">
        <thead>
          <tr>
            <th>Name</th>
            <th>Status</th>
            <th class="bar-col">Progress</th>
            <th class="num">Recipients</th>
            <th>Scheduled</th>
          </tr>
        </thead>
        <tbody>
          {items.map((campaign) => {
            const report = reports[campaign.id];
            return (
              <tr key={campaign.id} data-campaign-id={campaign.id}>
                <td>
                  <a href={href(`/campaigns/${campaign.id}`)}>{campaign.name}</a>
                </td>
                <td>
                  <StatusBadge status={report?.status ?? campaign.status} />
                </td>
                <td>{report && report.total > 0 ? <ProgressBar label={`Progress of ${campaign.name}`} value={doneOf(report)} max={report.total} /> : <span class="muted">—</span>}</td>
                <td class="num">{report ? formatNumber(report.total) : '—'}</td>
                <td>{formatDateTime(campaign.scheduledAt)}</td>
              </tr>
            );
          })}
          {campaigns.data && items.length === 0 && (
            <tr>
              <td colSpan={5} class="muted">
                No campaign yet: start one with New campaign.
              </td>
            </tr>
          )}
        </tbody>
      </table>
    </>
  );
}
