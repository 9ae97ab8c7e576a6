import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Browser, chromium, type Locator, type Page } from 'playwright-core';
import request from 'supertest';
import { consoleRoot } from '../src/console/serve-console.js';
import { createSandbox, type Sandbox } from '../src/sandbox/sandbox.js';
import { createTestApp, type TestApp } from './app.js';

/**
 * The web console (web/, served at `/`) walked as a marketer would, in Debian's headless Chromium
 * against the engine and the 360dialog sandbox over real HTTP: sign in, create a channel, register its
 * webhook, upload a CSV and read its rejects, find a contact and opt them out, compose and schedule a
 * campaign from a registry template, watch it complete, pause and resume a second one, download the
 * CSV, a quick-reply tap shown as engagement, "Send again to…" the failed ones scheduled from that
 * audience, an audience with a condition saved as a segment, a draft's cost estimate, an A/B test of
 * two templates, and a contact edited and erased. Each screen is saved to docs/screenshots/ (the README shows two).
 * Needs `npm run build` first (test:browser's pretest does it): the console is the built dist/web.
 */
// Browser globals, for the functions page.evaluate() runs inside the page (the project compiles without the DOM lib).
/* eslint-disable @typescript-eslint/no-explicit-any */
declare const document: any;
declare const sessionStorage: any;
declare const localStorage: any;

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--headless'];
const SHOTS = join(process.cwd(), 'docs', 'screenshots');

const CSV = [
  'phone,first_name,last_name,city',
  '+4915112345678,Maria,Schmidt,Berlin',
  '0151 2345 6789,Jonas,Weber,Hamburg',
  '0049 151 3456 7890,Aylin,,Köln',
  '+4915145678901,,Novak,Bonn',
  '+49 151 1234 5678,Maria,Schmidt,Berlin',
  '12ab,Broken,Number,Nowhere',
  '+4915156789012,Lena,"Meyer, Dr.",München',
  '+4915167890123,Tom,Opt-Out,Dresden',
].join('\r\n');
const UNDELIVERABLE = '4915156789012';

