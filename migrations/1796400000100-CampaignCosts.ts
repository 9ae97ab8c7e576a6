import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Hand-written: what a campaign costs, without scanning its recipients (the report stays constant-time).
 * campaign_cost_counters holds, per campaign and first 4 digits of the number (enough for every
 * rate-card line: src/pricing/rate-card.ts MAX_CALLING_CODE_DIGITS), two kinds of count:
 * - `audience`: recipients frozen at launch that will be sent to (not `skipped`): the estimate's base;
 * - `charged:<category>`: messages WhatsApp charges by their stored pricing (a category, billable not
 *   false, not a free type: the rule of src/pricing/rate-plan.ts isCharged). Pricing is stored once per
 *   message (recipient-statuses.queries.ts), so each charged message counts once, whichever of
 *   sent/delivered/read carried it; a 131049 retry clears it and its count with it.
 * The trigger keeps the counts in the same statement (so the same transaction) as the change of
 * campaign_recipients, like campaign_counters: sharded by backend so concurrent writers rarely meet
 * on one row; readers sum the shards. Only the trigger writes this table. An UPDATE is read only when a
 * row trigger flagged its transaction as changing a charge (measured on 200k rows: the statement trigger cost
 * 1.4 s on a delivered-after-priced update before the flag).
 * Plus an index on contacts.last_inbound_at for the estimate's "inside a customer-service window".
 */
