// Longer than 350 lines because it is the report page's inline TypeScript-in-strings; issue 17 replaces it with the web/ console.
/**
 * The report web pages: plain server-rendered HTML with one small inline script each, no build and
 * no CDN. Loading the HTML needs no token; the page asks for the API token, keeps it in
 * sessionStorage (this tab only) and calls the JSON API with it. All data is inserted with
 * textContent / setAttribute, never as HTML, and the Content-Security-Policy only admits the
 * page's own nonce-bearing script and style. Pure: no Nest or TypeORM imports.
 */
import { RECIPIENT_STATUSES } from '../common/recipient-status.js';

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}

/** Headers for every page; `nonce` must be fresh per response. */
export function pageHeaders(nonce: string): Record<string, string> {
  return {
    'content-type': 'text/html; charset=utf-8',
    'content-security-policy': [
      "default-src 'none'",
      `script-src 'nonce-${nonce}'`,
      `style-src 'nonce-${nonce}'`,
      "connect-src 'self'",
      "img-src 'self' data: blob:",
      "base-uri 'none'",
      "form-action 'self'",
      "frame-ancestors 'none'",
    ].join('; '),
    'cache-control': 'no-store',
    'referrer-policy': 'no-referrer',
    'x-content-type-options': 'nosniff',
  };
}

const STYLE = `
:root { --fg:#1d2330; --muted:#5f6b7a; --line:#dde2ea; --bg:#f6f8fb; --card:#fff; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--fg); background: var(--bg); }
header { display: flex; gap: 16px; align-items: center; padding: 12px 24px; background: #123a2c; color: #fff; }
header a { color: #cfe9dd; text-decoration: none; }
header h1 { font-size: 18px; margin: 0; flex: 1; }
header button { background: transparent; color: #cfe9dd; border: 1px solid #5b8a76; border-radius: 4px; padding: 3px 10px; cursor: pointer; }
main { max-width: 1040px; margin: 0 auto; padding: 20px 24px 48px; }
section.card { background: var(--card); border: 1px solid var(--line); border-radius: 8px; padding: 16px 20px; margin: 0 0 16px; }
h2 { font-size: 15px; margin: 0 0 12px; color: var(--muted); text-transform: uppercase; letter-spacing: .04em; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: 6px 8px; border-bottom: 1px solid var(--line); vertical-align: middle; }
th { font-weight: 600; color: var(--muted); font-size: 13px; }
th.bar-col { width: 55%; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.stats { display: grid; grid-template-columns: repeat(auto-fit, minmax(150px, 1fr)); gap: 12px; }
.stat .label { display: block; color: var(--muted); font-size: 13px; }
.stat .value { font-size: 22px; font-weight: 600; font-variant-numeric: tabular-nums; }
.badge { display: inline-block; padding: 2px 10px; border-radius: 999px; font-size: 13px; background: #e6e9ef; color: #333; }
.badge[data-status=running] { background: #d9f2e4; color: #11643a; }
.badge[data-status=paused] { background: #fff1cc; color: #7a5600; }
.badge[data-status=failed], .badge[data-status=cancelled] { background: #fde0e0; color: #8c1d1d; }
.badge[data-status=completed] { background: #dbe7ff; color: #1f3f8f; }
.track { background: #edf0f5; border-radius: 4px; height: 14px; overflow: hidden; min-width: 120px; }
.fill { height: 100%; width: 0; transition: width .4s; }
.stack { display: flex; height: 18px; border-radius: 4px; overflow: hidden; background: #edf0f5; margin: 14px 0 4px; }
.stack div { height: 100%; transition: width .4s; }
.s-pending { background: #b8c2d1; } .s-sending { background: #7aa7e0; } .s-sent { background: #4f8fdb; }
.s-delivered { background: #2fae6b; } .s-read { background: #137a45; } .s-failed { background: #d64545; }
.s-skipped { background: #c9a227; } .s-cancelled { background: #8d8d8d; } .s-unknown { background: #9b59b6; }
.dot { display: inline-block; width: 10px; height: 10px; border-radius: 2px; margin-right: 6px; }
.muted { color: var(--muted); }
.notice { padding: 10px 14px; border-radius: 6px; background: #fff6d6; border: 1px solid #f0dc8c; margin: 0 0 16px; }
.error { background: #fde8e8; border-color: #f3b4b4; }
form.inline { display: flex; gap: 8px; flex-wrap: wrap; align-items: center; }
input[type=password], input[type=text] { padding: 6px 8px; border: 1px solid var(--line); border-radius: 4px; min-width: 320px; font: inherit; }
button.primary { background: #1f7a53; color: #fff; border: 0; border-radius: 4px; padding: 7px 14px; font: inherit; cursor: pointer; }
svg text { font-size: 11px; fill: var(--muted); }
dl.timeline { display: grid; grid-template-columns: max-content 1fr; gap: 4px 16px; margin: 0; }
dl.timeline dt { color: var(--muted); }
dl.timeline dd { margin: 0; font-variant-numeric: tabular-nums; }
a { color: #1f6fb2; }
`;

