import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { DomainError } from '../common/domain-error.js';
import { AppConfig } from '../config/app-config.js';
import { type Audience, oneList, type ResolvedAudience, toResolved } from './audience.js';
import { checkAudience } from './audience-rules.js';
import { type EstimateGroupRow, estimateGroupsStatement, type PreviewCountRow, previewCountsStatement, type PreviewSampleRow, previewSampleStatement } from './audience.queries.js';
import type { AudiencePreviewResponse } from './dto/audience.dto.js';
import { SegmentsRepository } from './segments.repository.js';

const SAMPLE_SIZE = 10;

/**
 * Audiences for campaigns, segments and the preview: validation (shape by audience-rules.ts, then that
 * the named lists, campaign and segment exist), resolution of the segment, and the preview's counts.
 */
@Injectable()
export class AudiencesService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly segments: SegmentsRepository,
    private readonly config: AppConfig,
  ) {}

  /** The normalised audience, or a 400 naming every problem (`audience.where[1].op …`). */
  async validate(input: unknown, options: { path?: string; segmentAllowed?: boolean } = {}, db?: EntityManager): Promise<Audience> {
    const path = options.path ?? 'audience';
    const checked = checkAudience(input, path, { segmentAllowed: options.segmentAllowed ?? true });
    if (!checked.ok) throw new DomainError('invalid', checked.problems.join('; '));
    const { audience } = checked;
    const manager = db ?? this.dataSource.manager;
    const problems: string[] = [];
    const named = [...(audience.listIds ?? []), ...(audience.excludeListIds ?? [])];
    if (named.length > 0) {
      const found = new Set((await manager.query<Array<{ id: string }>>('SELECT id FROM lists WHERE id = ANY($1::uuid[])', [named])).map((row) => row.id));
      for (const key of ['listIds', 'excludeListIds'] as const) {
        (audience[key] ?? []).forEach((id, index) => {
          if (!found.has(id)) problems.push(`${path}.${key}[${index}]: no list with id ${id}`);
        });
      }
    }
    if (audience.fromCampaign) {
      const [campaign] = await manager.query<Array<{ id: string }>>('SELECT id FROM campaigns WHERE id = $1', [audience.fromCampaign.campaignId]);
      if (!campaign) problems.push(`${path}.fromCampaign.campaignId: no campaign with id ${audience.fromCampaign.campaignId}`);
    }
    if (audience.segmentId && !(await this.segments.findById(audience.segmentId, manager))) {
      problems.push(`${path}.segmentId: no segment with id ${audience.segmentId}`);
    }
    if (problems.length > 0) throw new DomainError('invalid', problems.join('; '));
    return audience;
  }

  /** The audience with its segment read, as the SQL builder takes it (at launch: in the launch's transaction). */
  async resolve(audience: Audience, db?: EntityManager): Promise<ResolvedAudience> {
    let segment: ResolvedAudience | null = null;
    if (audience.segmentId) {
      const saved = await this.segments.findById(audience.segmentId, db);
      if (!saved) throw new DomainError('invalid', `audience.segmentId: segment ${audience.segmentId} no longer exists`);
      segment = await this.resolve({ ...saved.audience, segmentId: undefined }, db);
    }
    return toResolved(audience, segment);
  }

  /**
   * A draft campaign's audience for its pricing estimate, grouped by number prefix and open window: the
   * same contacts the preview counts (estimateGroupsStatement), so estimate and preview agree for any
   * audience. `audience` is the campaign's stored one, or null for its one list (`listId`).
   */
  async estimateGroups(
    campaign: { channelId: string; listId: string | null; audience: Audience | null; template: { name: string; language: string } },
    db?: EntityManager,
  ): Promise<EstimateGroupRow[]> {
    const audience = campaign.audience ? await this.resolve(campaign.audience, db) : oneList(campaign.listId!);
    const statement = estimateGroupsStatement({ audience, channelId: campaign.channelId, template: campaign.template });
    return (db ?? this.dataSource.manager).query<EstimateGroupRow[]>(statement.sql, statement.parameters);
  }

  /**
   * What a launch on `channelId` would do with the audience now: `count` contacts become pending (to be
   * sent), `excluded.optedOut` are kept as skipped for consent (marketing opt-outs by `template`'s
   * category, MARKETING when none is given). Counted by the launch's own SQL (audience.queries.ts), in
   * one snapshot. `excluded.frequencyCap`: of `count`, those at their marketing frequency cap now (the
   * request's cap, else MARKETING_FREQUENCY_CAP), by the frequency ledger as the claim counts it.
   */
  async preview(request: {
    channelId: string;
    audience: unknown;
    template?: { name: string; language: string };
    frequencyCap?: { max: number; hours: number };
  }): Promise<AudiencePreviewResponse> {
    const { channelId, template } = request;
    const frequencyCap = request.frequencyCap ? { max: request.frequencyCap.max, hours: request.frequencyCap.hours } : (this.config.env.MARKETING_FREQUENCY_CAP ?? null);
    const [channel] = await this.dataSource.query<Array<{ id: string }>>('SELECT id FROM channels WHERE id = $1', [channelId]);
    if (!channel) throw new DomainError('invalid', `channelId: no channel with id ${channelId}`);
    const audience = await this.resolve(await this.validate(request.audience));
    const launch = { audience, channelId, template: template && { name: template.name, language: template.language }, frequencyCap };
    return this.dataSource.transaction('REPEATABLE READ', async (manager) => {
      const counts = previewCountsStatement(launch);
      const rows = await manager.query<PreviewCountRow[]>(counts.sql, counts.parameters);
      const sample = previewSampleStatement(launch, SAMPLE_SIZE);
      const contacts = await manager.query<PreviewSampleRow[]>(sample.sql, sample.parameters);
      const byCountry = rows
        .filter((row) => row.reach > 0)
        .map((row) => ({ country: row.country, count: row.reach }))
        .sort((a, b) => b.count - a.count || (a.country ?? '~').localeCompare(b.country ?? '~'));
      return {
        count: rows.reduce((sum, row) => sum + row.reach, 0),
        excluded: { optedOut: rows.reduce((sum, row) => sum + row.opted_out, 0), frequencyCap: rows.reduce((sum, row) => sum + row.capped, 0) },
        byCountry,
        sample: contacts.map((row) => ({
          id: row.id,
          phone: row.phone,
          firstName: row.first_name,
          lastName: row.last_name,
          language: row.language,
          country: row.country,
        })),
      };
    });
  }
}
