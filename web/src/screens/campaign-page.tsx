import { useEffect, useRef, useState } from 'preact/hooks';
import { get, post } from '../api/client';
import type { Campaign, DownloadLink, Estimate, Report, Timeseries, TimeseriesPoint } from '../api/types';
import { Card, ErrorBox, Field, ProgressBar, StatusBadge, useLoad, usePolling } from '../components/ui';
import { ACTION_LABELS, allowedActions, type CampaignAction, isLive } from '../lib/campaign-actions';
import { mergeSeries } from '../lib/chart';
import { formatDuration, formatNumber, formatRate, localInputToIso } from '../lib/format';
import { href, navigate } from '../router';
import { doneOf } from './campaigns';
import { CampaignSettings } from './campaign-settings';
import { CostCard, EstimateCard } from './cost-sections';
import { EngagementCard, RepliesCard, VariantsCard } from './engagement-sections';
import { Chart, Counts, Errors, Timeline } from './report-sections';

/** Before launch the page prices the audience (GET …/estimate); after it, the report carries cost and engagement. */
const notLaunched = (status: string) => status === 'draft' || status === 'scheduled';
const REFRESH_MS = 2000;

/** A campaign's report, refreshing while it can change, with its actions and downloads. */
export function CampaignPage({ id }: { id: string }) {
  const path = `/v1/campaigns/${encodeURIComponent(id)}`;
  const campaign = useLoad(() => get<Campaign>(path), [id]);
  const report = useLoad(() => get<Report>(`${path}/report`), [id]);
  const [series, setSeries] = useState<{ bucket: string; items: TimeseriesPoint[] } | null>(null);
  const seriesRef = useRef(series);
  seriesRef.current = series;
  const [repliesVersion, setRepliesVersion] = useState(0);
  const [actionError, setActionError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [again, setAgain] = useState(false);
  const [sendAt, setSendAt] = useState('');

  async function loadSeries(): Promise<void> {
    const held = seriesRef.current;
    const last = held?.items[held.items.length - 1]?.t;
    const answer = await get<Timeseries>(`${path}/report/timeseries${last ? `?from=${encodeURIComponent(last)}` : ''}`);
    const merged = mergeSeries(held, answer);
    setSeries(merged ?? (await get<Timeseries>(`${path}/report/timeseries`)));
  }

  useEffect(() => {
    void loadSeries().catch(() => undefined);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [id]);

  const status = report.data?.status ?? campaign.data?.status ?? 'draft';
  const estimate = useLoad(() => (notLaunched(status) ? get<Estimate>(`${path}/estimate`) : Promise.resolve(null)), [id, status]);
  usePolling(
    async () => {
      await Promise.all([report.reload(), loadSeries()]);
      if (campaign.data && report.data && campaign.data.status !== report.data.status) await campaign.reload();
    },
    REFRESH_MS,
    isLive(status),
  );

  async function act(action: CampaignAction | 'schedule') {
    setBusy(true);
    setActionError(null);
    try {
      const body = action === 'schedule' ? (sendAt ? { scheduledAt: localInputToIso(sendAt) } : {}) : {};
      await post<Campaign>(`${path}/${action}`, body);
      await Promise.all([campaign.reload(), report.reload()]);
    } catch (error) {
      setActionError(error);
    } finally {
      setBusy(false);
    }
  }

  async function download() {
    setActionError(null);
    try {
      const link = await post<DownloadLink>(`${path}/report.csv/link`);
      // Navigating to an attachment downloads it; the browser streams it to disk, the page stays.
      window.location.assign(link.url);
    } catch (error) {
      setActionError(error);
    }
  }

  const r = report.data;
  const c = campaign.data;
  return (
    <>
      <p class="crumbs">
        <a href={href('/campaigns')}>Campaigns</a> /
      </p>
      <ErrorBox error={report.error ?? campaign.error} />
      {r && (
        <>
          <div class="page-head">
            <h1 id="heading">{r.name}</h1>
            <span id="status">
              <StatusBadge status={r.status} />
            </span>
            {isLive(r.status) && (
              <span class="muted live" aria-live="off">
                refreshing every {REFRESH_MS / 1000} s
              </span>
            )}
          </div>
          {r.pausedReason && <p class="notice">Paused: {r.pausedReason}</p>}
          {r.failureReason && <p class="notice error">Failed: {r.failureReason}</p>}
          {r.templateNotice && <p class="notice">{r.templateNotice}</p>}
          <div class="actions" role="group" aria-label="Campaign actions">
            {allowedActions(r.status, r.counts.failed).map((action) => (
              <button type="button" key={action} disabled={busy} onClick={() => act(action)} class={action === 'cancel' ? 'danger' : undefined}>
                {ACTION_LABELS[action]}
              </button>
            ))}
            <button type="button" onClick={download} id="download">
              Download CSV
            </button>
            <button type="button" onClick={() => setAgain(!again)} aria-expanded={again}>
              Send again to…
            </button>
          </div>
          {again && (
            <nav class="notice" aria-label="Send again to">
              Send a new campaign to the recipients of this one who{' '}
              <a href={href(`/campaigns/new?from=${id}&audience=not_read`)}>did not read it</a>,{' '}
              <a href={href(`/campaigns/new?from=${id}&audience=failed`)}>failed</a> or{' '}
              <a href={href(`/campaigns/new?from=${id}&audience=not_replied`)}>did not reply</a>.
            </nav>
          )}
          {r.status === 'draft' && (
            <form class="inline card" onSubmit={(event) => (event.preventDefault(), void act('schedule'))} aria-label="Schedule">
              <Field label="Send at" hint="Empty: now">
                {(fid) => <input id={fid} type="datetime-local" value={sendAt} onInput={(e) => setSendAt(e.currentTarget.value)} />}
              </Field>
              <button type="submit" class="primary" disabled={busy}>
                Schedule
              </button>
            </form>
          )}
          <ErrorBox error={actionError} />
          <Card title="Progress" id="progress">
            <ProgressBar label="Campaign progress" value={doneOf(r)} max={r.total} />
            <dl class="stats">
              <div class="stat">
                <dt>recipients</dt>
                <dd id="total">{formatNumber(r.total)}</dd>
              </div>
              <div class="stat">
                <dt>rate</dt>
                <dd id="rate">{formatRate(r.sendRate.perSecond)}</dd>
              </div>
              <div class="stat">
                <dt>remaining</dt>
                <dd id="eta">{r.eta && r.eta.remaining > 0 ? (r.eta.secondsRemaining === null ? `${formatNumber(r.eta.remaining)} to go` : `in ${formatDuration(r.eta.secondsRemaining)}`) : '—'}</dd>
              </div>
              {c && (
                <div class="stat">
                  <dt>template</dt>
                  <dd>
                    {c.template.name} ({c.template.language})
                  </dd>
                </div>
              )}
            </dl>
          </Card>
          {c && <CampaignSettings campaign={c} />}
          <Counts report={r} />
          <Chart items={series?.items ?? []} bucket={series?.bucket ?? null} />
          <Errors report={r} />
          {notLaunched(r.status) ? (
            <EstimateCard estimate={estimate.data} error={estimate.error} />
          ) : (
            <>
              <CostCard cost={r.cost} />
              <EngagementCard
                engagement={r.engagement}
                onRefresh={() => {
                  void report.reload();
                  setRepliesVersion((v) => v + 1);
                }}
              />
              {r.variants.length > 0 && <VariantsCard variants={r.variants} abTest={r.abTest} rule={c?.winner ?? null} winnerAt={c?.winnerPickedAt ?? null} />}
              <RepliesCard campaignId={id} version={repliesVersion} />
            </>
          )}
          <Timeline report={r} />
        </>
      )}
      {!r && !report.error && <p class="muted">Loading…</p>}
      {report.error && (
        <p>
          <button type="button" onClick={() => navigate('/campaigns')}>
            Back to campaigns
          </button>
        </p>
      )}
    </>
  );
}