/** Token handling and the API helper, shared by both pages. No template literals inside. */
const COMMON_SCRIPT = `
var TOKEN_KEY = 'wa-engine-api-token';
function $(id) { return document.getElementById(id); }
function getToken() { try { return sessionStorage.getItem(TOKEN_KEY); } catch (e) { return null; } }
function ApiError(status, message) { this.status = status; this.message = message; }
async function api(path) {
  var response = await fetch(path, { headers: { Authorization: 'Bearer ' + getToken(), Accept: 'application/json' } });
  if (response.ok) return response.json();
  var body = {};
  try { body = await response.json(); } catch (e) { body = {}; }
  throw new ApiError(response.status, body.message || response.statusText);
}
function fmt(n) { return Number(n || 0).toLocaleString('en-US'); }
function fmtTime(iso) { return iso ? new Date(iso).toLocaleString() : '\\u2014'; }
function setText(el, text) { if (typeof el === 'string') el = $(el); if (el && el.textContent !== text) el.textContent = text; }
function el(tag, attrs, text) {
  var node = document.createElement(tag);
  if (attrs) for (var key in attrs) node.setAttribute(key, attrs[key]);
  if (text !== undefined && text !== null) node.textContent = String(text);
  return node;
}
function notice(text, isError) {
  var box = $('notice');
  box.hidden = !text;
  box.className = isError ? 'notice error' : 'notice';
  box.textContent = text || '';
}
function showAuth(message) {
  $('auth').hidden = false;
  $('content').hidden = true;
  setText('auth-error', message || '');
  $('token-input').focus();
}
function withToken(start) {
  $('token-form').addEventListener('submit', function (event) {
    event.preventDefault();
    var token = $('token-input').value.trim();
    if (!token) return;
    sessionStorage.setItem(TOKEN_KEY, token);
    $('token-input').value = '';
    $('auth').hidden = true;
    start();
  });
  $('sign-out').addEventListener('click', function () {
    sessionStorage.removeItem(TOKEN_KEY);
    showAuth('Token forgotten. Enter it again to continue.');
  });
  if (getToken()) start(); else showAuth('');
}
`;

const AUTH_SECTION = `
<section class="card" id="auth" hidden>
  <h2>API token</h2>
  <p class="muted">This page reads the engine's API with your token. It is kept in this browser tab only (sessionStorage).</p>
  <form class="inline" id="token-form" autocomplete="off">
    <input type="password" id="token-input" name="token" placeholder="API_TOKEN" aria-label="API token">
    <button class="primary" type="submit">Continue</button>
  </form>
  <p id="auth-error" class="muted" role="alert"></p>
</section>`;

