import { createHmac } from 'node:crypto';
import request from 'supertest';
import { erasureKey } from '../src/contacts/phone-hash.js';
import { ConversationsRepository } from '../src/sender/conversations.repository.js';
import { RetentionWorker } from '../src/webhooks/retention.worker.js';
import { createTestApp, type TestApp } from './app.js';
import { contactByPhone, germanMobile, importCsv } from './contacts-helpers.js';
import { createCampaignFixture, groundTruth } from './report-fixtures.js';

/** Issue 15: editing and erasing a contact, and the retention of webhook bodies and message events. */
describe('contacts: edit, erase; retention', () => {
  let engine: TestApp;

  beforeAll(async () => {
    engine = await createTestApp({ env: { SENDER_ENABLED: 'false', RETENTION_BATCH_SIZE: '2' } });
  });
  afterAll(async () => {
    await engine?.close();
  });

  describe('PATCH /v1/contacts/:id', () => {
    it('changes names, language and attributes (merged; null removes a key) and nothing else', async () => {
      await importCsv(engine, `phone,first_name,last_name,plan,city\n${germanMobile(501)},Anna,Alt,silver,Köln\n`);
      const before = await contactByPhone(engine, germanMobile(501));
      const { body } = await request(engine.url)
        .patch(`/v1/contacts/${before.id}`)
        .set(engine.auth)
        .send({ firstName: 'Anne', lastName: null, language: 'de_DE', attributes: { plan: 'gold', city: null, größe: 'L' } })
        .expect(200);
      expect(body).toMatchObject({
        id: before.id,
        phone: germanMobile(501),
        firstName: 'Anne',
        lastName: null,
        language: 'de_DE',
        attributes: { plan: 'gold', größe: 'L' },
        optedIn: true,
        optedInAt: before.optedInAt,
      });
      expect(body.attributes).not.toHaveProperty('city');
      // Only what is given changes.
      const again = await request(engine.url).patch(`/v1/contacts/${before.id}`).set(engine.auth).send({ language: '' }).expect(200);
      expect(again.body).toMatchObject({ firstName: 'Anne', language: null, attributes: { plan: 'gold', größe: 'L' } });
    });

    it.each([
      [{}, 400, /^Nothing to change: give firstName, lastName, language or attributes$/],
      [{ language: 'German!' }, 400, /language must be a language code such as de, en_US or pt-BR/],
      [{ firstName: 'x'.repeat(201) }, 400, /firstName must be shorter than or equal to 200 characters/],
      [{ attributes: { 'a b': 'x' } }, 400, /^attributes: the key "a b" must be 1-64 letters, digits or _$/],
      [{ attributes: { plan: 7 } }, 400, /^attributes\.plan must be a string, or null to remove it$/],
      [{ attributes: 'gold' }, 400, /attributes must be an object/],
      [{ phone: '+4915100000000' }, 400, /property phone should not exist/],
    ])('refuses %j with %d naming what to fix', async (patch, status, message) => {
      const contact = await contactByPhone(engine, germanMobile(501));
      const response = await request(engine.url).patch(`/v1/contacts/${contact.id}`).set(engine.auth).send(patch).expect(status);
      const text = Array.isArray(response.body.message) ? response.body.message.join('; ') : String(response.body.message);
      expect(text).toMatch(new RegExp(message.source.replace(/^\^|\$$/g, '')));
    });

    it('answers 404 for an unknown id, 400 naming the id for a malformed one, and 401 without the token', async () => {
      await request(engine.url).patch('/v1/contacts/999999999').set(engine.auth).send({ firstName: 'X' }).expect(404);
      const malformed = await request(engine.url).patch('/v1/contacts/not-an-id').set(engine.auth).send({ firstName: 'X' }).expect(400);
      expect(malformed.body.message).toMatch(/id/);
      await request(engine.url).patch('/v1/contacts/1').send({ firstName: 'X' }).expect(401);
      await request(engine.url).delete('/v1/contacts/1').expect(401);
    });
  });

  describe('DELETE /v1/contacts/:id', () => {
    async function hashOf(phone: string): Promise<Buffer> {
      return createHmac('sha256', erasureKey(engine.config.encryptionKey)).update(phone).digest();
    }

    it("erases the contact, its history and memberships, and its recipients' personal fields; counts still add up", async () => {
      const fixture = await createCampaignFixture(engine.dataSource, { recipients: 3, status: 'paused' });
      const recipients: Array<{ id: string; contact_id: string }> = await engine.dataSource.query(
        `SELECT id, contact_id FROM campaign_recipients WHERE campaign_id = $1 ORDER BY id`,
        [fixture.campaignId],
      );
      // The first was delivered (history stays), the second not sent yet (skipped once erased).
      await engine.dataSource.query(
        `UPDATE campaign_recipients SET status = 'delivered', message_id = 'wamid.erase', sent_at = now(), delivered_at = now(),
           components = '[{"type":"body","parameters":[{"type":"text","text":"First1"}]}]', user_id = 'US.1' WHERE id = $1`,
        [recipients[0].id],
      );
      // The first answered with a text and tapped a button; the third (not erased) answered too.
      const reply = (recipientId: string, messageId: string, text: string, button: string | null) =>
        engine.dataSource.query(
          `INSERT INTO campaign_replies (campaign_id, recipient_id, channel_id, message_id, wa_id, phone, type, text, button_kind, button_payload, button_text, attribution, received_at)
           SELECT campaign_id, id, channel_id, $2, wa_id, phone, $4, $3, CASE WHEN $5::text IS NOT NULL THEN 'quick_reply' END, $5, $5, 'context', now()
           FROM campaign_recipients WHERE id = $1`,
          [recipientId, messageId, text, button ? 'button' : 'text', button],
        );
      await reply(recipients[0].id, 'wamid.in.1', 'Call me on +4915199999999', null);
      await reply(recipients[0].id, 'wamid.in.2', 'YES', 'YES');
      await reply(recipients[2].id, 'wamid.in.3', 'Stays', null);
      for (const recipient of recipients.slice(0, 2)) {
        await request(engine.url).delete(`/v1/contacts/${recipient.contact_id}`).set(engine.auth).expect(204);
      }
      const rows = await engine.dataSource.query(
        `SELECT phone, wa_id, components, user_id, status, skip_reason, message_id FROM campaign_recipients WHERE campaign_id = $1 ORDER BY id`,
        [fixture.campaignId],
      );
      expect(rows[0]).toEqual({ phone: '', wa_id: '', components: null, user_id: null, status: 'delivered', skip_reason: null, message_id: 'wamid.erase' });
      expect(rows[1]).toEqual({ phone: '', wa_id: '', components: null, user_id: null, status: 'skipped', skip_reason: 'contact_erased', message_id: null });
      expect(rows[2]).toMatchObject({ status: 'pending', skip_reason: null });
      expect(rows[2].phone).not.toBe('');
      // Replies (integration): phone, WhatsApp id and text go; the row, the tapped button and the time stay.
      const replies = await engine.dataSource.query(
        `SELECT message_id, phone, wa_id, text, type, button_payload, button_text FROM campaign_replies WHERE campaign_id = $1 ORDER BY message_id`,
        [fixture.campaignId],
      );
      expect(replies.slice(0, 2)).toEqual([
        { message_id: 'wamid.in.1', phone: '', wa_id: '', text: null, type: 'text', button_payload: null, button_text: null },
        { message_id: 'wamid.in.2', phone: '', wa_id: '', text: null, type: 'button', button_payload: 'YES', button_text: 'YES' },
      ]);
      expect(replies[2]).toMatchObject({ message_id: 'wamid.in.3', text: 'Stays' });
      expect(replies[2].phone).not.toBe('');
      const ids = recipients.slice(0, 2).map((recipient) => recipient.contact_id);
      const [left] = await engine.dataSource.query(
        `SELECT (SELECT count(*) FROM contacts WHERE id = ANY($1::bigint[]))::int AS contacts,
                (SELECT count(*) FROM list_members WHERE contact_id = ANY($1::bigint[]))::int AS members,
                (SELECT count(*) FROM consent_history WHERE contact_id = ANY($1::bigint[]))::int AS events,
                (SELECT count(*) FROM contact_erasures)::int AS erasures`,
        [ids],
      );
      expect(left).toEqual({ contacts: 0, members: 0, events: 0, erasures: 0 }); // neither had opted out: nothing kept
      const report = await request(engine.url).get(`/v1/campaigns/${fixture.campaignId}/report`).set(engine.auth).expect(200);
      const truth = await groundTruth(engine.dataSource, fixture.campaignId);
      expect(truth.counts).toMatchObject({ delivered: 1, skipped: 1, pending: 1 });
      expect(report.body.counts).toMatchObject({ delivered: 1, skipped: 1, pending: 1 });
      await request(engine.url).get(`/v1/contacts/${ids[0]}`).set(engine.auth).expect(404);
      await request(engine.url).delete(`/v1/contacts/${ids[0]}`).set(engine.auth).expect(404);
    });

    it('keeps an opted-out person opted out when their number is imported again, and only them', async () => {
      const optedOut = germanMobile(601);
      const optedIn = germanMobile(602);
      await importCsv(engine, `phone,first_name\n${optedOut},Olga\n${optedIn},Ivan\n`);
      const olga = await contactByPhone(engine, optedOut);
      const ivan = await contactByPhone(engine, optedIn);
      await request(engine.url).post(`/v1/contacts/${olga.id}/opt-out`).set(engine.auth).send({ reason: 'asked us' }).expect(200);
      await request(engine.url).delete(`/v1/contacts/${olga.id}`).set(engine.auth).expect(204);
      await request(engine.url).delete(`/v1/contacts/${ivan.id}`).set(engine.auth).expect(204);

      const kept: Array<{ phone_hash: Buffer; opted_out_at: Date | null }> = await engine.dataSource.query(`SELECT phone_hash, opted_out_at FROM contact_erasures`);
      expect(kept).toHaveLength(1);
      expect(kept[0].phone_hash.equals(await hashOf(optedOut))).toBe(true); // the keyed hash, never the number
      expect(kept[0].opted_out_at).not.toBeNull();

      const status = await importCsv(engine, `phone,first_name\n${optedOut},Olga\n${optedIn},Ivan\n${germanMobile(603)},New\n`, { list: 'Again' });
      expect(status).toMatchObject({ status: 'completed', totalRows: 3, imported: 3, updated: 0, optedOut: 1 });
      const again = await request(engine.url).get(`/v1/contacts/${(await contactByPhone(engine, optedOut)).id}`).set(engine.auth).expect(200);
      expect(again.body).toMatchObject({ optedIn: false, optedOutAt: new Date(kept[0].opted_out_at!).toISOString(), optOutReason: 'opted out before the contact was erased' });
      expect(again.body.consentHistory.map((event: { kind: string; source: string }) => `${event.kind}:${event.source}`)).toEqual(
        expect.arrayContaining(['opt_in:import', 'opt_out:erasure_registry']),
      );
      expect(await contactByPhone(engine, optedIn)).toMatchObject({ optedIn: true, optedOutAt: null });
    });
  });

  it('documents PATCH and DELETE /v1/contacts/{id} and the import 422 in the OpenAPI document', async () => {
    const { body } = await request(engine.url).get('/docs-json').expect(200);
    const contact = body.paths['/v1/contacts/{id}'];
    expect(Object.keys(contact)).toEqual(expect.arrayContaining(['get', 'patch', 'delete']));
    expect(contact.delete.responses).toHaveProperty('204');
    expect(contact.patch.responses).toEqual(expect.objectContaining({ '200': expect.anything(), '400': expect.anything(), '409': expect.anything() }));
    expect(body.components.schemas.UpdateContactBody.properties.attributes.example).toEqual({ plan: 'gold', city: 'Berlin', old_key: null });
    expect(body.paths['/v1/contacts/imports'].post.responses).toHaveProperty('422');
  });

  describe('retention', () => {
    it('the sender drops messaging-limit conversations (WhatsApp ids) 24 h after they opened, keeping the open window (integration)', async () => {
      const { channelId } = await createCampaignFixture(engine.dataSource, { recipients: 0 });
      await engine.dataSource.query(
        `INSERT INTO channel_conversations (channel_id, wa_id, started_at) VALUES
           ($1, '4915100000901', now() - interval '25 hours'), ($1, '4915100000902', now() - interval '24 hours 1 minute'),
           ($1, '4915100000903', now() - interval '23 hours'), ($1, '4915100000904', now())`,
        [channelId],
      );
      const conversations = engine.app.get(ConversationsRepository);
      expect(await conversations.pruneExpired(1)).toBe(1);
      expect(await conversations.pruneExpired()).toBe(1);
      expect(await conversations.pruneExpired()).toBe(0);
      const left = await engine.dataSource.query(`SELECT wa_id FROM channel_conversations WHERE channel_id = $1 ORDER BY wa_id`, [channelId]);
      expect(left).toEqual([{ wa_id: '4915100000903' }, { wa_id: '4915100000904' }]);
    });

    const NOW = new Date('2031-06-01T12:00:00Z');
    const daysAgo = (days: number) => new Date(NOW.getTime() - days * 86_400_000);

    it('deletes processed webhook bodies after 30 days and message events after 180, in batches, keeping the rest', async () => {
      const channelId = (await createCampaignFixture(engine.dataSource, { recipients: 0 })).channelId;
      await engine.dataSource.query(`DELETE FROM webhook_inbox`);
      await engine.dataSource.query(`DELETE FROM message_events`);
      const inbox: Array<[string, number]> = [
        ['processed', 45], ['rejected', 40], ['pending', 60], ['parked', 50], ['processed', 35], ['processed', 29], ['processed', 1],
      ];
      for (const [state, age] of inbox) {
        // The pending one is not due (the engine's processor would take it otherwise).
        await engine.dataSource.query(
          `INSERT INTO webhook_inbox (channel_id, body, state, received_at, processed_at, next_attempt_at) VALUES ($1, '{}', $2, $3, $3, now() + interval '1 year')`,
          [
            channelId, state, daysAgo(age),
          ],
        );
      }
      for (const [index, age] of [200, 190, 181, 179, 10].entries()) {
        await engine.dataSource.query(`INSERT INTO message_events (message_id, status, occurred_at, created_at) VALUES ($1, 'sent', $2, $2)`, [`wamid.${index}`, daysAgo(age)]);
      }
      const worker = engine.app.get(RetentionWorker);
      worker.now = () => NOW;
      const runs = [];
      for (let run = 0; run < 4; run++) runs.push(await worker.purgeBatch());
      // RETENTION_BATCH_SIZE=2: never more than two rows per table and run.
      expect(runs).toEqual([
        { inboxBodies: 2, messageEvents: 2 },
        { inboxBodies: 1, messageEvents: 1 },
        { inboxBodies: 0, messageEvents: 0 },
        { inboxBodies: 0, messageEvents: 0 },
      ]);
      const kept = await engine.dataSource.query(`SELECT state, round(extract(epoch FROM $1::timestamptz - received_at) / 86400)::int AS age FROM webhook_inbox ORDER BY id`, [NOW]);
      expect(kept).toEqual([
        { state: 'pending', age: 60 },
        { state: 'parked', age: 50 },
        { state: 'processed', age: 29 },
        { state: 'processed', age: 1 },
      ]);
      const events = await engine.dataSource.query(`SELECT message_id FROM message_events ORDER BY id`);
      expect(events).toEqual([{ message_id: 'wamid.3' }, { message_id: 'wamid.4' }]);
    });
  });
});
