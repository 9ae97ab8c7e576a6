import type { EntityManager } from 'typeorm';
import { DomainError } from '../common/domain-error.js';
import type { Template } from '../whatsapp/types.js';
import type { Campaign } from './campaign.entity.js';

/** Statuses the registry can hold without saying anything about approval (a row a category webhook created). */
const UNSAID = new Set(['UNKNOWN']);

/**
 * A campaign is not resumed onto a template the registry says is not APPROVED (paused, disabled, … by a
 * webhook or the last sync): it would only be refused by WhatsApp and paused again. A template the
 * registry does not know, and a campaign created with skipTemplateCheck, are not checked.
 */
export async function requireApprovedTemplate(campaign: Campaign, manager: EntityManager): Promise<void> {
  if (campaign.skipTemplateCheck) return;
  // An A/B test: every variant's template (the campaign's `template` mirrors the first).
  for (const template of campaign.variants?.map((variant) => variant.template) ?? [campaign.template]) await requireApproved(campaign, template, manager);
}

async function requireApproved(campaign: Campaign, { name, language }: Template, manager: EntityManager): Promise<void> {
  const [template] = (await manager.query(`SELECT status, status_reason AS "statusReason" FROM templates WHERE channel_id = $1 AND name = $2 AND language = $3`, [
    campaign.channelId,
    name,
    language,
  ])) as Array<{ status: string; statusReason: string | null }>;
  if (!template || template.status === 'APPROVED' || UNSAID.has(template.status)) return;
  throw new DomainError(
    'conflict',
    `cannot resume: template "${name}" (${language}) is ${template.status} on this channel` +
      (template.statusReason ? ` (${template.statusReason})` : '') +
      `. Resume once WhatsApp approves it again (a message_template_status_update APPROVED, or a template sync)`,
    { currentStatus: campaign.status, template: { name, language, status: template.status, reason: template.statusReason } },
  );
}