function layout(options: { title: string; nonce: string; heading: string; body: string; script: string; bodyAttributes?: string }): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<link rel="icon" href="data:,">
<title>${escapeHtml(options.title)}</title>
<style nonce="${options.nonce}">${STYLE}</style>
</head>
<body${options.bodyAttributes ?? ''}>
<header><a href="/campaigns">Campaigns</a><h1 id="heading">${escapeHtml(options.heading)}</h1><button type="button" id="sign-out">Forget token</button></header>
<main>
<div id="notice" class="notice" role="status" hidden></div>
${AUTH_SECTION}
${options.body}
</main>
<script nonce="${options.nonce}">
'use strict';
${COMMON_SCRIPT}
${options.script}
</script>
</body>
</html>`;
}

const REPORT_BODY = `
<div id="content" hidden>
<section class="card">
  <div class="stats">
    <div class="stat"><span class="label">Status</span><span class="value"><span class="badge" id="status" data-status=""></span></span></div>
    <div class="stat"><span class="label">Recipients</span><span class="value" id="total">0</span></div>
    <div class="stat"><span class="label">Send rate (last 10 s)</span><span class="value" id="rate">0</span></div>
    <div class="stat"><span class="label">Estimated completion</span><span class="value" id="eta">\u2014</span></div>
  </div>
  <div class="stack" id="progress" aria-label="Recipients by status"></div>
  <p class="muted">Updated <span id="updated">\u2014</span> <span id="refresh-note"></span></p>
</section>
<section class="card">
  <h2>Recipients by status</h2>
  <table id="status-table"><thead><tr><th>Status</th><th class="bar-col"></th><th class="num">Recipients</th><th class="num">Share</th></tr></thead><tbody></tbody></table>
</section>
<section class="card">
  <h2>Reached (cumulative)</h2>
  <div class="stats">
    <div class="stat"><span class="label">Sent</span><span class="value" id="reached-sent" data-reached="sent">0</span></div>
    <div class="stat"><span class="label">Delivered</span><span class="value" id="reached-delivered" data-reached="delivered">0</span></div>
    <div class="stat"><span class="label">Read</span><span class="value" id="reached-read" data-reached="read">0</span></div>
  </div>
</section>
<section class="card">
  <h2>Sends and deliveries over time <span class="muted" id="chart-bucket"></span></h2>
  <svg id="chart" viewBox="0 0 960 240" width="100%" role="img" aria-label="Sends and deliveries over time"></svg>
  <p class="muted"><span class="dot s-sent"></span>sent <span class="dot s-delivered"></span>delivered</p>
</section>
<section class="card">
  <h2>Errors</h2>
  <table id="errors"><thead><tr><th>Code</th><th>Title</th><th class="num">Recipients</th></tr></thead><tbody></tbody></table>
</section>
<section class="card">
  <h2>Waiting</h2>
  <table id="waiting"><thead><tr><th>Reason</th><th class="num">Recipients</th><th>Continues at</th></tr></thead><tbody></tbody></table>
</section>
<section class="card">
  <h2>Timeline</h2>
  <dl class="timeline" id="timeline"></dl>
</section>
<section class="card">
  <h2>Export</h2>
  <button class="primary" type="button" id="download">Download CSV of every recipient</button>
  <span class="muted" id="download-note"></span>
</section>
</div>`;

const REPORT_SCRIPT = `
var campaignId = document.body.getAttribute('data-campaign-id');
var STATUSES = JSON.parse(document.body.getAttribute('data-statuses'));
var TERMINAL = ['completed', 'cancelled', 'failed'];
var WAITING_LABELS = { send_window: 'Outside the send window', messaging_limit: 'Messaging limit reached', retry: 'Retrying after an error', throttled: 'Throttled by 360dialog', marketing_limit: "Meta's marketing limit (131049): retried later", frequency_cap: 'Frequency cap: already messaged in the window' };
var BUCKET_MS = { second: 1000, minute: 60000, hour: 3600000, day: 86400000 };
var REFETCH_MARGIN_MS = { second: 60000, minute: 120000, hour: 3600000, day: 86400000 };
var base = '/v1/campaigns/' + encodeURIComponent(campaignId);
var timer = null;
var refreshes = 0;
var series = { bucket: null, points: new Map() };

