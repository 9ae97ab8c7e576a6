/** The parts of a campaign's report: counts, chart, errors, waiting reasons, timeline (engagement: engagement-sections.tsx; money: cost-sections.tsx). */
import type { Report, TimeseriesPoint } from '../api/types';
import { Card } from '../components/ui';
import { chartGeometry, yTicks } from '../lib/chart';
import { formatDateTime, formatNumber, formatPercent } from '../lib/format';
import { waitingLabel, waitsForEvent } from '../lib/waiting';

export const COUNT_KEYS = ['pending', 'sending', 'sent', 'delivered', 'read', 'failed', 'skipped', 'cancelled', 'unknown'] as const;

export function Counts({ report }: { report: Report }) {
  return (
    <Card title="Recipients" id="counts">
      <div class="stack" aria-hidden="true">
        {COUNT_KEYS.map((key) => (
          <div key={key} class={`s-${key}`} style={{ width: `${report.total ? (report.counts[key] / report.total) * 100 : 0}%` }} />
        ))}
      </div>
      <table class="data" aria-label="Recipients by state">
        <thead>
          <tr>
            <th>State</th>
            <th class="num">Recipients</th>
            <th class="num">Share</th>
          </tr>
        </thead>
        <tbody>
          {COUNT_KEYS.map((key) => (
            <tr key={key}>
              <td>
                <span class={`dot s-${key}`} aria-hidden="true" />
                {key}
              </td>
              <td class="num" data-count={key}>
                {formatNumber(report.counts[key])}
              </td>
              <td class="num">{formatPercent(report.counts[key], report.total)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <dl class="stats reached">
        {(['sent', 'delivered', 'read'] as const).map((key) => (
          <div class="stat" key={key}>
            <dt>reached {key}</dt>
            <dd data-reached={key}>{formatNumber(report.reached[key])}</dd>
          </div>
        ))}
      </dl>
    </Card>
  );
}

const W = 640;
const H = 180;

export function Chart({ items, bucket }: { items: TimeseriesPoint[]; bucket: string | null }) {
  const totals = items.reduce((sum, point) => [sum[0] + point.sent, sum[1] + point.delivered], [0, 0]);
  const ticks = yTicks(Math.max(totals[0], totals[1]));
  const geometry = chartGeometry(items, W, H, ticks[ticks.length - 1]);
  return (
    <Card title="Over time" id="chart-card">
      <p class="muted">
        Cumulative sent and delivered <span id="chart-bucket">{bucket ? `(per ${bucket})` : ''}</span>
      </p>
      <svg
        id="chart"
        viewBox={`-48 -8 ${W + 56} ${H + 28}`}
        role="img"
        aria-label={`Sent ${geometry.totalSent}, delivered ${geometry.totalDelivered}`}
        data-sent-total={geometry.totalSent}
        data-delivered-total={geometry.totalDelivered}
      >
        {ticks.map((tick) => {
          const y = H - (tick / geometry.maxY) * H;
          return (
            <g key={tick}>
              <line x1={0} x2={W} y1={y} y2={y} class="grid" />
              <text x={-6} y={y + 4} text-anchor="end">
                {formatNumber(tick)}
              </text>
            </g>
          );
        })}
        {geometry.sent && <polyline id="chart-sent" class="line-sent" points={geometry.sent} fill="none" />}
        {geometry.delivered && <polyline id="chart-delivered" class="line-delivered" points={geometry.delivered} fill="none" stroke-dasharray="6 3" />}
        {geometry.start !== null && (
          <>
            <text x={0} y={H + 16}>
              {formatDateTime(new Date(geometry.start).toISOString())}
            </text>
            <text x={W} y={H + 16} text-anchor="end">
              {formatDateTime(new Date(geometry.end!).toISOString())}
            </text>
          </>
        )}
      </svg>
      <p class="legend">
        <span class="key key-sent" aria-hidden="true" /> sent (solid line) <span class="key key-delivered" aria-hidden="true" /> delivered (dashed line)
      </p>
    </Card>
  );
}

export function Errors({ report }: { report: Report }) {
  if (report.errors.length === 0 && report.waiting.length === 0) return null;
  return (
    <div class="two">
      <Card title="Errors" id="errors">
        <table class="data">
          <thead>
            <tr>
              <th>Code</th>
              <th>Error</th>
              <th class="num">Recipients</th>
            </tr>
          </thead>
          <tbody>
            {report.errors.map((error) => (
              <tr key={error.code} data-error-code={error.code}>
                <td>{error.code}</td>
                <td>{error.title ?? '—'}</td>
                <td class="num" data-error-count>
                  {formatNumber(error.count)}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        {report.errors.length === 0 && <p class="muted">No error.</p>}
      </Card>
      <Card title="Waiting" id="waiting">
        <table class="data">
          <thead>
            <tr>
              <th>Why</th>
              <th class="num">Recipients</th>
              <th>Next attempt</th>
            </tr>
          </thead>
          <tbody>
            {report.waiting.map((group) => (
              <tr key={group.reason} data-waiting-reason={group.reason}>
                <td>{waitingLabel(group.reason)}</td>
                <td class="num">{formatNumber(group.count)}</td>
                <td>{waitsForEvent(group.nextAttemptAt) ? 'when the winner is picked' : formatDateTime(group.nextAttemptAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
        {report.waiting.length === 0 && <p class="muted">Nobody waits.</p>}
      </Card>
    </div>
  );
}

export function Timeline({ report }: { report: Report }) {
  const rows: Array<[string, string | null]> = [
    ['Scheduled', report.timeline.scheduledAt],
    ['Started', report.timeline.startedAt],
    ['First sent', report.timeline.firstSentAt],
    ['Last sent', report.timeline.lastSentAt],
    ['Completed', report.timeline.completedAt],
    ['Cancelled', report.timeline.cancelledAt],
  ];
  return (
    <Card title="Timeline" id="timeline">
      <dl class="pairs">
        {rows.map(([label, value]) => (
          <>
            <dt key={`t-${label}`}>{label}</dt>
            <dd key={`d-${label}`}>{formatDateTime(value)}</dd>
          </>
        ))}
      </dl>
    </Card>
  );
}
