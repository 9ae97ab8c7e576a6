import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * Per-campaign counts kept by a statement-level trigger on campaign_recipients, in the same
 * transaction that moves the recipients. Spread over shards (by backend) so concurrent writers do not
 * queue on one hot row; a report sums the shards. Keys: a recipient status, or `reached:sent`,
 * `reached:delivered`, `reached:read` (cumulative), or `error:<code>`.
 */
@Entity('campaign_counters')
export class CampaignCounter {
  @PrimaryColumn('uuid', { name: 'campaign_id' })
  campaignId: string;

  @PrimaryColumn('text')
  key: string;

  @PrimaryColumn('smallint')
  shard: number;

  @Column('bigint', { default: 0 })
  count: string;
}