function formatDuration(seconds) {
  if (seconds < 60) return seconds + ' s';
  var h = Math.floor(seconds / 3600), m = Math.floor((seconds % 3600) / 60), s = seconds % 60;
  return (h ? h + ' h ' : '') + (m ? m + ' min ' : '') + (h ? '' : s + ' s');
}

function buildStatusRows() {
  var body = $('status-table').tBodies[0];
  var progress = $('progress');
  STATUSES.forEach(function (status) {
    var row = el('tr', { 'data-status-row': status });
    var name = el('td');
    name.appendChild(el('span', { class: 'dot s-' + status }));
    name.appendChild(document.createTextNode(status));
    row.appendChild(name);
    var barCell = el('td');
    var track = el('div', { class: 'track' });
    track.appendChild(el('div', { class: 'fill s-' + status, id: 'bar-' + status }));
    barCell.appendChild(track);
    row.appendChild(barCell);
    row.appendChild(el('td', { class: 'num', id: 'count-' + status, 'data-count': status }, '0'));
    row.appendChild(el('td', { class: 'num', id: 'share-' + status }, '0%'));
    body.appendChild(row);
    progress.appendChild(el('div', { class: 's-' + status, id: 'segment-' + status, title: status }));
  });
}

function renderReport(report) {
  document.title = report.name + ' \\u2013 delivery report';
  setText('heading', report.name);
  var badge = $('status');
  setText(badge, report.status);
  badge.setAttribute('data-status', report.status);
  setText('total', fmt(report.total));
  setText('rate', report.sendRate.perSecond.toLocaleString('en-US') + ' msg/s');
  var eta = '\\u2014';
  if (report.eta) {
    if (report.eta.secondsRemaining === null) eta = 'unknown (nothing sending)';
    else if (report.eta.secondsRemaining === 0) eta = 'done';
    else eta = 'in ' + formatDuration(report.eta.secondsRemaining);
  }
  setText('eta', eta);
  if (report.eta && report.eta.completesAt) $('eta').setAttribute('title', fmtTime(report.eta.completesAt));
  var counts = report.counts;
  var total = report.total || 0;
  Object.keys(counts).forEach(function (status) {
    if (!$('count-' + status)) { STATUSES.push(status); $('status-table').tBodies[0].textContent = ''; $('progress').textContent = ''; buildStatusRows(); }
  });
  STATUSES.forEach(function (status) {
    var count = counts[status] || 0;
    var share = total ? (count * 100) / total : 0;
    setText('count-' + status, fmt(count));
    setText('share-' + status, (share >= 10 || share === 0 ? share.toFixed(0) : share.toFixed(1)) + '%');
    $('bar-' + status).style.width = share + '%';
    $('segment-' + status).style.width = share + '%';
  });
  setText('reached-sent', fmt(report.reached.sent));
  setText('reached-delivered', fmt(report.reached.delivered));
  setText('reached-read', fmt(report.reached.read));

  var errors = $('errors').tBodies[0];
  errors.textContent = '';
  if (report.errors.length === 0) errors.appendChild(el('tr', {}, null)).appendChild(el('td', { colspan: '3', class: 'muted' }, 'No failed recipients.'));
  report.errors.forEach(function (error) {
    var row = el('tr', { 'data-error-code': String(error.code) });
    row.appendChild(el('td', {}, error.code));
    row.appendChild(el('td', {}, error.title || ''));
    row.appendChild(el('td', { class: 'num', 'data-error-count': String(error.code) }, fmt(error.count)));
    errors.appendChild(row);
  });

  var waiting = $('waiting').tBodies[0];
  waiting.textContent = '';
  if (report.waiting.length === 0) waiting.appendChild(el('tr')).appendChild(el('td', { colspan: '3', class: 'muted' }, 'No recipient is waiting.'));
  report.waiting.forEach(function (group) {
    var row = el('tr', { 'data-waiting-reason': group.reason });
    row.appendChild(el('td', { title: group.reason }, WAITING_LABELS[group.reason] || group.reason));
    row.appendChild(el('td', { class: 'num' }, fmt(group.count)));
    row.appendChild(el('td', {}, fmtTime(group.nextAttemptAt)));
    waiting.appendChild(row);
  });

  var timeline = $('timeline');
  timeline.textContent = '';
  [['Scheduled', report.timeline.scheduledAt], ['Started', report.timeline.startedAt], ['First sent', report.timeline.firstSentAt],
   ['Last sent', report.timeline.lastSentAt], ['Completed', report.timeline.completedAt], ['Cancelled', report.timeline.cancelledAt]]
    .forEach(function (entry) {
      if (entry[0] === 'Cancelled' && !entry[1]) return;
      timeline.appendChild(el('dt', {}, entry[0]));
      timeline.appendChild(el('dd', {}, fmtTime(entry[1])));
    });
  if (report.pausedReason) notice('Paused: ' + report.pausedReason, false);
  else if (report.failureReason) notice('Failed: ' + report.failureReason, true);
  else notice('', false);
  setText('updated', new Date(report.generatedAt).toLocaleTimeString());
  $('content').setAttribute('data-generated-at', report.generatedAt);
}

