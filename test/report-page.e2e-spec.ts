import { existsSync, readFileSync } from 'node:fs';
import { type Browser, chromium, type Page } from 'playwright-core';
import request from 'supertest';
import { createTestApp, type TestApp } from './app.js';
import { createCampaignFixture } from './report-fixtures.js';

// Browser globals, for the functions page.evaluate() runs inside the page (the project compiles without the DOM lib).
/* eslint-disable @typescript-eslint/no-explicit-any */
declare const document: any;
declare const window: any;
declare const sessionStorage: any;

/** Debian's chromium (docs/stack.md). The test fails — it does not skip — when it is missing. */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--headless'];

interface Shown {
  status: string;
  total: number;
  counts: Record<string, number>;
  reached: Record<string, number>;
  errors: Array<{ code: number; count: number }>;
  waiting: Array<{ reason: string; count: number }>;
  chartSent: number;
  chartDelivered: number;
}

/** What the page shows, read from the DOM as a user would see it. */
function readPage(page: Page): Promise<Shown> {
  return page.evaluate(() => {
    const number = (text: string | null | undefined) => Number((text ?? '').replace(/[^0-9-]/g, ''));
    const counts: Record<string, number> = {};
    document.querySelectorAll('[data-count]').forEach((cell: any) => (counts[cell.getAttribute('data-count')!] = number(cell.textContent)));
    const reached: Record<string, number> = {};
    document.querySelectorAll('[data-reached]').forEach((cell: any) => (reached[cell.getAttribute('data-reached')!] = number(cell.textContent)));
    const errors = Array.from(document.querySelectorAll('#errors tbody tr[data-error-code]')).map((row: any) => ({
      code: Number(row.getAttribute('data-error-code')),
      count: number(row.querySelector('[data-error-count]')?.textContent),
    }));
    const waiting = Array.from(document.querySelectorAll('#waiting tbody tr[data-waiting-reason]')).map((row: any) => ({
      reason: row.getAttribute('data-waiting-reason')!,
      count: number(row.children[1]?.textContent),
    }));
    const chart = document.getElementById('chart')!;
    return {
      status: document.getElementById('status')!.textContent ?? '',
      total: number(document.getElementById('total')!.textContent),
      counts,
      reached,
      errors,
      waiting,
      chartSent: Number(chart.getAttribute('data-sent-total') ?? -1),
      chartDelivered: Number(chart.getAttribute('data-delivered-total') ?? -1),
    };
  });
}

