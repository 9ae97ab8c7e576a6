/** Injected failures waiting for the requests they will spoil (InjectedFailure explains each kind). */
import { RequestError } from './http.js';
import type { FailureKind, InjectedFailure, SandboxEndpoint } from './sandbox-types.js';

export interface PendingFailure extends InjectedFailure {
  remaining: number;
}

const KINDS: FailureKind[] = ['server_error', 'hang', 'reset', 'unauthorized', 'throttle', 'lost_response', 'error', 'pair_rate_limit', 'template_paused', 'payment', 'marketing_limit', 'marketing_opt_out', 'experiment'];

export class FailureQueue {
  private pending: PendingFailure[] = [];

  add(failure: InjectedFailure): void {
    if (!KINDS.includes(failure.kind)) throw new RequestError(400, `kind must be one of ${KINDS.join(', ')}`);
    this.pending.push({ ...failure, remaining: failure.count ?? 1 });
  }

  /** The first failure matching this request, counted down (and forgotten once used up). */
  take(endpoint: SandboxEndpoint, apiKey: string, to: string | undefined): PendingFailure | undefined {
    const index = this.pending.findIndex((failure) => {
      const scope = failure.endpoint ?? 'messages';
      return (scope === 'any' || scope === endpoint) && (failure.apiKey === undefined || failure.apiKey === apiKey) && (failure.to === undefined || failure.to === to);
    });
    if (index < 0) return undefined;
    const failure = this.pending[index];
    failure.remaining -= 1;
    if (failure.remaining <= 0) this.pending.splice(index, 1);
    return failure;
  }

  /** What is still waiting, `remaining` last (as POST /_sandbox/failures answers). */
  list(): PendingFailure[] {
    return this.pending.map(({ remaining, ...failure }) => ({ ...failure, remaining }));
  }

  clear(): void {
    this.pending = [];
  }
}