async function refreshSeries() {
  var full = !series.bucket || series.points.size === 0 || refreshes % 60 === 0;
  var url = base + '/report/timeseries';
  if (!full) {
    var last = Math.max.apply(null, Array.from(series.points.keys()));
    var from = new Date(last - REFETCH_MARGIN_MS[series.bucket]).toISOString();
    url += '?bucket=' + series.bucket + '&from=' + encodeURIComponent(from);
  }
  var data = await api(url);
  // The server coarsens the bucket once the campaign spans more than it allows: the slice it answered
  // is in the new bucket, and the points held are in the old one. Fetch the whole series again.
  if (!full && data.bucket !== series.bucket) data = await api(base + '/report/timeseries');
  if (full || data.bucket !== series.bucket) series = { bucket: data.bucket, points: new Map() };
  data.items.forEach(function (point) { series.points.set(new Date(point.t).getTime(), point); });
  drawChart();
}

function drawChart() {
  var svg = $('chart');
  var NS = 'http://www.w3.org/2000/svg';
  while (svg.firstChild) svg.removeChild(svg.firstChild);
  var W = 960, H = 240, L = 56, R = 12, T = 12, B = 28;
  function add(tag, attrs, text) {
    var node = document.createElementNS(NS, tag);
    for (var key in attrs) node.setAttribute(key, attrs[key]);
    if (text !== undefined) node.textContent = text;
    svg.appendChild(node);
    return node;
  }
  var keys = Array.from(series.points.keys()).sort(function (a, b) { return a - b; });
  var step = BUCKET_MS[series.bucket] || 1000;
  var sentTotal = 0, deliveredTotal = 0;
  series.points.forEach(function (point) { sentTotal += point.sent; deliveredTotal += point.delivered; });
  svg.setAttribute('data-sent-total', String(sentTotal));
  svg.setAttribute('data-delivered-total', String(deliveredTotal));
  svg.setAttribute('data-points', String(keys.length));
  setText('chart-bucket', series.bucket ? '(per ' + series.bucket + ')' : '');
  if (keys.length === 0) { add('text', { x: W / 2, y: H / 2, 'text-anchor': 'middle' }, 'Nothing sent yet.'); return; }
  var start = keys[0], end = keys[keys.length - 1];
  var values = [];
  for (var t = start; t <= end; t += step) {
    var point = series.points.get(t);
    values.push({ t: t, sent: point ? point.sent : 0, delivered: point ? point.delivered : 0 });
  }
  var max = 1;
  values.forEach(function (v) { max = Math.max(max, v.sent, v.delivered); });
  var n = values.length;
  function x(i) { return L + (n === 1 ? (W - L - R) / 2 : (i * (W - L - R)) / (n - 1)); }
  function y(v) { return T + (H - T - B) * (1 - v / max); }
  add('line', { x1: L, y1: H - B, x2: W - R, y2: H - B, stroke: '#c5ccd8' });
  add('line', { x1: L, y1: T, x2: L, y2: H - B, stroke: '#c5ccd8' });
  add('text', { x: L - 6, y: T + 4, 'text-anchor': 'end' }, fmt(max));
  add('text', { x: L - 6, y: H - B, 'text-anchor': 'end' }, '0');
  add('text', { x: L, y: H - 8 }, new Date(start).toLocaleTimeString());
  add('text', { x: W - R, y: H - 8, 'text-anchor': 'end' }, new Date(end).toLocaleTimeString());
  function line(field, color, id) {
    var points = values.map(function (v, i) { return x(i).toFixed(1) + ',' + y(v[field]).toFixed(1); });
    if (n === 1) points.push((x(0) + 4).toFixed(1) + ',' + y(values[0][field]).toFixed(1));
    add('polyline', { id: id, points: points.join(' '), fill: 'none', stroke: color, 'stroke-width': '2', 'stroke-linejoin': 'round' });
  }
  var area = values.map(function (v, i) { return x(i).toFixed(1) + ',' + y(v.sent).toFixed(1); });
  area.unshift(x(0).toFixed(1) + ',' + (H - B)); area.push(x(n - 1).toFixed(1) + ',' + (H - B));
  add('polygon', { points: area.join(' '), fill: '#4f8fdb', 'fill-opacity': '0.12' });
  line('sent', '#4f8fdb', 'chart-sent');
  line('delivered', '#2fae6b', 'chart-delivered');
}

