/**
 * Erasure of a contact's personal fields in campaign_recipients (RecipientsRepository). The rows stay so
 * that campaign counts and reports add up; what names the person goes. A recipient not sent yet is
 * skipped (the trigger moves the campaign's counters in the same statement). $1 contact id.
 */
export const ERASE_CONTACT_RECIPIENTS = `
  UPDATE campaign_recipients r SET
    phone = '',
    wa_id = '',
    components = NULL,
    user_id = NULL,
    status = CASE WHEN r.status = 'pending' THEN 'skipped' ELSE r.status END,
    skip_reason = CASE WHEN r.status = 'pending' THEN 'contact_erased' ELSE r.skip_reason END,
    waiting_reason = CASE WHEN r.status = 'pending' THEN NULL ELSE r.waiting_reason END
  FROM campaigns c
  -- Through the campaigns: each probes uq_campaign_recipients_contact (campaign_id, contact_id) instead of
  -- scanning every recipient (there is no index on contact_id alone; launch would pay for one).
  WHERE r.campaign_id = c.id AND r.contact_id = $1::bigint`;
