export const CAMPAIGN_STATUSES = ['draft', 'scheduled', 'running', 'paused', 'completed', 'cancelled', 'failed'] as const;
export type CampaignStatus = (typeof CAMPAIGN_STATUSES)[number];

export const CAMPAIGN_ACTIONS = ['schedule', 'pause', 'resume', 'cancel', 'retry-failed'] as const;
export type CampaignAction = (typeof CAMPAIGN_ACTIONS)[number];

/** The table of docs/api.md: which states each user action may start from. */
export const ALLOWED_FROM: Record<CampaignAction, readonly CampaignStatus[]> = {
  schedule: ['draft', 'scheduled'],
  pause: ['scheduled', 'running'],
  resume: ['paused'],
  cancel: ['draft', 'scheduled', 'running', 'paused'],
  'retry-failed': ['running', 'paused', 'completed'],
};

export interface TransitionContext {
  now: Date;
  scheduledAt: Date | null;
  /** Whether the audience has already been frozen (the campaign ran before it was paused). */
  launched: boolean;
}

export type TransitionResult = { ok: true; to: CampaignStatus } | { ok: false; reason: string };

export function transition(from: CampaignStatus, action: CampaignAction, context: TransitionContext): TransitionResult {
  if (!ALLOWED_FROM[action].includes(from)) {
    return {
      ok: false,
      reason: `cannot ${action} a campaign that is ${from} (allowed from: ${ALLOWED_FROM[action].join(', ')})`,
    };
  }
  switch (action) {
    case 'schedule':
      return { ok: true, to: 'scheduled' };
    case 'pause':
      return { ok: true, to: 'paused' };
    // retry-failed un-pauses too: a campaign paused before its launch has nothing to retry and keeps its time.
    case 'resume':
    case 'retry-failed':
      return { ok: true, to: runsOrWaits(context) };
    case 'cancel':
      return { ok: true, to: 'cancelled' };
  }
}

/** `running`, or `scheduled` when the audience is not frozen yet and its time is still ahead (running would launch it now). */
function runsOrWaits(context: TransitionContext): CampaignStatus {
  const stillAhead = context.scheduledAt !== null && context.scheduledAt.getTime() > context.now.getTime();
  return !context.launched && stillAhead ? 'scheduled' : 'running';
}

export function isFinal(status: CampaignStatus): boolean {
  return status === 'completed' || status === 'cancelled' || status === 'failed';
}