export class CampaignCosts1796400000100 implements MigrationInterface {
  name = 'CampaignCosts1796400000100';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE campaign_cost_counters (
        campaign_id uuid NOT NULL,
        key text NOT NULL,
        prefix text NOT NULL,
        shard smallint NOT NULL,
        count bigint NOT NULL DEFAULT 0,
        PRIMARY KEY (campaign_id, key, prefix, shard)
      )`);
    // The charged key of one recipient row: none unless WhatsApp charges the message (isCharged).
    await queryRunner.query(`
      CREATE FUNCTION campaign_recipient_charge_key(p_category text, p_type text, p_billable boolean)
      RETURNS text LANGUAGE sql IMMUTABLE AS $$
        SELECT CASE WHEN coalesce(p_category, '') <> '' AND p_billable IS DISTINCT FROM false
          AND lower(coalesce(p_type, '')) NOT IN ('free_customer_service', 'free_entry_point')
          THEN 'charged:' || lower(p_category) END
      $$`);
    // Audience on insert and delete only (a recipient's skip is decided at launch); charges on every
    // change, as +1 for the new row and -1 for the old: a status change of a priced message nets 0.
    await queryRunner.query(`
      CREATE FUNCTION campaign_recipients_cost_count() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE
        v_shard smallint := pg_backend_pid() % 8;
      BEGIN
        IF TG_OP = 'INSERT' THEN
          INSERT INTO campaign_cost_counters (campaign_id, key, prefix, shard, count)
          SELECT d.campaign_id, d.key, d.prefix, v_shard, count(*) FROM (
            SELECT n.campaign_id, 'audience' AS key, left(n.wa_id, 4) AS prefix FROM new_rows n WHERE n.status <> 'skipped'
            UNION ALL
            SELECT n.campaign_id, campaign_recipient_charge_key(n.pricing_category, n.pricing_type, n.billable), left(n.wa_id, 4)
            FROM new_rows n WHERE n.pricing_category IS NOT NULL
          ) d WHERE d.key IS NOT NULL
          GROUP BY d.campaign_id, d.key, d.prefix ORDER BY d.campaign_id, d.key, d.prefix
          ON CONFLICT (campaign_id, key, prefix, shard) DO UPDATE SET count = campaign_cost_counters.count + EXCLUDED.count;
        ELSIF TG_OP = 'DELETE' THEN
          INSERT INTO campaign_cost_counters (campaign_id, key, prefix, shard, count)
          SELECT d.campaign_id, d.key, d.prefix, v_shard, -count(*) FROM (
            SELECT o.campaign_id, 'audience' AS key, left(o.wa_id, 4) AS prefix FROM old_rows o WHERE o.status <> 'skipped'
            UNION ALL
            SELECT o.campaign_id, campaign_recipient_charge_key(o.pricing_category, o.pricing_type, o.billable), left(o.wa_id, 4)
            FROM old_rows o WHERE o.pricing_category IS NOT NULL
          ) d WHERE d.key IS NOT NULL
          GROUP BY d.campaign_id, d.key, d.prefix ORDER BY d.campaign_id, d.key, d.prefix
          ON CONFLICT (campaign_id, key, prefix, shard) DO UPDATE SET count = campaign_cost_counters.count + EXCLUDED.count;
        ELSE
          -- Most updates (claims, sends, delivered/read of a priced message) change no charge: the row
          -- trigger below flags the transactions that do, so the others end here without reading their
          -- rows. The flag is never cleared before the transaction ends: a later statement of a flagged
          -- transaction (or a second UPDATE in one query) is read in full, which is only slower.
          IF current_setting('campaign_costs.changed', true) IS DISTINCT FROM 'on' THEN
            RETURN NULL;
          END IF;
          INSERT INTO campaign_cost_counters (campaign_id, key, prefix, shard, count)
          SELECT d.campaign_id, d.key, d.prefix, v_shard, sum(d.delta) FROM (
            SELECT n.campaign_id, campaign_recipient_charge_key(n.pricing_category, n.pricing_type, n.billable) AS key, left(n.wa_id, 4) AS prefix, 1 AS delta
            FROM new_rows n WHERE n.pricing_category IS NOT NULL
            UNION ALL
            SELECT o.campaign_id, campaign_recipient_charge_key(o.pricing_category, o.pricing_type, o.billable), left(o.wa_id, 4), -1
            FROM old_rows o WHERE o.pricing_category IS NOT NULL
          ) d WHERE d.key IS NOT NULL
          GROUP BY d.campaign_id, d.key, d.prefix HAVING sum(d.delta) <> 0 ORDER BY d.campaign_id, d.key, d.prefix
          ON CONFLICT (campaign_id, key, prefix, shard) DO UPDATE SET count = campaign_cost_counters.count + EXCLUDED.count;
        END IF;
        RETURN NULL;
      END $$`);
    // Flags (transaction-local) a transaction that changes what a row charges: its pricing, or the number
    // or campaign of a priced row. The WHEN clause is evaluated per row, without a call: the function
    // runs for the first such row only (once the flag is on, WHEN is false).
    await queryRunner.query(`
      CREATE FUNCTION campaign_recipients_cost_flag() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM set_config('campaign_costs.changed', 'on', true);
        RETURN NEW;
      END $$`);
    await queryRunner.query(`CREATE TRIGGER campaign_recipients_cost_flag BEFORE UPDATE ON campaign_recipients
      FOR EACH ROW WHEN (
        (OLD.pricing_category IS DISTINCT FROM NEW.pricing_category OR OLD.pricing_type IS DISTINCT FROM NEW.pricing_type
          OR OLD.billable IS DISTINCT FROM NEW.billable
          OR (NEW.pricing_category IS NOT NULL AND (OLD.wa_id, OLD.campaign_id) IS DISTINCT FROM (NEW.wa_id, NEW.campaign_id)))
        AND current_setting('campaign_costs.changed', true) IS DISTINCT FROM 'on')
      EXECUTE FUNCTION campaign_recipients_cost_flag()`);
    await queryRunner.query(`CREATE TRIGGER campaign_recipients_cost_insert AFTER INSERT ON campaign_recipients
      REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION campaign_recipients_cost_count()`);
    await queryRunner.query(`CREATE TRIGGER campaign_recipients_cost_update AFTER UPDATE ON campaign_recipients
      REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION campaign_recipients_cost_count()`);
    await queryRunner.query(`CREATE TRIGGER campaign_recipients_cost_delete AFTER DELETE ON campaign_recipients
      REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION campaign_recipients_cost_count()`);
    // Existing rows counted once, under a lock that holds writers off for the backfill.
    await queryRunner.query('LOCK TABLE campaign_recipients IN SHARE ROW EXCLUSIVE MODE');
    await queryRunner.query(`
      INSERT INTO campaign_cost_counters (campaign_id, key, prefix, shard, count)
      SELECT d.campaign_id, d.key, d.prefix, 0, count(*) FROM (
        SELECT campaign_id, 'audience' AS key, left(wa_id, 4) AS prefix FROM campaign_recipients WHERE status <> 'skipped'
        UNION ALL
        SELECT campaign_id, campaign_recipient_charge_key(pricing_category, pricing_type, billable), left(wa_id, 4)
        FROM campaign_recipients WHERE pricing_category IS NOT NULL
      ) d WHERE d.key IS NOT NULL
      GROUP BY d.campaign_id, d.key, d.prefix`);
    // The estimate reads the contacts inside a customer-service window (last_inbound_at in the last 24 h).
    await queryRunner.query('CREATE INDEX ix_contacts_last_inbound_at ON contacts (last_inbound_at) WHERE last_inbound_at IS NOT NULL');
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP INDEX ix_contacts_last_inbound_at');
    await queryRunner.query('DROP TRIGGER campaign_recipients_cost_delete ON campaign_recipients');
    await queryRunner.query('DROP TRIGGER campaign_recipients_cost_update ON campaign_recipients');
    await queryRunner.query('DROP TRIGGER campaign_recipients_cost_insert ON campaign_recipients');
    await queryRunner.query('DROP TRIGGER campaign_recipients_cost_flag ON campaign_recipients');
    await queryRunner.query('DROP FUNCTION campaign_recipients_cost_flag()');
    await queryRunner.query('DROP FUNCTION campaign_recipients_cost_count()');
    await queryRunner.query('DROP FUNCTION campaign_recipient_charge_key(text, text, boolean)');
    await queryRunner.query('DROP TABLE campaign_cost_counters');
  }
}