describe('report web page in headless Chromium', () => {
  let engine: TestApp;
  let browser: Browser;
  let page: Page;
  let campaignId: string;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) {
      throw new Error(
        `Chromium is not installed at ${CHROMIUM}; the report page test needs it (it never skips). ` +
          'Install it as root: apt-get update && apt-get install -y --no-install-recommends chromium ' +
          '(or set CHROMIUM_PATH). .ci/run does this before npm test.',
      );
    }
    engine = await createTestApp({ env: { ROLE: 'api', SENDER_ENABLED: 'false' } });
    ({ campaignId } = await createCampaignFixture(engine.dataSource, { recipients: 300, name: 'Browser test campaign' }));
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS, headless: true });
    page = await browser.newPage();
    page.on('pageerror', (error) => pageErrors.push(error.message));
    page.on('console', (message) => {
      if (/Content Security Policy|Refused to/i.test(message.text())) pageErrors.push(message.text());
    });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await engine?.close();
  });

  async function jsonReport(id: string) {
    const { body } = await request(engine.url).get(`/v1/campaigns/${id}/report`).set(engine.auth).expect(200);
    return body;
  }

  /** Waits until the page shows exactly what the JSON report of campaign `id` says, and returns both. */
  async function expectPageToMatchReport(timeoutMs = 10_000, id = campaignId) {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const expected: Record<string, any> = await jsonReport(id);
      const shown = await readPage(page);
      const want = {
        status: expected.status,
        total: expected.total,
        counts: expected.counts,
        reached: expected.reached,
        errors: expected.errors.map((error: { code: number; count: number }) => ({ code: error.code, count: error.count })),
        waiting: expected.waiting.map((group: { reason: string; count: number }) => ({ reason: group.reason, count: group.count })),
        chartSent: expected.reached.sent,
        chartDelivered: expected.reached.delivered,
      };
      if (JSON.stringify(shown) === JSON.stringify(want)) return { shown, expected };
      if (Date.now() > deadline) {
        expect(shown).toEqual(want); // fails with a readable diff
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }

  const update = (sql: string) => engine.dataSource.query(sql.replaceAll(':campaign', `'${campaignId}'`));
  const batch = (status: string, count: number, where = 'true') =>
    `id IN (SELECT id FROM campaign_recipients WHERE campaign_id = :campaign AND status = '${status}' AND ${where} ORDER BY id LIMIT ${count})`;

  it('asks for the API token and says so when it is refused', async () => {
    await page.goto(`${engine.url}/campaigns/${campaignId}`);
    await page.waitForSelector('#auth:not([hidden])');
    expect(await page.isHidden('#content')).toBe(true);
    await page.fill('#token-input', 'wrong-token-0123456789');
    await page.click('#token-form button[type=submit]');
    await page.waitForFunction(() => /refused/.test(document.getElementById('auth-error')!.textContent ?? ''));
    expect(await page.evaluate(() => sessionStorage.getItem('wa-engine-api-token'))).toBeNull();
  }, 30_000);

  it('shows the numbers of the JSON report and follows the campaign as it runs', async () => {
    await page.fill('#token-input', engine.token);
    await page.click('#token-form button[type=submit]');
    await page.waitForSelector('#content:not([hidden])');
    expect(await page.evaluate(() => sessionStorage.getItem('wa-engine-api-token'))).toBe(engine.token);
    await page.evaluate(() => (window.marker = 42));

    const start = await expectPageToMatchReport();
    expect(start.shown.counts.pending).toBe(300);
    expect(start.shown.total).toBe(300);
    expect(await page.textContent('#heading')).toBe('Browser test campaign');

    // Progress: the sender sends 120, 60 of them are delivered, 15 fail, 5 wait for the window.
    await update(`UPDATE campaign_recipients SET status = 'sending', attempts = 1 WHERE ${batch('pending', 140)}`);
    await update(`UPDATE campaign_recipients SET status = 'sent', sent_at = clock_timestamp(), message_id = 'wamid.' || id WHERE ${batch('sending', 120)}`);
    await update(`UPDATE campaign_recipients SET status = 'failed', failed_at = now(), error_code = 131026, error_title = 'Message undeliverable' WHERE ${batch('sending', 15)}`);
    await update(`UPDATE campaign_recipients SET waiting_reason = 'send_window', next_attempt_at = now() + interval '1 hour' WHERE ${batch('pending', 5)}`);
    const afterSend = await expectPageToMatchReport();
    expect(afterSend.shown.counts).toMatchObject({ pending: 160, sending: 5, sent: 120, failed: 15 });
    expect(afterSend.shown.errors).toEqual([{ code: 131026, count: 15 }]);
    expect(afterSend.shown.waiting).toEqual([{ reason: 'send_window', count: 5 }]);
    expect(afterSend.shown.chartSent).toBe(120);
    expect(await page.textContent('#errors tbody')).toContain('Message undeliverable');
    expect(await page.textContent('#rate')).toMatch(/msg\/s/);
    expect(await page.textContent('#eta')).toMatch(/^in /);

    await update(`UPDATE campaign_recipients SET status = 'delivered', delivered_at = clock_timestamp() WHERE ${batch('sent', 60)}`);
    await update(`UPDATE campaign_recipients SET status = 'read', read_at = clock_timestamp() WHERE ${batch('delivered', 25)}`);
    await update(`UPDATE campaign_recipients SET status = 'failed', failed_at = now(), error_code = 131047, error_title = 'Re-engagement message' WHERE ${batch('sent', 20)}`);
    const afterDelivery = await expectPageToMatchReport();
    expect(afterDelivery.shown.reached).toEqual({ sent: 120, delivered: 60, read: 25 });
    expect(afterDelivery.shown.errors).toEqual([
      { code: 131047, count: 20 },
      { code: 131026, count: 15 },
    ]);
    expect(afterDelivery.shown.chartDelivered).toBe(60);
    expect(await page.getAttribute('#chart-sent', 'points')).toBeTruthy();
    if (process.env.REPORT_PAGE_SCREENSHOT) await page.screenshot({ path: process.env.REPORT_PAGE_SCREENSHOT, fullPage: true });

    // The campaign completes: the page shows it without a reload.
    await update(`UPDATE campaign_recipients SET status = 'cancelled' WHERE campaign_id = :campaign AND status IN ('pending', 'sending')`);
    await update(`UPDATE campaigns SET status = 'completed', completed_at = now() WHERE id = :campaign`);
    const done = await expectPageToMatchReport();
    expect(done.shown.status).toBe('completed');
    expect(done.shown.counts).toMatchObject({ pending: 0, sending: 0, cancelled: 165 });
    expect(await page.textContent('#eta')).toBe('\u2014');
    expect(await page.evaluate(() => window.marker)).toBe(42); // never reloaded
    expect(pageErrors).toEqual([]);
  }, 60_000);

  it('lists campaigns with a link to each report (once GET /v1/campaigns exists)', async () => {
    await page.goto(`${engine.url}/campaigns`);
    await page.waitForSelector('#content:not([hidden])');
    const listed = await page.$(`tr[data-campaign-id="${campaignId}"] a`);
    const listApi = await request(engine.url).get('/v1/campaigns').set(engine.auth);
    if (listApi.status === 404) {
      expect(await page.textContent('#notice')).toContain('does not list campaigns yet');
      await page.fill('#open-id', campaignId);
      await page.click('#open-form button[type=submit]');
    } else {
      expect(listed).not.toBeNull();
      expect(await listed!.textContent()).toBe('Browser test campaign');
      await listed!.click();
    }
    await page.waitForURL(`${engine.url}/campaigns/${campaignId}`);
    await page.waitForSelector('#content:not([hidden])'); // the token is still in this tab's session
    await expectPageToMatchReport();
    expect(pageErrors).toEqual([]);
  }, 30_000);

  it('keeps the whole chart when the campaign outgrows per-second buckets between two refreshes', async () => {
    const { campaignId: long } = await createCampaignFixture(engine.dataSource, { recipients: 200, name: 'Long campaign' });
    const send = (count: number, sentAt: string) =>
      engine.dataSource.query(
        `UPDATE campaign_recipients SET status = 'sent', sent_at = ${sentAt}, message_id = 'wamid.' || id
         WHERE id IN (SELECT id FROM campaign_recipients WHERE campaign_id = $1 AND status = 'pending' ORDER BY id LIMIT ${count})`,
        [long],
      );
    // 100 sends over the last 10 minutes: the chart is per second
    await send(100, `now() - interval '5 seconds' - (id % 600) * interval '1 second'`);
    await page.goto(`${engine.url}/campaigns/${long}`);
    await page.waitForSelector('#content:not([hidden])');
    expect((await expectPageToMatchReport(10_000, long)).shown.chartSent).toBe(100);
    expect(await page.textContent('#chart-bucket')).toBe('(per second)');

    // 50 sends 30 minutes back: the campaign now spans more than 900 seconds, the server answers the
    // page's next incremental request per minute; the page must not keep only that slice.
    await send(50, `now() - interval '30 minutes'`);
    await page.waitForFunction(() => document.getElementById('chart-bucket')!.textContent === '(per minute)', undefined, { timeout: 10_000 });
    const shown = await expectPageToMatchReport(6_000, long);
    expect(shown.shown.chartSent).toBe(150);
    expect(pageErrors).toEqual([]);
  }, 40_000);

  it('downloads the CSV through a short-lived link (streamed to disk, not built in page memory)', async () => {
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#download')]);
    const file = readFileSync((await download.path())!, 'utf8');
    const current = await page.evaluate(() => document.body.getAttribute('data-campaign-id'));
    const viaApi = await request(engine.url).get(`/v1/campaigns/${current}/report.csv`).set(engine.auth).buffer(true).parse((response, callback) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (body += chunk));
      response.on('end', () => callback(null, body));
    });
    // a link to the server the browser streams from, not a Blob assembled in the page
    expect(download.url()).toMatch(new RegExp(`^${engine.url}/campaigns/${current}/report\\.csv\\?grant=`));
    expect(download.suggestedFilename()).toBe(`campaign-${current}-report.csv`);
    expect(file).toBe(viaApi.body);
    expect(file.split('\n')).toHaveLength(200 + 2);
    expect(await page.textContent('#download-note')).toBe('');
    expect(pageErrors).toEqual([]);
  }, 30_000);
});
