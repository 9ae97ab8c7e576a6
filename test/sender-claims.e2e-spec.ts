import { DateTime } from 'luxon';
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { CLAIM_PICKED } from '../src/campaigns/recipient-claim.queries.js';
import { BY_ID_PLAN_DEFAULTS, BY_ID_PLAN_SETTINGS, RECORD_ACCEPTED, RECORD_FAILED, RECORD_UNKNOWN, REQUEUE } from '../src/campaigns/recipient-sends.queries.js';
import { type ClaimResult, RecipientsRepository } from '../src/campaigns/recipients.repository.js';
import { isInsideWindow, nextWindowOpening, recipientWindowSql } from '../src/campaigns/send-window.js';
import { createSandbox, type Sandbox } from '../src/sandbox/sandbox.js';
import { createTestApp, type TestApp } from './app.js';
import { channelAt, launchCampaign, pollAt, recipientRows, report, template } from './claims-helpers.js';
import { seedList } from './fixtures.js';

/**
 * Issue 16: the frequency cap and recipient-local send windows, both decided per recipient by the
 * claim. Driven by an injected clock (the engine's own sender loop is off): no waiting, no wall clock.
 */
describe('claim rules: frequency cap and recipient-local time', () => {
  let sandbox: Sandbox;
  let engine: TestApp;

  beforeAll(async () => {
    sandbox = await createSandbox();
    engine = await createTestApp({ env: { SENDER_ENABLED: 'false', MARKETING_FREQUENCY_CAP: '1/24h' } });
  });
  afterAll(async () => {
    await engine.close();
    await sandbox.close();
  });

  const sent = (phone: string) => sandbox.acceptedFor(phone.replace(/\D/g, ''));
  const phones = (count: number, base: number) => Array.from({ length: count }, (_, i) => `+49153${String(base + i).padStart(8, '0')}`);

  it('a cap of 1/24h makes a second campaign wait for the contacts the first one reached, on any channel, until allowed', async () => {
    const [a, b, c, d, e] = phones(5, 1000);
    const first = await seedList(engine.dataSource, 'first', [a, b, c].map((phone) => ({ phone })));
    const second = await seedList(engine.dataSource, 'second', [b, c, d, e].map((phone) => ({ phone })));
    const channelOne = await channelAt(engine, sandbox);
    const channelTwo = await channelAt(engine, sandbox);
    const start = Date.now() + 3_600_000;

    const campaignOne = await launchCampaign(engine, { channelId: channelOne, listId: first.listId });
    await pollAt(engine, new Date(start));
    expect([a, b, c].map(sent)).toEqual([1, 1, 1]);

    const campaignTwo = await launchCampaign(engine, { channelId: channelTwo, listId: second.listId });
    await pollAt(engine, new Date(start + 60_000));
    expect([b, c, d, e].map(sent)).toEqual([1, 1, 1, 1]);
    const allowedAt = new Date(start + 24 * 3_600_000).toISOString();
    expect((await report(engine, campaignTwo)).waiting).toEqual([{ reason: 'frequency_cap', count: 2, nextAttemptAt: allowedAt }]);
    const rows = await recipientRows(engine, campaignTwo);
    expect(rows.filter((row) => row.waiting_reason === 'frequency_cap').map((row) => `+${row.wa_id}`)).toEqual([b, c]);

    // A minute before the window lets them go: still waiting. Then allowed.
    await pollAt(engine, new Date(start + 24 * 3_600_000 - 60_000));
    expect([b, c].map(sent)).toEqual([1, 1]);
    await pollAt(engine, new Date(start + 24 * 3_600_000 + 1_000));
    expect([b, c].map(sent)).toEqual([2, 2]);
    expect((await report(engine, campaignTwo)).waiting).toEqual([]);
    expect((await report(engine, campaignOne)).counts.pending ?? 0).toBe(0);
  });

  it('is skipped when the cap frees the contact only after validUntil; a campaign override applies instead of the default', async () => {
    const [a, b] = phones(2, 2000);
    const list = await seedList(engine.dataSource, 'override', [a, b].map((phone) => ({ phone })));
    const channelId = await channelAt(engine, sandbox);
    const start = Date.now() + 3_600_000;
    await launchCampaign(engine, { channelId, listId: list.listId });
    await pollAt(engine, new Date(start));
    expect([a, b].map(sent)).toEqual([1, 1]);

    // validUntil in 3 h: the contacts are allowed again only in 24 h.
    const shortLived = await launchCampaign(engine, { channelId, listId: list.listId, validUntil: new Date(Date.now() + 3 * 3_600_000).toISOString() });
    await pollAt(engine, new Date(start + 60_000));
    expect((await recipientRows(engine, shortLived)).map((row) => [row.status, row.skip_reason])).toEqual([
      ['skipped', 'frequency_cap'],
      ['skipped', 'frequency_cap'],
    ]);

    // Two a day allowed for this campaign: sent at once.
    const generous = await launchCampaign(engine, { channelId, listId: list.listId, frequencyCap: { max: 2, hours: 24 } });
    await pollAt(engine, new Date(start + 120_000));
    expect([a, b].map(sent)).toEqual([2, 2]);
    expect((await report(engine, generous)).counts.pending ?? 0).toBe(0);
  });

  it('two claims of one contact for two campaigns at once are serialised: the second waits for the first, then counts it', async () => {
    const numbers = phones(3, 3000);
    const list = await seedList(engine.dataSource, 'race', numbers.map((phone) => ({ phone })));
    const one = await launchCampaign(engine, { channelId: await channelAt(engine, sandbox), listId: list.listId });
    const two = await launchCampaign(engine, { channelId: await channelAt(engine, sandbox), listId: list.listId });
    const recipients = engine.app.get(RecipientsRepository);
    const cap = { max: 1, hours: 24 };
    const claim = (campaignId: string) => ({
      campaigns: [{ id: campaignId, marketing: true, frequencyCap: cap }],
      limit: 10,
      leaseSeconds: 60,
      claimId: randomUUID(),
      now: new Date(),
      budget: null,
    });
    // The first worker has claimed (its transaction still open) when the second one claims.
    const first = engine.dataSource.createQueryRunner();
    await first.connect();
    await first.startTransaction();
    let second: Promise<ClaimResult> | undefined;
    try {
      expect((await recipients.claimForSending(claim(one), first.manager)).claimed).toHaveLength(3);
      let settled = false;
      second = recipients.claimForSending(claim(two));
      void second.finally(() => (settled = true));
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(settled).toBe(false); // held by the first claim's contact locks
      await first.commitTransaction();
    } finally {
      if (first.isTransactionActive) await first.rollbackTransaction();
      await first.release();
    }
    expect((await second)?.claimed).toEqual([]);
    expect((await recipientRows(engine, two)).map((row) => [row.status, row.waiting_reason])).toEqual([
      ['pending', 'frequency_cap'],
      ['pending', 'frequency_cap'],
      ['pending', 'frequency_cap'],
    ]);
    // The first claim's rows go back (never sent): nothing of this test reaches the sandbox.
    await engine.dataSource.query(`UPDATE campaign_recipients SET status = 'cancelled' WHERE campaign_id = ANY($1::uuid[])`, [[one, two]]);
  });

  it("recipient-local windows send a Berlin and a New York contact at their own 09:00", async () => {
    const berlin = '+4930' + '1234567';
    const newYork = '+1212' + '5550123';
    const unknown = '+1415' + '5550199';
    const list = await seedList(engine.dataSource, 'local time', [
      { phone: berlin },
      { phone: newYork, attributes: { timezone: 'America/New_York' } },
      { phone: unknown },
    ]);
    const channelId = await channelAt(engine, sandbox);
    const sendWindow = { start: '09:00', end: '10:00', timezone: 'recipient', fallbackTimezone: 'UTC' };
    const campaignId = await launchCampaign(engine, { channelId, listId: list.listId, sendWindow });
    expect((await recipientRows(engine, campaignId)).map((row) => row.timezone)).toEqual(['America/New_York', 'UTC', 'Europe/Berlin']);

    const day = DateTime.utc().plus({ days: 2 }).startOf('day');
    const nineIn = (zone: string) => DateTime.fromObject({ year: day.year, month: day.month, day: day.day, hour: 9 }, { zone }).toJSDate();
    const [berlinNine, utcNine, newYorkNine] = [nineIn('Europe/Berlin'), nineIn('UTC'), nineIn('America/New_York')];
    const minute = 60_000;

    await pollAt(engine, new Date(berlinNine.getTime() - minute));
    expect([berlin, newYork, unknown].map(sent)).toEqual([0, 0, 0]);
    const opening = Object.fromEntries((await recipientRows(engine, campaignId)).map((row) => [`+${row.wa_id}`, [row.waiting_reason, row.next_attempt_at.toISOString()]]));
    expect(opening).toEqual({
      [berlin]: ['send_window', berlinNine.toISOString()],
      [newYork]: ['send_window', newYorkNine.toISOString()],
      [unknown]: ['send_window', utcNine.toISOString()],
    });
    expect((await report(engine, campaignId)).waiting).toEqual([{ reason: 'send_window', count: 3, nextAttemptAt: berlinNine.toISOString() }]);

    await pollAt(engine, berlinNine);
    expect([berlin, newYork, unknown].map(sent)).toEqual([1, 0, 0]);
    await pollAt(engine, utcNine);
    expect([berlin, newYork, unknown].map(sent)).toEqual([1, 0, 1]);
    await pollAt(engine, new Date(newYorkNine.getTime() - minute));
    expect([berlin, newYork, unknown].map(sent)).toEqual([1, 0, 1]);
    await pollAt(engine, newYorkNine);
    expect([berlin, newYork, unknown].map(sent)).toEqual([1, 1, 1]);
  });

  it.each([
    ['09:00', '20:00', 'Europe/Berlin', '2026-06-01T06:59:00Z'],
    ['09:00', '20:00', 'Europe/Berlin', '2026-06-01T07:00:00Z'],
    ['09:00', '20:00', 'Europe/Berlin', '2026-06-01T18:00:00Z'],
    ['09:00', '20:00', 'Europe/Berlin', '2026-03-28T20:00:00Z'],
    ['09:00', '20:00', 'Europe/Berlin', '2026-10-24T19:00:00Z'],
    ['22:00', '06:00', 'Europe/Berlin', '2026-06-01T10:00:00Z'],
    ['22:00', '06:00', 'Europe/Berlin', '2026-06-01T01:00:00Z'],
    ['09:00', '10:00', 'America/New_York', '2026-12-02T13:59:00Z'],
    ['09:00', '10:00', 'Asia/Kolkata', '2026-12-02T03:29:00Z'],
  ])('the SQL window rule agrees with the TypeScript one: %s–%s %s at %s', async (start, end, zone, now) => {
    const window = { start, end, timezone: zone };
    const sql = recipientWindowSql('d.w', 'd.z', 'd.n');
    const [row] = (await engine.dataSource.query(
      `SELECT ${sql.inside} AS inside, ${sql.opensAt} AS opens_at FROM (SELECT $1::jsonb AS w, $2::text AS z, $3::timestamptz AS n) d`,
      [JSON.stringify(window), zone, now],
    )) as Array<{ inside: boolean; opens_at: Date }>;
    expect(row.inside).toBe(isInsideWindow(new Date(now), window));
    expect(row.opens_at.toISOString()).toBe(nextWindowOpening(new Date(now), window).toISOString());
  });

  it.each([
    [{ sendWindow: { start: '09:00', end: '10:00', timezone: 'recipient' } }, /sendWindow.fallbackTimezone is required with timezone "recipient"/],
    [{ sendWindow: { start: '09:00', end: '10:00', timezone: 'UTC', fallbackTimezone: 'UTC' } }, /fallbackTimezone applies only with timezone "recipient"/],
    [{ sendWindow: { start: '09:00', end: '10:00', timezone: 'recipient', fallbackTimezone: 'Mars/Base' } }, /fallbackTimezone must be an IANA time zone/],
    [{ frequencyCap: { max: 0, hours: 24 } }, /frequencyCap.max must be a whole number from 1 to 100/],
    [{ frequencyCap: { max: 1, hours: 1000 } }, /frequencyCap.hours must be a whole number of hours from 1 to 720/],
  ])('400 for %j', async (extra, message) => {
    const channelId = await channelAt(engine, sandbox);
    const { listId } = await seedList(engine.dataSource, `bad input ${JSON.stringify(extra)}`, [{ phone: phones(1, 9000)[0] }]);
    const response = await request(engine.url).post('/v1/campaigns').set(engine.auth).send({ name: 'Bad', channelId, listId, template, ...extra }).expect(400);
    expect((response.body as { message: string }).message).toMatch(message);
  });

  it('the OpenAPI document names the new options, with examples, and the new waiting reason', async () => {
    const docs = (await request(engine.url).get('/docs-json').expect(200)).body as { components: { schemas: Record<string, { properties: Record<string, Record<string, unknown>> }> } };
    const schemas = docs.components.schemas;
    expect(schemas.SendWindowDto.properties.fallbackTimezone).toMatchObject({ example: 'Europe/Berlin' });
    expect(String(schemas.SendWindowDto.properties.timezone.description)).toMatch(/"recipient"/);
    expect(schemas.CreateCampaignDto.properties.frequencyCap).toMatchObject({ example: { max: 1, hours: 24 } });
    expect(schemas.UpdateCampaignDto.properties.frequencyCap).toBeDefined();
    expect(schemas.FrequencyCapDto.properties.max).toMatchObject({ example: 1 });
    expect(schemas.WaitingGroupDto.properties.reason.enum).toEqual(expect.arrayContaining(['send_window', 'messaging_limit', 'frequency_cap']));
  });

  it('frequencyCap and a recipient-local sendWindow are stored, shown, and changed or removed by PATCH', async () => {
    const channelId = await channelAt(engine, sandbox);
    const { listId } = await seedList(engine.dataSource, 'patch cap', [{ phone: phones(1, 9100)[0] }]);
    const sendWindow = { start: '09:00', end: '18:00', timezone: 'recipient', fallbackTimezone: 'Europe/Paris' };
    const created = await request(engine.url)
      .post('/v1/campaigns')
      .set(engine.auth)
      .send({ name: 'Draft', channelId, listId, template, sendWindow, frequencyCap: { max: 2, hours: 48 } })
      .expect(201);
    expect(created.body).toMatchObject({ sendWindow, frequencyCap: { max: 2, hours: 48 } });
    const patched = await request(engine.url).patch(`/v1/campaigns/${created.body.id}`).set(engine.auth).send({ frequencyCap: null }).expect(200);
    expect(patched.body.frequencyCap).toBeNull();
    await request(engine.url).patch(`/v1/campaigns/${created.body.id}`).set(engine.auth).send({ frequencyCap: { max: 1, hours: 0 } }).expect(400);
  });

  it('the frequency ledger is pruned of rows older than the longest cap (720 h), and keeps the rest', async () => {
    const list = await seedList(engine.dataSource, 'prune', phones(2, 9200).map((phone) => ({ phone })));
    const campaignId = await launchCampaign(engine, { channelId: await channelAt(engine, sandbox), listId: list.listId });
    const rows = (await engine.dataSource.query('SELECT id, contact_id FROM campaign_recipients WHERE campaign_id = $1 ORDER BY id', [campaignId])) as Array<{
      id: string;
      contact_id: string;
    }>;
    await engine.dataSource.query(
      `INSERT INTO frequency_ledger (recipient_id, contact_id, counted_at) VALUES ($1, $2, now() - interval '721 hours'), ($3, $4, now() - interval '700 hours')`,
      [rows[0].id, rows[0].contact_id, rows[1].id, rows[1].contact_id],
    );
    expect(await engine.app.get(RecipientsRepository).pruneFrequencyLedger()).toBeGreaterThanOrEqual(1);
    const left = (await engine.dataSource.query('SELECT recipient_id FROM frequency_ledger WHERE recipient_id = ANY($1::bigint[])', [rows.map((row) => row.id)])) as Array<{
      recipient_id: string;
    }>;
    expect(left.map((row) => row.recipient_id)).toEqual([rows[1].id]);
    await engine.dataSource.query(`UPDATE campaign_recipients SET status = 'cancelled' WHERE campaign_id = $1`, [campaignId]);
  });

  // Issue 18: right after a launch the statistics are stale (autovacuum has not run yet): joined on
  // `r.id = v.id` alone, the outcome writes hashed their batch and read the whole table (30–50 ms per
  // 1,000 outcomes at 40,000 rows, growing with the table), and the claim read every pending row of the
  // due index to find the ones it had just locked.
  it('outcome writes and the claim probe the primary key for a batch of 1,000 among 20,000 fresh rows', async () => {
    const list = await seedList(engine.dataSource, 'plans', [{ phone: '+4915700000001' }]);
    const channelId = await channelAt(engine, sandbox);
    const campaignId = await launchCampaign(engine, { channelId, listId: list.listId });
    // In a transaction rolled back at the end: the rows never reach the other tests, and no ANALYZE has seen them.
    const runner = engine.dataSource.createQueryRunner();
    await runner.startTransaction();
    try {
      await runner.query(
        `INSERT INTO campaign_recipients (campaign_id, channel_id, contact_id, phone, wa_id, status, next_attempt_at)
         SELECT $1, $2, 900000000 + g, '+49158' || g, '49158' || g, 'pending', now() FROM generate_series(1, 20000) g`,
        [campaignId, channelId],
      );
      const rows: Array<{ id: string }> = await runner.query(`SELECT id FROM campaign_recipients WHERE campaign_id = $1 ORDER BY id DESC LIMIT 1000`, [campaignId]);
      const ids = rows.map((row) => row.id);
      const claims = ids.map(() => randomUUID());
      const many = <T>(value: T) => ids.map(() => value);
      // As claimForSending and recordSendOutcomes run them: after BY_ID_PLAN_SETTINGS.
      const statements: Array<[string, string, unknown[]]> = [
        ['claim', CLAIM_PICKED, [ids, 60, randomUUID(), new Date(), [campaignId], [null], [null], [true], null, [null], 3600]],
        ['accepted', RECORD_ACCEPTED, [ids, ids.map((id) => `wamid.${id}`), many(new Date().toISOString())]],
        ['failed', RECORD_FAILED, [ids, claims, many(131026), many('undeliverable')]],
        ['requeued', REQUEUE, [ids, claims, many(1000), many(0), many('retry'), many(null), many(null)]],
        ['unknown', RECORD_UNKNOWN, [ids, claims, many('no answer')]],
      ];
      await runner.query(BY_ID_PLAN_SETTINGS);
      for (const [name, sql, parameters] of statements) {
        const plan: Array<{ 'QUERY PLAN': string }> = await runner.query(`EXPLAIN ${sql}`, parameters);
        const text = plan.map((line) => line['QUERY PLAN']).join('\n');
        expect({ name, seqScan: /Seq Scan on campaign_recipients/.test(text), dueIndex: text.includes('ix_campaign_recipients_due') }).toEqual({
          name,
          seqScan: false,
          dueIndex: false,
        });
      }
    } finally {
      await runner.rollbackTransaction();
      await runner.release();
    }
    await engine.dataSource.query(`UPDATE campaign_recipients SET status = 'cancelled' WHERE campaign_id = $1`, [campaignId]);
  });

  // The test above pins the plans under BY_ID_PLAN_SETTINGS; this one, that the repository sends it.
  it('the repository runs the claim decision and the outcome writes under BY_ID_PLAN_SETTINGS, and sets it back after', async () => {
    const list = await seedList(engine.dataSource, 'plan settings', [{ phone: '+4915700000002' }, { phone: '+4915700000003' }]);
    const channelId = await channelAt(engine, sandbox);
    const campaignId = await launchCampaign(engine, { channelId, listId: list.listId });
    const recipients = engine.app.get(RecipientsRepository);
    const runner = engine.dataSource.createQueryRunner();
    await runner.startTransaction();
    const sent: string[] = [];
    const query = runner.query.bind(runner);
    runner.query = ((sql: string, ...rest: unknown[]) => {
      sent.push(sql);
      return (query as (...args: unknown[]) => Promise<unknown>)(sql, ...rest);
    }) as typeof runner.query;
    try {
      const campaigns = [{ id: campaignId, marketing: false, frequencyCap: null }];
      const claim = { campaigns, limit: 10, leaseSeconds: 60, claimId: randomUUID(), now: new Date(), budget: null };
      const { claimed } = await recipients.claimForSending(claim, runner.manager);
      expect(claimed.map((row) => row.status)).toEqual(['sending', 'sending']);
      const accepted = claimed.map((row) => ({ id: row.id, messageId: `wamid.settings.${row.id}`, sentAt: new Date() }));
      await recipients.recordSendOutcomes({ accepted, failed: [], requeued: [], unknown: [] }, runner.manager);
      const around = (statement: string) => sent.slice(sent.indexOf(statement) - 1, sent.indexOf(statement) + 2);
      expect(around(CLAIM_PICKED)).toEqual([BY_ID_PLAN_SETTINGS, CLAIM_PICKED, BY_ID_PLAN_DEFAULTS]);
      expect(around(RECORD_ACCEPTED)).toEqual([BY_ID_PLAN_SETTINGS, RECORD_ACCEPTED, BY_ID_PLAN_DEFAULTS]);
      // Set back within the caller's transaction: what it runs next plans with the defaults.
      expect((await runner.query(`SELECT current_setting('enable_seqscan') AS value`))[0].value).toBe('on');
    } finally {
      await runner.rollbackTransaction();
      await runner.release();
    }
    await engine.dataSource.query(`UPDATE campaign_recipients SET status = 'cancelled' WHERE campaign_id = $1`, [campaignId]);
  });
});
