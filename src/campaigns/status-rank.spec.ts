import type { RecipientStatus } from '../common/recipient-status.js';
import {
  impliedMilestones,
  nextRecipientStatus,
  statusesImplyingSql,
  statusForRankSql,
  statusRank,
  statusRankSql,
} from './status-rank.js';

describe('status rank', () => {
  it.each<[RecipientStatus, string, RecipientStatus]>([
    // forward moves
    ['pending', 'sent', 'sent'],
    ['sending', 'sent', 'sent'],
    ['unknown', 'sent', 'sent'],
    ['sent', 'delivered', 'delivered'],
    ['delivered', 'read', 'read'],
    ['sent', 'read', 'read'],
    ['sending', 'read', 'read'],
    ['pending', 'delivered', 'delivered'],
    ['unknown', 'delivered', 'delivered'],
    // never backwards
    ['read', 'delivered', 'read'],
    ['read', 'sent', 'read'],
    ['delivered', 'sent', 'delivered'],
    ['read', 'read', 'read'],
    ['sent', 'sent', 'sent'],
    // failed wins over sent and unsent states, not over delivered/read
    ['sent', 'failed', 'failed'],
    ['sending', 'failed', 'failed'],
    ['pending', 'failed', 'failed'],
    ['unknown', 'failed', 'failed'],
    ['delivered', 'failed', 'delivered'],
    ['read', 'failed', 'read'],
    // a later delivered/read wins over failed, a later sent does not
    ['failed', 'delivered', 'delivered'],
    ['failed', 'read', 'read'],
    ['failed', 'sent', 'failed'],
    // statuses that are not delivery states never move a recipient
    ['sent', 'deleted', 'sent'],
    ['delivered', 'warning', 'delivered'],
    ['pending', 'something-new', 'pending'],
    // a status proves the message went out, whatever the recipient's bookkeeping said
    ['cancelled', 'delivered', 'delivered'],
  ])('%s + %s → %s', (current, incoming, expected) => {
    expect(nextRecipientStatus(current, incoming)).toBe(expected);
  });

  it.each([
    ['read', ['sent', 'delivered', 'read']],
    ['delivered', ['sent', 'delivered']],
    ['sent', ['sent']],
    ['failed', []],
    ['deleted', []],
  ])('%s implies milestones %j', (incoming, milestones) => {
    expect(impliedMilestones(incoming)).toEqual(milestones);
  });

  it('gives the SQL the same table', () => {
    expect(statusRankSql('r.status')).toBe(
      "(CASE r.status WHEN 'sent' THEN 1 WHEN 'failed' THEN 2 WHEN 'delivered' THEN 3 WHEN 'read' THEN 4 ELSE 0 END)",
    );
    expect(statusForRankSql('x')).toBe("(CASE x WHEN 1 THEN 'sent' WHEN 2 THEN 'failed' WHEN 3 THEN 'delivered' WHEN 4 THEN 'read' END)");
    expect(statusesImplyingSql('sent')).toBe("'sent', 'delivered', 'read'");
    expect(statusesImplyingSql('delivered')).toBe("'delivered', 'read'");
    expect(statusesImplyingSql('read')).toBe("'read'");
    expect(statusRank('pending')).toBe(0);
  });
});