describe('the web console in headless Chromium', () => {
  let sandbox: Sandbox;
  let engine: TestApp;
  let browser: Browser;
  let page: Page;
  const pageErrors: string[] = [];
  let channelId: string;
  let listId: string;
  let campaignId: string;

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) {
      throw new Error(
        `Chromium is not installed at ${CHROMIUM}; the console test needs it (it never skips). ` +
          'Install it as root: apt-get update && apt-get install -y --no-install-recommends chromium (or set CHROMIUM_PATH).',
      );
    }
    if (!consoleRoot()) throw new Error('The console is not built (dist/web): run npm run build (npm run test:browser does).');
    mkdirSync(SHOTS, { recursive: true });
    sandbox = await createSandbox();
    sandbox.addKey('console-key', 'cloud');
    sandbox.configure({ failingNumbers: { [UNDELIVERABLE]: { code: 131026, title: 'Message undeliverable', when: 'webhook' } } });
    engine = await createTestApp();
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS, headless: true });
    page = await browser.newPage({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
    page.setDefaultTimeout(15_000);
    page.on('pageerror', (error) => pageErrors.push(error.message));
    page.on('console', (message) => {
      if (message.type() === 'error' && !/the server responded with a status of (400|401|404|409)/.test(message.text())) pageErrors.push(message.text());
    });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await engine?.close();
    await sandbox?.close();
  });

  const nav = (name: string) => page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name, exact: true }).click();
  const shot = (name: string) => page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
  const api = (path: string) => request(engine.url).get(path).set(engine.auth);
  /** The text of a table cell marked with `attribute="key"`, as a number. */
  const shown = async (locator: Locator) => Number((await locator.textContent())!.replace(/[^0-9-]/g, ''));
  /** Waits for the engine to reach a state (webhooks are processed asynchronously), at most 20 s. */
  const until = async (condition: () => Promise<boolean>) => {
    for (let i = 0; i < 200; i += 1) {
      if (await condition()) return;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error('the engine did not reach the expected state within 20 s');
  };

  it('serves the console with a strict CSP and no inline script', async () => {
    const index = await request(engine.url).get('/').expect(200);
    expect(index.headers['content-security-policy']).toContain("script-src 'self'");
    expect(index.headers['content-security-policy']).not.toMatch(/unsafe-inline|unsafe-eval/);
    expect(index.text).not.toMatch(/<script>(?!<\/script>)|<script(?![^>]*\bsrc=)[^>]*>/);
    // the old report page addresses open the console
    await request(engine.url).get('/campaigns').expect(302).expect('location', '/#/campaigns');
  });

  it('asks for the API token, refuses a wrong one and keeps the right one in sessionStorage only', async () => {
    await page.goto(`${engine.url}/`);
    await page.getByLabel('API token').fill('wrong-token-0123456789');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByText('The engine refused this token').waitFor();
    await shot('01-sign-in');
    await page.getByLabel('API token').fill(engine.token);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('navigation', { name: 'Main' }).waitFor();
    for (const link of ['Campaigns', 'Contacts', 'Channels']) expect(await page.getByRole('link', { name: link, exact: true }).count()).toBe(1);
    expect(await page.evaluate(() => [sessionStorage.getItem('wa-engine-api-token'), localStorage.length, document.cookie])).toEqual([engine.token, 0, '']);
  }, 30_000);

  it('creates a channel, registers its webhook and shows the template registry', async () => {
    await nav('Channels');
    await page.getByRole('button', { name: 'New channel' }).click();
    await page.getByLabel('Name', { exact: true }).fill('Main number');
    await page.getByLabel('Phone number').fill('+4930123456');
    await page.getByLabel('API key').fill('console-key');
    await page.getByLabel('Base URL').fill(sandbox.url);
    await page.getByLabel('Messages per second').fill('50');
    await page.getByRole('button', { name: 'Create channel' }).click();
    await page.locator('#created-channel').waitFor();
    const { body: channels } = await api('/v1/channels').expect(200);
    channelId = channels.items[0].id;
    expect(await page.locator('#created-channel').textContent()).toContain(`/webhooks/360dialog/${channelId}`);
    await page.locator(`tr[data-channel-id="${channelId}"]`).getByText('50 msg/s').waitFor();
    await shot('02-channels');

    await page.getByRole('link', { name: 'Main number' }).click();
    await page.getByRole('button', { name: 'Register webhook' }).click();
    await page.locator('#webhook-result').waitFor();
    expect(sandbox.webhookFor('console-key')?.url).toBe(`${engine.url}/webhooks/360dialog/${channelId}`);
    await page.getByRole('button', { name: 'Sync templates' }).click();
    await page.getByText(/^Synced: /).waitFor();
    const registry = page.getByRole('table', { name: 'Template registry' });
    await registry.getByRole('cell', { name: 'spring_sale' }).first().waitFor();
    expect(await registry.locator('tbody tr').count()).toBeGreaterThan(3);
    await page.locator('#health').getByText(/checked/).waitFor();
    // Rotate key appears with a Partner channel id; without PARTNER_ID the engine's 409 says what to set
    expect(await page.getByRole('button', { name: 'Rotate key' }).count()).toBe(0);
    await page.getByLabel('Partner channel id').fill('sandboxCH');
    await page.getByRole('button', { name: 'Save options' }).click();
    await page.getByRole('button', { name: 'Rotate key' }).click();
    await page.getByText(/Partner API is not configured: set PARTNER_ID and PARTNER_API_TOKEN.*\(HTTP 409\)/).waitFor();
    expect((await api(`/v1/channels/${channelId}`).expect(200)).body.partnerChannelId).toBe('sandboxCH');
    await shot('03-channel');
  }, 40_000);

  it('imports a CSV and shows the counts, the rejected line and errors.csv', async () => {
    await nav('Contacts');
    await page.getByLabel('CSV file').setInputFiles({ name: 'contacts.csv', mimeType: 'text/csv', buffer: Buffer.from(CSV) });
    await page.getByLabel('List name').fill('Spring customers');
    await page.getByLabel('Default country').fill('DE');
    await page.getByRole('button', { name: 'Upload' }).click();
    await page.locator('#import-errors').waitFor({ timeout: 30_000 });
    const count = (key: string) => shown(page.locator(`[data-import-count="${key}"]`));
    expect([await count('totalRows'), await count('imported'), await count('duplicates'), await count('rejected')]).toEqual([8, 6, 1, 1]);
    expect(await page.locator('#import-errors tbody').textContent()).toMatch(/7\s*12ab\s*invalid phone number/);
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'errors.csv' }).click()]);
    expect(readFileSync((await download.path())!, 'utf8')).toContain('12ab');
    await shot('04-contacts-import');
    const { body: lists } = await api('/v1/lists').expect(200);
    listId = lists.items.find((list: { name: string }) => list.name === 'Spring customers').id;
  }, 60_000);

  it('finds a contact by name, shows lists and consent, and opts them out', async () => {
    await page.getByLabel('Name', { exact: true }).fill('opt-out');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.getByRole('link', { name: '+4915167890123' }).click();
    await page.getByRole('heading', { name: 'Tom Opt-Out' }).waitFor();
    await page.locator('#contact-lists').getByText('Spring customers').waitFor();
    await page.getByLabel('Reason').fill('asked by phone');
    await page.getByRole('button', { name: 'Opt out' }).click();
    await page.getByRole('table', { name: 'Consent history' }).getByText('opted out').waitFor();
    expect(await page.locator('.page-head .badge').textContent()).toBe('opted out');
    await shot('05-contact');
  }, 30_000);

  it('composes a campaign from a registry template with a live preview, shows API errors beside the field, and schedules it', async () => {
    await nav('Campaigns');
    await page.getByRole('link', { name: 'New campaign' }).click();
    await page.getByLabel('Template').selectOption('spring_sale/en');
    await page.getByLabel('Audience').selectOption(listId);
    // the live count: 6 imported, the one opted out above is left out
    await page.locator('#audience-count[data-state="ok"]').getByText(/^\s*5\s*$/).waitFor();
    expect(await page.locator('#audience-count').textContent()).toContain('1 left out for consent');
    await page.getByLabel('Body {{1}}').fill('{{first_name|there}}');
    await page.locator('#preview').getByText('Hi Maria, our spring sale starts today!').waitFor();
    await page.getByLabel('Body {{1}}').fill('{{last_name}}');
    await page.getByText('Hi Schmidt, our spring sale starts today!').waitFor();
    await page.getByLabel('Body {{1}}').fill('{{city}} friends');
    await page.locator('#preview').getByText('Hi Berlin friends, our spring sale starts today!').waitFor();
    await page.getByLabel('Body {{1}}').fill('{{first_name|there}}');

    // No name: the engine's validation message appears beside the Name field.
    await page.getByRole('button', { name: 'Save draft' }).click();
    const nameError = page.locator('.field', { has: page.getByLabel('Name', { exact: true }) }).locator('.field-error');
    await nameError.waitFor();
    expect(await nameError.textContent()).toMatch(/name/);
    await page.getByLabel('Name', { exact: true }).fill('Spring sale');
    await shot('06-new-campaign');
    await page.getByRole('button', { name: 'Schedule' }).click();
    await page.getByRole('heading', { name: 'Spring sale' }).waitFor();
    campaignId = page.url().split('/').pop()!;
  }, 40_000);

  it('follows the campaign live until it completes, with the numbers of the JSON report', async () => {
    await page.locator('#status').getByText('completed').waitFor({ timeout: 60_000 });
    // the last refresh may have read the counts a moment before the status: wait for them to match
    const { body: report } = await api(`/v1/campaigns/${campaignId}/report`).expect(200);
    for (const [state, value] of Object.entries(report.counts as Record<string, number>)) {
      await page.locator(`[data-count="${state}"]`).getByText(String(value), { exact: true }).waitFor();
    }
    expect(report.total).toBe(6); // 6 imported; the one opted out above is skipped
    expect(report.counts).toMatchObject({ read: 4, failed: 1, skipped: 1 });
    expect(await shown(page.locator('#total'))).toBe(6);
    expect(await shown(page.locator('[data-reached="read"]'))).toBe(4);
    expect(await page.locator('#errors [data-error-code="131026"]').textContent()).toContain('Message undeliverable');
    await page.waitForFunction(() => document.getElementById('chart')?.getAttribute('data-sent-total') === '5');
    expect(await page.getByRole('button', { name: 'Retry failed' }).count()).toBe(1);
    expect(await page.getByRole('button', { name: 'Pause' }).count()).toBe(0);
    await shot('07-campaign');
  }, 90_000);

  it('downloads the CSV through a short-lived link', async () => {
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download CSV' }).click()]);
    expect(download.url()).toMatch(new RegExp(`^${engine.url}/campaigns/${campaignId}/report\\.csv\\?grant=`));
    const file = readFileSync((await download.path())!, 'utf8');
    const viaApi = await request(engine.url)
      .get(`/v1/campaigns/${campaignId}/report.csv`)
      .set(engine.auth)
      .buffer(true)
      .parse((response, callback) => {
        let body = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (body += chunk));
        response.on('end', () => callback(null, body));
      });
    expect(file).toBe(viaApi.body);
    expect(file.trimEnd().split(/\r?\n/)).toHaveLength(7);
  }, 30_000);

  it('pauses and resumes a second campaign', async () => {
    await nav('Campaigns');
    await page.getByRole('link', { name: 'New campaign' }).click();
    await page.getByLabel('Name', { exact: true }).fill('Reminder next week');
    await page.getByLabel('Template').selectOption('spring_sale/en');
    await page.getByLabel('Body {{1}}').fill('{{first_name|there}}');
    await page.getByLabel('Audience').selectOption(listId);
    await page.getByLabel('Send at').fill('2099-01-05T09:00');
    await page.getByRole('button', { name: 'Schedule' }).click();
    await page.getByRole('heading', { name: 'Reminder next week' }).waitFor();
    const secondId = page.url().split('/').pop()!;
    await page.locator('#status').getByText('scheduled').waitFor();
    await page.getByRole('button', { name: 'Pause' }).click();
    await page.locator('#status').getByText('paused').waitFor();
    expect((await api(`/v1/campaigns/${secondId}`).expect(200)).body.status).toBe('paused');
    await page.getByRole('button', { name: 'Resume' }).click();
    await page.locator('#status').getByText('scheduled').waitFor();
    expect((await api(`/v1/campaigns/${secondId}`).expect(200)).body.status).toBe('scheduled');
    expect(sandbox.recentMessages({ to: '4915112345678' })).toHaveLength(1); // nothing sent for it

    await nav('Campaigns');
    await page.locator(`tr[data-campaign-id="${campaignId}"]`).getByText('100.0%').waitFor();
    await page.locator(`tr[data-campaign-id="${secondId}"]`).getByText('scheduled').waitFor();
    await shot('08-campaigns');
  }, 40_000);

  it('shows engagement after a contact taps a quick reply, and lists the reply', async () => {
    await page.getByRole('link', { name: 'Spring sale' }).click();
    await page.getByRole('heading', { name: 'Spring sale' }).waitFor();
    await page.locator('#engagement').waitFor();
    expect(await page.locator('[data-engagement="replied"]').textContent()).toBe('0');
    const { body: recipients } = await api(`/v1/campaigns/${campaignId}/recipients?status=read`).expect(200);
    const maria = recipients.items.find((item: { phone: string }) => item.phone === '+4915112345678');
    await sandbox.sendInbound('console-key', '4915112345678', 'Book now', { reply: { kind: 'quick_reply', payload: 'BOOK_NOW', text: 'Book now' }, contextId: maria.messageId });
    await until(async () => (await api(`/v1/campaigns/${campaignId}/report`).expect(200)).body.engagement.replied === 1);
    await page.getByRole('button', { name: 'Refresh engagement' }).click();
    await page.locator('[data-engagement="replied"]').getByText('1', { exact: true }).waitFor();
    expect(await page.locator('[data-engagement="clicked"]').textContent()).toBe('1');
    expect(await page.locator('[data-engagement="replyRate"]').textContent()).toBe('25.0%'); // 1 of 4 delivered
    expect(await page.locator('[data-button="BOOK_NOW"]').textContent()).toMatch(/Book now\s*BOOK_NOW\s*1/);
    const reply = page.getByRole('table', { name: 'Replies' }).locator('tbody tr');
    expect(await reply.count()).toBe(1);
    expect(await reply.textContent()).toMatch(/\+4915112345678.*Book now.*\[BOOK_NOW\].*answered the message/);
    expect(await page.locator('#cost-estimated').textContent()).toMatch(/^\d+\.\d+ EUR$/);
    await shot('09-engagement');
  }, 40_000);

  it('sends again to the failed recipients: prefilled, counted live and scheduled from that audience', async () => {
    await page.getByRole('button', { name: 'Send again to…' }).click();
    await page.getByRole('link', { name: 'failed' }).click();
    await page.getByRole('heading', { name: 'New campaign' }).waitFor();
    await page.waitForFunction(() => (document.getElementById('preview')?.textContent ?? '').includes('Hi Lena'));
    expect(await page.getByLabel('Name', { exact: true }).inputValue()).toBe('Spring sale – again (failed)');
    expect(await page.getByLabel('Template').inputValue()).toBe('spring_sale/en');
    expect(await page.getByLabel('Body {{1}}').inputValue()).toBe('{{first_name|there}}');
    expect(await page.getByLabel('Audience').inputValue()).toBe('');
    expect(await page.locator('#from-campaign').textContent()).toContain('whose message is now failed');
    await page.locator('#audience-count[data-state="ok"]').getByText(/^\s*1\s*$/).waitFor();
    await page.getByRole('button', { name: 'Schedule' }).click();
    await page.getByRole('heading', { name: 'Spring sale – again (failed)' }).waitFor();
    const againId = page.url().split('/').pop()!;
    const { body: again } = await api(`/v1/campaigns/${againId}`).expect(200);
    expect(again.listId).toBeNull();
    expect(again.audience.fromCampaign).toMatchObject({ campaignId, statuses: ['failed'] });
    expect(await page.locator('#settings-audience').textContent()).toContain(`recipients of campaign ${campaignId} now failed`);
    await page.locator('#status').getByText('completed').waitFor({ timeout: 60_000 });
    expect((await api(`/v1/campaigns/${againId}/report`).expect(200)).body).toMatchObject({ total: 1, counts: { failed: 1 } });
  }, 90_000);

  it('builds an audience with a condition, saves it as a segment, shows the draft estimate and schedules it', async () => {
    await nav('Campaigns');
    await page.getByRole('link', { name: 'New campaign' }).click();
    await page.getByLabel('Name', { exact: true }).fill('Berlin only');
    await page.getByLabel('Template').selectOption('spring_sale/en');
    await page.getByLabel('Body {{1}}').fill('{{first_name|there}}');
    await page.getByLabel('Audience').selectOption(listId);
    await page.locator('#audience-count[data-state="ok"]').getByText(/^\s*5\s*$/).waitFor();
    await page.getByRole('button', { name: 'Add condition' }).click();
    await page.getByLabel('Condition 1 field').fill('city');
    await page.getByLabel('Condition 1 operator').selectOption('in');
    await page.getByLabel('Condition 1 value').fill('Berlin, Bonn');
    await page.locator('#audience-count[data-state="ok"]').getByText(/^\s*2\s*$/).waitFor();
    await page.getByLabel('Condition 1 operator').selectOption('eq');
    await page.getByLabel('Condition 1 value').fill('Berlin');
    await page.locator('#audience-count[data-state="ok"]').getByText(/^\s*1\s*$/).waitFor();
    await page.getByLabel('Segment name').fill('Berlin customers');
    await page.getByRole('button', { name: 'Save as segment' }).click();
    await page.getByText('Saved as segment “Berlin customers”.').waitFor();
    const { body: segments } = await api('/v1/segments').expect(200);
    expect(segments.items[0]).toMatchObject({ name: 'Berlin customers', audience: { listIds: [listId], where: [{ field: 'city', op: 'eq', value: 'Berlin' }] } });
    await page.getByLabel('Segment', { exact: true }).locator('option', { hasText: 'Berlin customers' }).waitFor({ state: 'attached' });
    await shot('06-new-campaign');
    await page.getByLabel('Window start').fill('00:00');
    await page.getByLabel('Window end').fill('23:59');
    await page.getByLabel("In each recipient's own time zone").check();
    await page.getByLabel('Fallback time zone').fill('Europe/Berlin');
    await page.getByLabel('At most (messages per contact)').fill('5');
    await page.getByLabel('Per hours').fill('24');
    await page.getByLabel('Valid until').fill('2099-01-01T12:00');
    await page.getByLabel('Keep delivering for (hours)').fill('6');
    await page.getByRole('button', { name: 'Save draft' }).click();
    await page.locator('.field-error').getByText(/whole number of hours from 12 to 720/).waitFor();
    await page.getByLabel('Keep delivering for (hours)').fill('48');

    await page.getByRole('button', { name: 'Save draft' }).click();
    await page.getByRole('heading', { name: 'Berlin only' }).or(page.locator('.field-error, .notice.error').first()).waitFor();
    expect(await page.locator('.field-error, .notice.error').allTextContents()).toEqual([]);
    const draftId = page.url().split('/').pop()!;
    const { body: estimate } = await api(`/v1/campaigns/${draftId}/estimate`).expect(200);
    expect(estimate).toMatchObject({ basis: 'audience', recipients: 1 });
    await page.locator('#estimate-total').getByText(`${estimate.total} ${estimate.currency}`).waitFor();
    expect(await page.locator('#estimate-recipients').textContent()).toBe('1');
    const { body: draft } = await api(`/v1/campaigns/${draftId}`).expect(200);
    expect(draft).toMatchObject({
      status: 'draft',
      sendWindow: { start: '00:00', end: '23:59', timezone: 'recipient', fallbackTimezone: 'Europe/Berlin' },
      frequencyCap: { max: 5, hours: 24 },
      audience: { listIds: [listId], where: [{ field: 'city', op: 'eq', value: 'Berlin' }] },
      ttlSeconds: 48 * 3600,
    });
    expect(new Date(draft.validUntil).getTime()).toBe(new Date(2099, 0, 1, 12, 0).getTime());
    expect(await page.locator('#settings-audience').textContent()).toBe('in Spring customers; city is Berlin');
    await shot('10-draft-estimate');
    await page.getByRole('form', { name: 'Schedule' }).getByRole('button', { name: 'Schedule' }).click();
    await page.locator('#status').getByText(/scheduled|running|completed/).waitFor();
    await page.locator('#cost').waitFor({ timeout: 60_000 });
  }, 90_000);

  it('deletes a saved segment after a confirmation', async () => {
    const { body: throwaway } = await request(engine.url).post('/v1/segments').set(engine.auth).send({ name: 'Throwaway', audience: { listIds: [listId] } }).expect(201);
    await nav('Campaigns');
    await page.getByRole('link', { name: 'New campaign' }).click();
    await page.getByLabel('Segment', { exact: true }).locator('option', { hasText: 'Throwaway' }).waitFor({ state: 'attached' });
    await page.getByLabel('Segment', { exact: true }).selectOption(throwaway.id);
    await page.getByRole('button', { name: 'Delete segment…' }).click();
    await page.getByRole('alertdialog', { name: 'Confirm delete segment' }).getByRole('button', { name: 'Delete segment' }).click();
    await page.getByLabel('Segment', { exact: true }).locator('option', { hasText: 'Throwaway' }).waitFor({ state: 'detached' });
    expect(await page.getByLabel('Segment', { exact: true }).inputValue()).toBe('');
    await api(`/v1/segments/${throwaway.id}`).expect(404);
  });

  it('runs an A/B test of two templates and compares the variants', async () => {
    await nav('Campaigns');
    await page.getByRole('link', { name: 'New campaign' }).click();
    await page.getByLabel('Name', { exact: true }).fill('Spring A/B');
    await page.getByLabel('Template', { exact: true }).selectOption('spring_sale/en');
    await page.getByLabel('Body {{1}}', { exact: true }).fill('{{first_name|there}}');
    await page.getByLabel('A/B test (variant B)').check();
    await page.getByLabel('Variant B template').selectOption('spring_sale/de');
    await page.getByLabel('Variant B Body {{1}}').fill('{{first_name|du}}');
    await page.getByLabel('Audience').selectOption(listId);
    await page.locator('#audience-count[data-state="ok"]').waitFor();
    await page.getByRole('button', { name: 'Schedule' }).click();
    await page.getByRole('heading', { name: 'Spring A/B' }).waitFor();
    const abId = page.url().split('/').pop()!;
    const { body: ab } = await api(`/v1/campaigns/${abId}`).expect(200);
    expect(ab.variants.map((variant: { name: string; template: { language: string } }) => [variant.name, variant.template.language])).toEqual([
      ['A', 'en'],
      ['B', 'de'],
    ]);
    await page.locator('#status').getByText('completed').waitFor({ timeout: 60_000 });
    await page.locator('#variants [data-variant="B"]').waitFor();
    const { body: report } = await api(`/v1/campaigns/${abId}/report`).expect(200);
    for (const variant of report.variants as Array<{ name: string; total: number }>) {
      expect(await page.locator(`#variants [data-variant="${variant.name}"] td`).nth(1).textContent()).toBe(String(variant.total));
    }
    expect(await page.locator('#ab-winner').textContent()).toContain('No winner rule');
    await shot('12-ab-test');
  }, 90_000);

  it('edits a contact and erases another after a confirmation', async () => {
    await nav('Contacts');
    await page.getByLabel('Name', { exact: true }).fill('jonas');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.getByRole('link', { name: '+4915123456789' }).click();
    await page.getByRole('heading', { name: 'Jonas Weber' }).waitFor();
    await page.getByLabel('Last name').fill('Weber-Schulz');
    await page.getByLabel('Attributes').fill('city=Hamburg\nplan=gold');
    await page.getByRole('button', { name: 'Save contact' }).click();
    await page.getByRole('heading', { name: 'Jonas Weber-Schulz' }).waitFor();
    const contactId = page.url().split('/').pop()!;
    expect((await api(`/v1/contacts/${contactId}`).expect(200)).body).toMatchObject({ lastName: 'Weber-Schulz', attributes: { city: 'Hamburg', plan: 'gold' } });
    await shot('11-contact-edit');
    await page.getByRole('button', { name: 'Erase', exact: true }).click();
    await page.getByRole('button', { name: 'Keep the contact' }).click();
    await page.getByRole('button', { name: 'Erase', exact: true }).click();
    await page.getByRole('button', { name: 'Erase for good' }).click();
    await page.getByRole('heading', { name: 'Contacts', exact: true }).waitFor();
    await api(`/v1/contacts/${contactId}`).expect(404);
    expect(pageErrors).toEqual([]);
  }, 40_000);
});
