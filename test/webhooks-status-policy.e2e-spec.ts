import { createTestApp, type TestApp } from './app.js';
import { type ChannelFixture, countersAndTruth, drained, insertCampaign, insertChannel, insertRecipient, recipient, waitFor } from './webhooks-fixtures.js';

const T0 = 1_767_000_000;
const PMP = (category: string, billable = true) => ({ billable, pricing_model: 'PMP', category, type: 'regular' });

/** Issue 13 on the status path: pricing once per message, statuses beyond the four, user ids, errors with a policy. */
describe('webhooks: issue 13 status fields and error policy', () => {
  let engine: TestApp;
  let channel: ChannelFixture;
  let campaignId: string;

  beforeAll(async () => {
    engine = await createTestApp();
    channel = await insertChannel(engine.dataSource);
    campaignId = await insertCampaign(engine.dataSource, channel.id);
  });
  afterAll(() => engine.close());

  const db = () => engine.dataSource;

  async function postStatuses(statuses: Array<Record<string, unknown>>): Promise<void> {
    const body = {
      object: 'whatsapp_business_account',
      entry: [{ id: 'WABA', changes: [{ field: 'messages', value: { messaging_product: 'whatsapp', statuses } }] }],
    };
    const response = await fetch(`${engine.url}/webhooks/360dialog/${channel.id}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: channel.authorization },
      body: JSON.stringify(body),
    });
    expect(response.status).toBe(200);
    await drained(db(), channel.id);
  }

  const row = async (id: string) =>
    ((await db().query(
      `SELECT status, message_id, pricing_category, pricing_model, pricing_type, billable, user_id, waiting_reason, next_attempt_at, error_code
       FROM campaign_recipients WHERE id = $1`,
      [id],
    )) as Array<Record<string, unknown>>)[0];

  it('stores pricing once per message: the first status carrying it wins, whether sent, delivered and read come together or apart', async () => {
    const together = await insertRecipient(db(), campaignId, channel.id);
    const apart = await insertRecipient(db(), campaignId, channel.id);
    await postStatuses([
      { id: together.messageId, status: 'read', timestamp: String(T0 + 3), recipient_id: together.waId, pricing: PMP('utility') },
      { id: together.messageId, status: 'sent', timestamp: String(T0 + 1), recipient_id: together.waId, pricing: PMP('marketing') },
      { id: together.messageId, status: 'delivered', timestamp: String(T0 + 2), recipient_id: together.waId, pricing: PMP('service') },
    ]);
    expect(await row(together.id)).toMatchObject({ status: 'read', pricing_category: 'marketing', pricing_model: 'PMP', pricing_type: 'regular', billable: true });

    await postStatuses([{ id: apart.messageId, status: 'sent', timestamp: String(T0 + 1), recipient_id: apart.waId, pricing: PMP('marketing') }]);
    await postStatuses([{ id: apart.messageId, status: 'delivered', timestamp: String(T0 + 2), recipient_id: apart.waId, pricing: PMP('utility', false) }]);
    await postStatuses([{ id: apart.messageId, status: 'read', timestamp: String(T0 + 3), recipient_id: apart.waId, pricing: PMP('authentication') }]);
    expect(await row(apart.id)).toMatchObject({ status: 'read', pricing_category: 'marketing', billable: true });
    const { counters, truth } = await countersAndTruth(db(), campaignId);
    expect(counters).toEqual(truth);
  });

  it('accepts played, deleted, warning and group recipients without moving or failing anyone; ids need no wamid. prefix', async () => {
    const sent = await insertRecipient(db(), campaignId, channel.id, { messageId: 'gBEGkYiEB1VXAglK1ZEqA1YKPrU' });
    const delivered = await insertRecipient(db(), campaignId, channel.id, { messageId: 'opaque-0042' });
    await postStatuses([{ id: delivered.messageId, status: 'delivered', timestamp: String(T0), recipient_id: delivered.waId }]);
    await postStatuses([
      { id: sent.messageId, status: 'played', timestamp: String(T0 + 5), recipient_id: sent.waId },
      { id: sent.messageId, status: 'warning', timestamp: String(T0 + 6), recipient_id: sent.waId },
      { id: delivered.messageId, status: 'deleted', timestamp: String(T0 + 7), recipient_id: '120363040000000000@g.us', recipient_type: 'group' },
    ]);
    expect(await row(sent.id)).toMatchObject({ status: 'sent', error_code: null });
    expect(await row(delivered.id)).toMatchObject({ status: 'delivered', error_code: null });
    const history: Array<{ status: string }> = await db().query(`SELECT status FROM message_events WHERE message_id = ANY($1) ORDER BY status`, [
      [sent.messageId, delivered.messageId],
    ]);
    expect(history.map((event) => event.status)).toEqual(['deleted', 'delivered', 'played', 'warning']);
  });

  it('stores the business-scoped user id on the recipient and the contact', async () => {
    const target = await insertRecipient(db(), campaignId, channel.id);
    const other = await insertRecipient(db(), campaignId, channel.id);
    await postStatuses([
      { id: target.messageId, status: 'delivered', timestamp: String(T0), recipient_id: target.waId, recipient_user_id: 'DE.1234567890abcdef' },
      { id: other.messageId, status: 'sent', timestamp: String(T0), recipient_id: other.waId, user_id: 'DE.fedcba' },
    ]);
    expect(await row(target.id)).toMatchObject({ status: 'delivered', user_id: 'DE.1234567890abcdef' });
    expect(await row(other.id)).toMatchObject({ user_id: 'DE.fedcba' });
    const contacts: Array<{ id: string; user_id: string }> = await db().query(`SELECT id::text AS id, user_id FROM contacts WHERE id = ANY($1::bigint[]) ORDER BY id`, [
      [target.contactId, other.contactId],
    ]);
    expect(Object.fromEntries(contacts.map((contact) => [contact.id, contact.user_id]))).toEqual({ [target.contactId]: 'DE.1234567890abcdef', [other.contactId]: 'DE.fedcba' });
  });

  it('131050 on a failed status fails the recipient and opts the contact out of marketing with a consent event', async () => {
    const target = await insertRecipient(db(), campaignId, channel.id);
    await postStatuses([
      { id: target.messageId, status: 'failed', timestamp: String(T0 + 1), recipient_id: target.waId, errors: [{ code: 131050, title: 'User stopped marketing messages' }] },
    ]);
    expect(await row(target.id)).toMatchObject({ status: 'failed', error_code: 131050 });
    const [contact] = await db().query(`SELECT marketing_opted_out_at, opted_out_at FROM contacts WHERE id = $1`, [target.contactId]);
    expect(contact.marketing_opted_out_at).not.toBeNull();
    expect(contact.opted_out_at).toBeNull();
    const consent: Array<{ kind: string; source: string; proof: string }> = await db().query(`SELECT kind, source, proof FROM consent_events WHERE contact_id = $1`, [
      target.contactId,
    ]);
    expect(consent).toEqual([expect.objectContaining({ kind: 'marketing_opt_out', source: 'whatsapp_error_131050' })]);
    expect(consent[0].proof).toContain(target.messageId!);
  });

  it('131055 on a failed status pauses the channel\'s marketing campaigns (A/B tests with a marketing variant too), as in the send answer (integration)', async () => {
    const mm = await insertChannel(db());
    // Created paused, given a recipient that is not due, then running: the scheduler never finds them finished.
    const [met, otherMarketing, abTest, utility] = [
      await insertCampaign(db(), mm.id, 'paused'),
      await insertCampaign(db(), mm.id, 'paused'),
      await insertCampaign(db(), mm.id, 'paused'),
      await insertCampaign(db(), mm.id, 'paused'),
    ];
    const other = await insertChannel(db());
    const elsewhere = await insertCampaign(db(), other.id, 'paused');
    for (const [id, channelId] of [[met, mm.id], [otherMarketing, mm.id], [abTest, mm.id], [utility, mm.id], [elsewhere, other.id]]) {
      const waiting = await insertRecipient(db(), id, channelId, { status: 'pending', messageId: null, sentAt: null });
      await db().query(`UPDATE campaign_recipients SET next_attempt_at = now() + interval '1 year' WHERE id = $1`, [waiting.id]);
    }
    await db().query(`UPDATE campaigns SET status = CASE WHEN id = $2 THEN 'scheduled' ELSE 'running' END WHERE id = ANY($1)`, [
      [met, otherMarketing, abTest, utility, elsewhere],
      otherMarketing,
    ]);
    await db().query(
      `INSERT INTO templates (channel_id, name, language, status, category, synced_at)
       VALUES ($1, 't', 'en', 'APPROVED', 'MARKETING', now()), ($1, 'u', 'en', 'APPROVED', 'UTILITY', now()), ($2, 't', 'en', 'APPROVED', 'MARKETING', now())`,
      [mm.id, other.id],
    );
    await db().query(`UPDATE campaigns SET template = '{"name":"u","language":"en","components":[]}' WHERE id = ANY($1)`, [[utility, abTest]]);
    await db().query(
      `UPDATE campaigns SET variants = '[{"name":"A","weight":50,"template":{"name":"u","language":"en","components":[]}},{"name":"B","weight":50,"template":{"name":"t","language":"en","components":[]}}]' WHERE id = $1`,
      [abTest],
    );
    const target = await insertRecipient(db(), met, mm.id);
    const body = {
      object: 'whatsapp_business_account',
      entry: [{ id: 'WABA', changes: [{ field: 'messages', value: { messaging_product: 'whatsapp', statuses: [
        { id: target.messageId, status: 'failed', timestamp: String(T0 + 1), recipient_id: target.waId, errors: [{ code: 131055, title: 'Not eligible for the Marketing Messages API' }] },
      ] } }] }],
    };
    // The channel was inserted in SQL: the receiver's credential cache learns it on a miss at most once a second
    // (a 404 stores nothing, so posting again is safe).
    const post = () =>
      fetch(`${engine.url}/webhooks/360dialog/${mm.id}`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: mm.authorization }, body: JSON.stringify(body) });
    const response = await waitFor(post, (answer) => answer.status !== 404, 5_000);
    expect(response.status).toBe(200);
    await drained(db(), mm.id);
    expect(await row(target.id)).toMatchObject({ status: 'failed', error_code: 131055 });
    const campaigns: Array<{ id: string; status: string; paused_reason: string | null }> = await db().query(
      'SELECT id, status, paused_reason FROM campaigns WHERE id = ANY($1)',
      [[met, otherMarketing, abTest, utility, elsewhere]],
    );
    const byId = new Map(campaigns.map((campaign) => [campaign.id, campaign]));
    for (const id of [met, otherMarketing, abTest]) {
      expect(byId.get(id)).toMatchObject({ status: 'paused', paused_reason: expect.stringMatching(/^the Marketing Messages API refused to send \(status webhook: 131055 Not eligible.*marketingMessagesFallback/) });
    }
    expect(byId.get(utility)).toMatchObject({ status: 'running', paused_reason: null });
    expect(byId.get(elsewhere)).toMatchObject({ status: 'running', paused_reason: null });
  });

  it('131049 on a failed status is not final: the recipient waits a day for a retry (a completed campaign runs again); 130472 just fails', async () => {
    const completed = await insertCampaign(db(), channel.id, 'completed');
    await db().query(`UPDATE campaigns SET scheduled_at = now(), completed_at = now() WHERE id = $1`, [completed]);
    const limited = await insertRecipient(db(), completed, channel.id);
    const experiment = await insertRecipient(db(), completed, channel.id);
    const failedAt = Math.floor(Date.now() / 1000);
    await postStatuses([
      { id: limited.messageId, status: 'failed', timestamp: String(failedAt), recipient_id: limited.waId, errors: [{ code: 131049, title: 'healthy ecosystem' }] },
      { id: experiment.messageId, status: 'failed', timestamp: String(failedAt), recipient_id: experiment.waId, errors: [{ code: 130472, title: 'experiment' }] },
    ]);
    const waiting = await row(limited.id);
    expect(waiting).toMatchObject({ status: 'pending', waiting_reason: 'marketing_limit', error_code: 131049, message_id: null });
    expect(new Date(waiting.next_attempt_at as string).getTime()).toBe((failedAt + 24 * 3600) * 1000);
    expect(await row(experiment.id)).toMatchObject({ status: 'failed', error_code: 130472 });
    const [campaign] = await db().query(`SELECT status, completed_at FROM campaigns WHERE id = $1`, [completed]);
    expect(campaign).toEqual({ status: 'running', completed_at: null });
    expect((await recipient(db(), experiment.id)).failed_at).not.toBeNull();
    const { counters, truth } = await countersAndTruth(db(), completed);
    expect(counters).toEqual(truth);
  });

  it('131049 on a failed status past the retries, when the retry would fall after validUntil, or in a cancelled campaign, stays failed', async () => {
    const campaign = await insertCampaign(db(), channel.id);
    await db().query(`UPDATE campaigns SET scheduled_at = now(), valid_until = now() + interval '2 hours' WHERE id = $1`, [campaign]);
    const late = await insertRecipient(db(), campaign, channel.id);
    const usedUp = await insertRecipient(db(), campaign, channel.id);
    const cancelledCampaign = await insertCampaign(db(), channel.id, 'cancelled');
    const cancelled = await insertRecipient(db(), cancelledCampaign, channel.id);
    // Two sends refused already (MARKETING_LIMIT_MAX_RETRIES = 2 retries used).
    await db().query(`UPDATE campaign_recipients SET attempts = 3 WHERE id = $1`, [usedUp.id]);
    const now = Math.floor(Date.now() / 1000);
    await postStatuses([
      { id: late.messageId, status: 'failed', timestamp: String(now), recipient_id: late.waId, errors: [{ code: 131049, title: 'limit' }] },
      { id: usedUp.messageId, status: 'failed', timestamp: String(now), recipient_id: usedUp.waId, errors: [{ code: 131049, title: 'limit' }] },
      { id: cancelled.messageId, status: 'failed', timestamp: String(now), recipient_id: cancelled.waId, errors: [{ code: 131049, title: 'limit' }] },
    ]);
    expect(await row(cancelled.id)).toMatchObject({ status: 'failed', error_code: 131049 });
    expect(await row(late.id)).toMatchObject({ status: 'failed', error_code: 131049, waiting_reason: null });
    expect(await row(usedUp.id)).toMatchObject({ status: 'failed', error_code: 131049 });
  });
});
