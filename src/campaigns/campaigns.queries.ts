/** SQL of the campaigns table (CampaignsRepository, its only writer): the scheduler's claims, launches, pauses and completions. */

/**
 * Due campaigns, locked so that no other instance launches the same one. A campaign resumed from
 * paused after its time passed is `running` without an audience yet: it is launched too. $1: ids this
 * instance is backing off from after a failed launch (they would otherwise come first every time).
 * A campaign on a paused channel is not launched: the next tick pauses it, naming the channel
 * (PAUSE_CAMPAIGNS_ON_PAUSED_CHANNELS), before it has an audience. Without this, a campaign that
 * became due between that statement and this claim was launched and then paused.
 */
export const CLAIM_DUE_CAMPAIGNS = `
  SELECT c.id, c.channel_id, c.list_id, c.audience, c.template, c.skip_template_check, c.variants, c.winner FROM campaigns c
  JOIN channels ch ON ch.id = c.channel_id AND ch.paused_reason IS NULL
  WHERE ((c.status = 'scheduled' AND c.scheduled_at <= now()) OR (c.status = 'running' AND c.launched_at IS NULL))
    AND NOT (c.id = ANY($1::uuid[]))
  ORDER BY c.scheduled_at NULLS FIRST
  LIMIT 1
  FOR UPDATE OF c SKIP LOCKED`;

/**
 * Campaigns that would run (or launch now) on a paused channel: the sender does not touch a paused
 * channel, so they would stay `running` and silent. They are paused instead, naming the channel and
 * its reason (a bad key or payment problem pauses the channel with it); resume is refused until the
 * channel is back (campaigns.service.ts).
 */
export const PAUSE_CAMPAIGNS_ON_PAUSED_CHANNELS = `
  UPDATE campaigns c SET status = 'paused',
    paused_reason = 'channel "' || ch.name || '" is paused: ' || ch.paused_reason, updated_at = now()
  FROM channels ch
  WHERE ch.id = c.channel_id AND ch.paused_reason IS NOT NULL
    AND (c.status = 'running' OR (c.status = 'scheduled' AND c.scheduled_at <= now()))
  RETURNING c.id, c.paused_reason`;

/**
 * The launch's template check failed (the template is no longer APPROVED, or no longer takes these
 * parameters): paused with the reason before any audience is frozen, so nothing is sent.
 */
export const PAUSE_FOR_TEMPLATE_AT_LAUNCH = `
  UPDATE campaigns SET status = 'paused', paused_reason = $2, updated_at = now()
  WHERE id = $1 AND launched_at IS NULL AND status IN ('scheduled', 'running')`;

/** A campaign whose launch cannot succeed: failed, with the reason GET and the report show. */
export const MARK_LAUNCH_FAILED = `
  UPDATE campaigns SET status = 'failed', failure_reason = $2, updated_at = now()
  WHERE id = $1 AND launched_at IS NULL AND status IN ('scheduled', 'running')`;

/** Running campaigns with nothing left to send or waiting, judged from the counters (no scan). */
export const COMPLETE_FINISHED_CAMPAIGNS = `
  UPDATE campaigns c SET status = 'completed', completed_at = now(), updated_at = now()
  WHERE c.status = 'running' AND c.launched_at IS NOT NULL
    AND NOT EXISTS (
      SELECT 1 FROM campaign_counters k
      WHERE k.campaign_id = c.id AND k.key IN ('pending', 'sending')
      GROUP BY k.campaign_id HAVING sum(k.count) > 0
    )
  RETURNING c.id`;

export const MARK_LAUNCHED = `
  UPDATE campaigns SET status = 'running', launched_at = now(), started_at = coalesce(started_at, now()), updated_at = now()
  WHERE id = $1`;

/**
 * A running A/B test whose winner is due ($1: the scheduler's clock, injectable): launched at least
 * winner.afterHours before, no winner yet. Locked with SKIP LOCKED so one instance picks it.
 */
export const CLAIM_DUE_WINNER = `
  SELECT c.id, c.channel_id, c.variants, c.winner FROM campaigns c
  WHERE c.status = 'running' AND c.winner IS NOT NULL AND c.winner_picked_at IS NULL AND c.launched_at IS NOT NULL
    AND c.launched_at + make_interval(secs => (c.winner ->> 'afterHours')::float8 * 3600) <= $1::timestamptz
  ORDER BY c.launched_at
  LIMIT 1
  FOR UPDATE OF c SKIP LOCKED`;

/** The winner is picked: recorded once (the held recipients were given it in the same transaction). */
export const MARK_WINNER_PICKED = `
  UPDATE campaigns SET winner_variant = $2, winner_picked_at = $3, updated_at = now()
  WHERE id = $1 AND winner_picked_at IS NULL`;