async function refresh() {
  clearTimeout(timer);
  var report;
  try {
    report = await api(base + '/report');
  } catch (error) {
    if (error.status === 401) { sessionStorage.removeItem(TOKEN_KEY); showAuth('The API token was refused. Enter it again.'); return; }
    if (error.status === 404) { $('content').hidden = true; notice('Campaign ' + campaignId + ' was not found.', true); return; }
    notice('Could not load the report (' + (error.message || error) + '); retrying.', true);
    timer = setTimeout(refresh, 5000);
    return;
  }
  $('content').hidden = false;
  renderReport(report);
  try { await refreshSeries(); } catch (error) { /* keep the last chart */ }
  refreshes += 1;
  var running = report.status === 'running';
  var delay = running ? 2000 : TERMINAL.indexOf(report.status) >= 0 ? 30000 : 10000;
  setText('refresh-note', '\\u00b7 refreshes every ' + delay / 1000 + ' s');
  timer = setTimeout(refresh, delay);
}

// The browser streams the file to disk: the page asks (with its token) for a short-lived link and
// follows it, instead of holding the whole CSV in memory as a Blob.
$('download').addEventListener('click', async function () {
  setText('download-note', 'Preparing\\u2026');
  try {
    var response = await fetch(base + '/report.csv/link', { method: 'POST', headers: { Authorization: 'Bearer ' + getToken(), Accept: 'application/json' } });
    if (!response.ok) throw new Error('HTTP ' + response.status);
    var grant = await response.json();
    var link = el('a', { href: grant.url, download: 'campaign-' + campaignId + '-report.csv' });
    document.body.appendChild(link);
    link.click();
    link.remove();
    setText('download-note', '');
  } catch (error) {
    setText('download-note', 'Download failed: ' + error.message);
  }
});

