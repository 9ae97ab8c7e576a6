import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Hand-written: adds `waiting:<reason>` keys to campaign_counters — pending recipients that wait for
 * a send window, the messaging limit or a retry, by waiting_reason — so the report shows how many
 * wait for what without scanning the recipients. The trigger function keeps its name (the three
 * triggers keep pointing at it); it now calls a 9-argument overload of the deltas function.
 * Existing rows are counted once, under a lock that holds writers off for the backfill.
 */
export class CampaignCounterWaiting1795269499432 implements MigrationInterface {
  name = 'CampaignCounterWaiting1795269499432';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE FUNCTION campaign_recipient_deltas(
        p_campaign_id uuid, p_status text, p_sent_at timestamptz, p_delivered_at timestamptz,
        p_read_at timestamptz, p_error_code int, p_error_title text, p_waiting_reason text, p_delta int
      ) RETURNS TABLE (campaign_id uuid, key text, delta int) LANGUAGE sql IMMUTABLE AS $$
        SELECT p_campaign_id, p_status, p_delta
        UNION ALL SELECT p_campaign_id, 'reached:sent', p_delta WHERE p_sent_at IS NOT NULL
        UNION ALL SELECT p_campaign_id, 'reached:delivered', p_delta WHERE p_delivered_at IS NOT NULL
        UNION ALL SELECT p_campaign_id, 'reached:read', p_delta WHERE p_read_at IS NOT NULL
        UNION ALL SELECT p_campaign_id, 'error:' || p_error_code || ':' || coalesce(p_error_title, ''), p_delta
          WHERE p_status = 'failed' AND p_error_code IS NOT NULL
        UNION ALL SELECT p_campaign_id, 'waiting:' || p_waiting_reason, p_delta
          WHERE p_status = 'pending' AND p_waiting_reason IS NOT NULL
      $$`);
    await queryRunner.query(countFunction('n.waiting_reason, ', 'o.waiting_reason, '));
    await queryRunner.query('LOCK TABLE campaign_recipients IN SHARE ROW EXCLUSIVE MODE');
    await queryRunner.query(`
      INSERT INTO campaign_counters (campaign_id, key, shard, count)
      SELECT campaign_id, 'waiting:' || waiting_reason, 0, count(*)
      FROM campaign_recipients WHERE status = 'pending' AND waiting_reason IS NOT NULL
      GROUP BY campaign_id, waiting_reason
      ON CONFLICT (campaign_id, key, shard) DO UPDATE SET count = campaign_counters.count + EXCLUDED.count`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(countFunction('', ''));
    await queryRunner.query(`DELETE FROM campaign_counters WHERE key LIKE 'waiting:%'`);
    await queryRunner.query(
      'DROP FUNCTION campaign_recipient_deltas(uuid, text, timestamptz, timestamptz, timestamptz, int, text, text, int)',
    );
  }
}

/** The trigger function of CampaignCounterTrigger1795269055078, with or without the waiting argument. */
function countFunction(newWaiting: string, oldWaiting: string): string {
  const deltas = (alias: string, waiting: string, delta: number) =>
    `campaign_recipient_deltas(${alias}.campaign_id, ${alias}.status, ${alias}.sent_at, ${alias}.delivered_at, ${alias}.read_at, ${alias}.error_code, ${alias}.error_title, ${waiting}${delta})`;
  return `
    CREATE OR REPLACE FUNCTION campaign_recipients_count() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE
      v_shard smallint := pg_backend_pid() % 8;
    BEGIN
      IF TG_OP = 'INSERT' THEN
        INSERT INTO campaign_counters (campaign_id, key, shard, count)
        SELECT d.campaign_id, d.key, v_shard, sum(d.delta)
        FROM new_rows n, ${deltas('n', newWaiting, 1)} d
        GROUP BY d.campaign_id, d.key ORDER BY d.campaign_id, d.key
        ON CONFLICT (campaign_id, key, shard) DO UPDATE SET count = campaign_counters.count + EXCLUDED.count;
      ELSIF TG_OP = 'DELETE' THEN
        INSERT INTO campaign_counters (campaign_id, key, shard, count)
        SELECT d.campaign_id, d.key, v_shard, sum(d.delta)
        FROM old_rows o, ${deltas('o', oldWaiting, -1)} d
        GROUP BY d.campaign_id, d.key ORDER BY d.campaign_id, d.key
        ON CONFLICT (campaign_id, key, shard) DO UPDATE SET count = campaign_counters.count + EXCLUDED.count;
      ELSE
        INSERT INTO campaign_counters (campaign_id, key, shard, count)
        SELECT d.campaign_id, d.key, v_shard, sum(d.delta)
        FROM (
          SELECT x.* FROM new_rows n, ${deltas('n', newWaiting, 1)} x
          UNION ALL
          SELECT x.* FROM old_rows o, ${deltas('o', oldWaiting, -1)} x
        ) d
        GROUP BY d.campaign_id, d.key HAVING sum(d.delta) <> 0 ORDER BY d.campaign_id, d.key
        ON CONFLICT (campaign_id, key, shard) DO UPDATE SET count = campaign_counters.count + EXCLUDED.count;
      END IF;
      RETURN NULL;
    END $$`;
}
