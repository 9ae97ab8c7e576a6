import type { AppConfig } from '../config/app-config.js';
import type { InboxRepository } from './inbox.repository.js';
import type { MessageEventsRepository } from './message-events.repository.js';
import { RetentionWorker } from './retention.worker.js';

/** The worker's own decisions (cutoffs from the injected clock, batch size, when to run again); the SQL is in the e2e test. */
class WorkerUnderTest extends RetentionWorker {
  runOnce() {
    return this.work();
  }
  runs() {
    return this.shouldRun();
  }
}

function worker(env: { inboxDays: number; eventDays: number }, deleted: { inbox: number; events: number }, calls: string[], runsWorker = true) {
  const config = {
    runsWorker,
    env: { WEBHOOK_INBOX_RETENTION_DAYS: env.inboxDays, MESSAGE_EVENT_RETENTION_DAYS: env.eventDays, RETENTION_BATCH_SIZE: 10 },
  } as unknown as AppConfig;
  const inbox = { purgeProcessed: async (cutoff: Date, limit: number) => (calls.push(`inbox < ${cutoff.toISOString()} x${limit}`), deleted.inbox) } as unknown as InboxRepository;
  const events = { purgeOlderThan: async (cutoff: Date, limit: number) => (calls.push(`events < ${cutoff.toISOString()} x${limit}`), deleted.events) } as unknown as MessageEventsRepository;
  const under = new WorkerUnderTest(config, inbox, events);
  under.now = () => new Date('2031-06-01T00:00:00Z');
  return under;
}

describe('RetentionWorker', () => {
  it.each([
    [{ inbox: 10, events: 0 }, { kind: 'rest', ms: 200 }],
    [{ inbox: 3, events: 10 }, { kind: 'rest', ms: 200 }],
    [{ inbox: 9, events: 9 }, { kind: 'idle' }],
  ])('after deleting %j it runs again: %j', async (deleted, next) => {
    const calls: string[] = [];
    expect(await worker({ inboxDays: 30, eventDays: 180 }, deleted, calls).runOnce()).toEqual(next);
    expect(calls).toEqual(['inbox < 2031-05-02T00:00:00.000Z x10', 'events < 2030-12-03T00:00:00.000Z x10']);
  });

  it.each([
    [{ inboxDays: 0, eventDays: 180 }, true, ['events < 2030-12-03T00:00:00.000Z x10']],
    [{ inboxDays: 30, eventDays: 0 }, true, ['inbox < 2031-05-02T00:00:00.000Z x10']],
    [{ inboxDays: 0, eventDays: 0 }, false, []],
  ])('with %j it runs: %s, and deletes only what has a retention', async (env, runs, expected) => {
    const calls: string[] = [];
    const under = worker(env, { inbox: 0, events: 0 }, calls);
    expect(under.runs()).toBe(runs);
    await under.purgeBatch();
    expect(calls).toEqual(expected);
  });

  it('does not run where this process runs no workers (ROLE=api)', () => {
    expect(worker({ inboxDays: 30, eventDays: 180 }, { inbox: 0, events: 0 }, [], false).runs()).toBe(false);
  });
});