document.addEventListener('visibilitychange', function () { if (!document.hidden && getToken() && !$('content').hidden) refresh(); });
buildStatusRows();
withToken(refresh);
`;

export function renderReportPage(options: { campaignId: string; nonce: string }): string {
  const attributes =
    ` data-campaign-id="${escapeHtml(options.campaignId)}"` + ` data-statuses="${escapeHtml(JSON.stringify(RECIPIENT_STATUSES))}"`;
  return layout({
    title: 'Delivery report',
    nonce: options.nonce,
    heading: 'Delivery report',
    body: REPORT_BODY,
    script: REPORT_SCRIPT,
    bodyAttributes: attributes,
  });
}

const LIST_BODY = `
<div id="content" hidden>
<section class="card">
  <h2>Campaigns</h2>
  <table id="campaigns"><thead><tr><th>Name</th><th>Status</th><th>Scheduled</th><th>Started</th><th>Completed</th></tr></thead><tbody></tbody></table>
  <p><button class="primary" type="button" id="more" hidden>Load more</button></p>
</section>
<section class="card">
  <h2>Open a report by campaign id</h2>
  <form class="inline" id="open-form">
    <input type="text" id="open-id" placeholder="campaign id" aria-label="Campaign id" pattern="[0-9a-fA-F-]{36}" required>
    <button class="primary" type="submit">Open</button>
  </form>
</section>
</div>`;

const LIST_SCRIPT = `
var cursor = null;
async function load(more) {
  var page;
  try {
    page = await api('/v1/campaigns' + (more && cursor ? '?cursor=' + encodeURIComponent(cursor) : ''));
  } catch (error) {
    if (error.status === 401) { sessionStorage.removeItem(TOKEN_KEY); showAuth('The API token was refused. Enter it again.'); return; }
    $('content').hidden = false;
    if (error.status === 404) notice('This engine does not list campaigns yet (GET /v1/campaigns). Open a report by its id below.', false);
    else notice('Could not load the campaigns (' + (error.message || error) + ').', true);
    return;
  }
  notice('', false);
  $('content').hidden = false;
  var body = $('campaigns').tBodies[0];
  if (!more) body.textContent = '';
  var items = page.items || [];
  if (!more && items.length === 0) body.appendChild(el('tr')).appendChild(el('td', { colspan: '5', class: 'muted' }, 'No campaigns yet.'));
  items.forEach(function (campaign) {
    var row = el('tr', { 'data-campaign-id': campaign.id });
    var nameCell = el('td');
    nameCell.appendChild(el('a', { href: '/campaigns/' + encodeURIComponent(campaign.id) }, campaign.name || campaign.id));
    row.appendChild(nameCell);
    var statusCell = el('td');
    statusCell.appendChild(el('span', { class: 'badge', 'data-status': campaign.status || '' }, campaign.status || ''));
    row.appendChild(statusCell);
    row.appendChild(el('td', {}, fmtTime(campaign.scheduledAt)));
    row.appendChild(el('td', {}, fmtTime(campaign.startedAt)));
    row.appendChild(el('td', {}, fmtTime(campaign.completedAt)));
    body.appendChild(row);
  });
  cursor = page.nextCursor || null;
  $('more').hidden = !cursor;
}
$('more').addEventListener('click', function () { load(true); });
$('open-form').addEventListener('submit', function (event) {
  event.preventDefault();
  var id = $('open-id').value.trim();
  if (id) location.href = '/campaigns/' + encodeURIComponent(id);
});
withToken(function () { load(false); });
`;

export function renderCampaignListPage(options: { nonce: string }): string {
  return layout({ title: 'Campaigns', nonce: options.nonce, heading: 'Campaigns', body: LIST_BODY, script: LIST_SCRIPT });
}

export function renderNotFoundPage(options: { nonce: string; what: string }): string {
  return layout({
    title: 'Not found',
    nonce: options.nonce,
    heading: 'Not found',
    body: `<div id="content"><section class="card"><p>${escapeHtml(options.what)}</p><p><a href="/campaigns">All campaigns</a></p></section></div>`,
    script: "document.getElementById('sign-out').hidden = true;",
  });
}
