/**
 * Erasure of a contact's personal fields in campaign_recipients (RecipientsRepository). The rows stay so
 * that campaign counts and reports add up; what names the person goes. A recipient not sent yet is
 * skipped (the trigger moves the campaign's counters in the same statement). $1 contact id.
 */
export const ERASE_CONTACT_RECIPIENTS = `
  UPDATE campaign_recipients SET
    phone = '',
    wa_id = '',
    components = NULL,
    user_id = NULL,
    status = CASE WHEN status = 'pending' THEN 'skipped' ELSE status END,
    skip_reason = CASE WHEN status = 'pending' THEN 'contact_erased' ELSE skip_reason END,
    waiting_reason = CASE WHEN status = 'pending' THEN NULL ELSE waiting_reason END
  WHERE contact_id = $1::bigint`;
