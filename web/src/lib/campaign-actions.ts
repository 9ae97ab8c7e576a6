/** Which buttons a campaign's page offers, from docs/api.md's table of actions (the engine re-checks each). */
export type CampaignAction = 'pause' | 'resume' | 'cancel' | 'retry-failed';

const ALLOWED_FROM: Record<CampaignAction, readonly string[]> = {
  pause: ['scheduled', 'running'],
  resume: ['paused'],
  cancel: ['draft', 'scheduled', 'running', 'paused'],
  'retry-failed': ['running', 'paused', 'completed'],
};

export const ACTION_LABELS: Record<CampaignAction, string> = {
  pause: 'Pause',
  resume: 'Resume',
  cancel: 'Cancel',
  'retry-failed': 'Retry failed',
};

/** Retry failed only where something failed. */
export function allowedActions(status: string, failed: number): CampaignAction[] {
  return (Object.keys(ALLOWED_FROM) as CampaignAction[]).filter(
    (action) => ALLOWED_FROM[action].includes(status) && (action !== 'retry-failed' || failed > 0),
  );
}

/** A campaign whose numbers can still change refreshes itself. */
export function isLive(status: string): boolean {
  return status === 'running' || status === 'scheduled' || status === 'paused';
}
