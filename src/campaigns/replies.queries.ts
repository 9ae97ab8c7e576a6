/**
 * SQL of campaign_replies (RepliesRepository, its only writer): attributing inbound messages to the
 * campaign message they answer. Reads campaign_recipients; writes only campaign_replies.
 */

/** An inbound message to attribute (InboundApplier, for messages seen for the first time). */
export interface InboundReply {
  messageId: string;
  channelId: string;
  waId: string;
  at: Date;
  contextId: string | null;
  type: string;
  text: string | null;
  buttonKind: string | null;
  buttonPayload: string | null;
  buttonText: string | null;
  optOut: boolean;
}

/** A reply recorded now: what its recipient gains (RecipientsRepository.recordEngagement). */
export interface RecordedReply {
  recipientId: string;
  at: Date;
  /** The clicked button as the recipient keeps it: its payload, else its text; null when not a click. */
  button: string | null;
  optOut: boolean;
}

/**
 * Attributes each message and records it once ($1…$11 arrays, one element per message; $12 the window
 * in hours):
 * - with `context.id`: the campaign message of that id on the same channel (`context`); a context that
 *   names no campaign message (it answers something else) is not attributed;
 * - without: the latest campaign message sent to that wa_id on that channel within the window before
 *   it (`recent`; ix_campaign_recipients_wa_sent), tolerating a minute of clock skew between this
 *   engine's sent_at and WhatsApp's whole-second timestamp.
 * Unique message_id with DO NOTHING: a redelivered message returns nothing, so nothing counts twice.
 * Rows get their ids in the order of the arrays (the order the messages came).
 */
export const RECORD_REPLIES = `
  WITH u AS (
    SELECT * FROM unnest($1::text[], $2::uuid[], $3::text[], $4::timestamptz[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::text[], $11::boolean[])
      WITH ORDINALITY AS u(message_id, channel_id, wa_id, at, context_id, type, text, button_kind, button_payload, button_text, opt_out, ord)
  ), matched AS (
    SELECT u.*, coalesce(ctx.id, recent.id) AS recipient_id, CASE WHEN ctx.id IS NOT NULL THEN 'context' ELSE 'recent' END AS attribution
    FROM u
    LEFT JOIN LATERAL (
      SELECT r.id FROM campaign_recipients r
      WHERE u.context_id IS NOT NULL AND r.message_id = u.context_id AND r.channel_id = u.channel_id
    ) ctx ON true
    LEFT JOIN LATERAL (
      SELECT r.id FROM campaign_recipients r
      WHERE u.context_id IS NULL AND r.channel_id = u.channel_id AND r.wa_id = u.wa_id AND r.sent_at IS NOT NULL
        AND r.sent_at <= u.at + interval '60 seconds' AND r.sent_at > u.at - make_interval(secs => $12::float8 * 3600)
      ORDER BY r.sent_at DESC
      LIMIT 1
    ) recent ON true
  )
  INSERT INTO campaign_replies
    (campaign_id, recipient_id, channel_id, message_id, wa_id, phone, type, text, button_kind, button_payload, button_text, attribution, opt_out, received_at)
  SELECT r.campaign_id, r.id, m.channel_id, m.message_id, m.wa_id, r.phone, m.type, m.text, m.button_kind, m.button_payload, m.button_text,
         m.attribution, m.opt_out, m.at
  FROM matched m JOIN campaign_recipients r ON r.id = m.recipient_id
  -- ids in the order the messages came (the replies list pages by id), whatever order the join produces
  ORDER BY m.ord
  ON CONFLICT (message_id) DO NOTHING
  RETURNING recipient_id::text AS recipient_id, received_at, coalesce(button_payload, button_text) AS button, opt_out`;

/**
 * Erasure of a contact ($1) in campaign_replies (RepliesRepository, for ContactErasureService): what
 * names the person or is their own words goes (phone, WhatsApp id, the message's text); the row stays
 * with its campaign, recipient, type, the tapped button (payload and label are the business's own, and
 * the report's per-button counts add up), attribution, opt-out flag and time, so engagement counts do not
 * change. Reached through the contact's recipients (each campaign's uq_campaign_recipients_contact probe,
 * as ERASE_CONTACT_RECIPIENTS) and ix_campaign_replies_recipient_id: no scan of all replies.
 */
export const ERASE_CONTACT_REPLIES = `
  UPDATE campaign_replies p SET phone = '', wa_id = '', text = NULL
  FROM campaigns c
  JOIN campaign_recipients r ON r.campaign_id = c.id AND r.contact_id = $1::bigint
  WHERE p.recipient_id = r.id`;
