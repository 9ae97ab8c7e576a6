import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Hand-written: keeps campaign_counters current in the same statement (and so the same transaction)
 * that inserts, updates or deletes recipients, whichever code path does it. Statement-level with
 * transition tables, so a batch of 1,000 rows costs one aggregate, not 1,000 row triggers.
 * Each backend writes its own shard (pid % 8) so concurrent writers do not queue on one row.
 */
export class CampaignCounterTrigger1795269055078 implements MigrationInterface {
  name = 'CampaignCounterTrigger1795269055078';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE FUNCTION campaign_recipient_deltas(
        p_campaign_id uuid, p_status text, p_sent_at timestamptz, p_delivered_at timestamptz,
        p_read_at timestamptz, p_error_code int, p_error_title text, p_delta int
      ) RETURNS TABLE (campaign_id uuid, key text, delta int) LANGUAGE sql IMMUTABLE AS $$
        SELECT p_campaign_id, p_status, p_delta
        UNION ALL SELECT p_campaign_id, 'reached:sent', p_delta WHERE p_sent_at IS NOT NULL
        UNION ALL SELECT p_campaign_id, 'reached:delivered', p_delta WHERE p_delivered_at IS NOT NULL
        UNION ALL SELECT p_campaign_id, 'reached:read', p_delta WHERE p_read_at IS NOT NULL
        UNION ALL SELECT p_campaign_id, 'error:' || p_error_code || ':' || coalesce(p_error_title, ''), p_delta
          WHERE p_status = 'failed' AND p_error_code IS NOT NULL
      $$`);
    await queryRunner.query(`
      CREATE FUNCTION campaign_recipients_count() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE
        v_shard smallint := pg_backend_pid() % 8;
      BEGIN
        IF TG_OP = 'INSERT' THEN
          INSERT INTO campaign_counters (campaign_id, key, shard, count)
          SELECT d.campaign_id, d.key, v_shard, sum(d.delta)
          FROM new_rows n, campaign_recipient_deltas(n.campaign_id, n.status, n.sent_at, n.delivered_at, n.read_at, n.error_code, n.error_title, 1) d
          GROUP BY d.campaign_id, d.key ORDER BY d.campaign_id, d.key
          ON CONFLICT (campaign_id, key, shard) DO UPDATE SET count = campaign_counters.count + EXCLUDED.count;
        ELSIF TG_OP = 'DELETE' THEN
          INSERT INTO campaign_counters (campaign_id, key, shard, count)
          SELECT d.campaign_id, d.key, v_shard, sum(d.delta)
          FROM old_rows o, campaign_recipient_deltas(o.campaign_id, o.status, o.sent_at, o.delivered_at, o.read_at, o.error_code, o.error_title, -1) d
          GROUP BY d.campaign_id, d.key ORDER BY d.campaign_id, d.key
          ON CONFLICT (campaign_id, key, shard) DO UPDATE SET count = campaign_counters.count + EXCLUDED.count;
        ELSE
          INSERT INTO campaign_counters (campaign_id, key, shard, count)
          SELECT d.campaign_id, d.key, v_shard, sum(d.delta)
          FROM (
            SELECT x.* FROM new_rows n,
              campaign_recipient_deltas(n.campaign_id, n.status, n.sent_at, n.delivered_at, n.read_at, n.error_code, n.error_title, 1) x
            UNION ALL
            SELECT x.* FROM old_rows o,
              campaign_recipient_deltas(o.campaign_id, o.status, o.sent_at, o.delivered_at, o.read_at, o.error_code, o.error_title, -1) x
          ) d
          GROUP BY d.campaign_id, d.key HAVING sum(d.delta) <> 0 ORDER BY d.campaign_id, d.key
          ON CONFLICT (campaign_id, key, shard) DO UPDATE SET count = campaign_counters.count + EXCLUDED.count;
        END IF;
        RETURN NULL;
      END $$`);
    await queryRunner.query(`CREATE TRIGGER campaign_recipients_count_insert AFTER INSERT ON campaign_recipients
      REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION campaign_recipients_count()`);
    await queryRunner.query(`CREATE TRIGGER campaign_recipients_count_update AFTER UPDATE ON campaign_recipients
      REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION campaign_recipients_count()`);
    await queryRunner.query(`CREATE TRIGGER campaign_recipients_count_delete AFTER DELETE ON campaign_recipients
      REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION campaign_recipients_count()`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TRIGGER campaign_recipients_count_delete ON campaign_recipients');
    await queryRunner.query('DROP TRIGGER campaign_recipients_count_update ON campaign_recipients');
    await queryRunner.query('DROP TRIGGER campaign_recipients_count_insert ON campaign_recipients');
    await queryRunner.query('DROP FUNCTION campaign_recipients_count()');
    await queryRunner.query('DROP FUNCTION campaign_recipient_deltas(uuid, text, timestamptz, timestamptz, timestamptz, int, text, int)');
  }
}
