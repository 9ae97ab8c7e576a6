import { Injectable, Logger } from '@nestjs/common';
import { RecipientsRepository } from '../campaigns/recipients.repository.js';
import { isInsideWindow, isRecipientLocal, nextWindowOpening } from '../campaigns/send-window.js';
import { errorMessage } from '../common/errors.js';
import type { RunningCampaign } from './sender.queries.js';

/** While a window stays closed, recipients that fell due since (a retry, retry-failed) are sent to wait this often. */
const RECHECK_CLOSED_MS = 60_000;

interface Seen {
  /** The opening its recipients were sent to wait for; null: seen open. */
  opensAt: number | null;
  at: number;
}

/**
 * Makes a closed send window visible: the due recipients of a campaign outside its window wait
 * (`waiting_reason = 'send_window'`) until it opens, as the messaging limit does. Written when this
 * worker sees a window close or its opening change, not on every poll; the waiting rows are not due,
 * so they cost nothing until then. A campaign seen open after closed (or for the first time) has any
 * recipient still waiting for a window made due at once: the window opened early or was removed.
 */
@Injectable()
export class SendWindowWaits {
  private readonly logger = new Logger(SendWindowWaits.name);
  private readonly seen = new Map<string, Seen>();

  constructor(private readonly recipients: RecipientsRepository) {}

  /** The campaigns whose window is open at `now` (or who have none). */
  async openAt(campaigns: RunningCampaign[], now: Date): Promise<RunningCampaign[]> {
    const running = new Set(campaigns.map((campaign) => campaign.id));
    for (const id of this.seen.keys()) if (!running.has(id)) this.seen.delete(id);
    const open: RunningCampaign[] = [];
    const opened: string[] = [];
    for (const campaign of campaigns) {
      const window = campaign.send_window;
      // Recipient-local: decided per recipient by the claim, which also writes their waits.
      if (isRecipientLocal(window)) {
        open.push(campaign);
        continue;
      }
      if (!window || isInsideWindow(now, window)) {
        open.push(campaign);
        if (this.seen.get(campaign.id)?.opensAt !== null) opened.push(campaign.id);
        continue;
      }
      const opensAt = nextWindowOpening(now, window);
      const seen = this.seen.get(campaign.id);
      if (seen?.opensAt === opensAt.getTime() && now.getTime() - seen.at < RECHECK_CLOSED_MS) continue;
      try {
        const waiting = await this.recipients.waitForSendWindow({ campaignId: campaign.id, opensAt });
        this.seen.set(campaign.id, { opensAt: opensAt.getTime(), at: now.getTime() });
        if (waiting > 0) this.logger.log(`campaign ${campaign.id}: outside its send window, ${waiting} recipients wait until ${opensAt.toISOString()}`);
      } catch (error) {
        this.logger.error(`campaign ${campaign.id}: marking recipients waiting for the send window failed: ${errorMessage(error)}`);
      }
    }
    if (opened.length > 0) {
      try {
        await this.recipients.endSendWindowWait(opened);
        for (const id of opened) this.seen.set(id, { opensAt: null, at: now.getTime() });
      } catch (error) {
        // Their recipients still wait for the opening they were given; tried again next poll.
        this.logger.error(`releasing recipients waiting for a send window failed: ${errorMessage(error)}`);
      }
    }
    return open;
  }
}
