import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { Allow, IsDefined, IsInt, IsNotEmpty, IsOptional, IsString, IsUUID, Max, MaxLength, Min, ValidateNested } from 'class-validator';
import { DATE_COLUMNS, RETARGET_STATUSES, TEXT_COLUMNS, WHERE_OPS } from '../audience.js';

/**
 * The audience's OpenAPI description. The body itself is validated by audience-rules.ts (not by
 * class-validator), so that every message names its place as `audience.where[1].op`.
 */

export class WhereClauseDto {
  @ApiProperty({
    example: 'city',
    description: `A contact column (${[...TEXT_COLUMNS, ...DATE_COLUMNS].join(', ')}) or any attribute key (lower_snake_case, as the import stores CSV columns)`,
  })
  field: string;

  @ApiProperty({
    enum: WHERE_OPS,
    example: 'eq',
    description:
      'eq, neq, in, notIn, contains (case-insensitive), exists, notExists on text; before, after on dates (opted_in_at, last_inbound_at; ' +
      'attributes holding ISO 8601 text); gt, lt on attributes holding numbers. neq and notIn also match contacts without the field',
  })
  op: string;

  @ApiPropertyOptional({
    oneOf: [{ type: 'string' }, { type: 'number' }, { type: 'array', items: { type: 'string' } }],
    example: 'Berlin',
    description: 'A string (or number) for eq/neq/contains, an array for in/notIn, an ISO 8601 date or timestamp for before/after, a number for gt/lt; none for exists/notExists',
  })
  value?: unknown;
}

export class FromCampaignDto {
  @ApiProperty({ example: '2b0c6a9e-3f1d-4c2a-9a57-1f0e8d6c4b21', description: 'An earlier campaign: its recipients are the starting point' })
  campaignId: string;

  @ApiPropertyOptional({ enum: RETARGET_STATUSES, isArray: true, example: ['sent', 'delivered'], description: 'Recipients in one of these statuses (sent, delivered = not read)' })
  statuses?: string[];

  @ApiPropertyOptional({ example: false, description: 'true: only those who replied; false: only those who did not' })
  replied?: boolean;

  @ApiPropertyOptional({ example: 'Yes, tell me more', description: 'Only those who clicked this button (its payload or text, as recorded in clickedButton)' })
  clickedButton?: string;
}

export class AudienceDto {
  @ApiPropertyOptional({ type: [String], example: ['5d4c1b8e-0f1a-4b9e-9c3d-2a7e6f1b0c11', '8a2f3c4d-5e6f-4a1b-8c9d-0e1f2a3b4c55'], description: 'Members of any of these lists (a union)' })
  listIds?: string[];

  @ApiPropertyOptional({ type: [String], example: ['c3d4e5f6-a7b8-4c9d-8e0f-1a2b3c4d5e66'], description: 'Nobody in these lists, whatever else matches (exclusions win)' })
  excludeListIds?: string[];

  @ApiPropertyOptional({
    type: [WhereClauseDto],
    example: [
      { field: 'city', op: 'eq', value: 'Berlin' },
      { field: 'opted_in_at', op: 'after', value: '2026-01-01' },
    ],
    description: 'Conditions on the contact, all of which must hold (at most 20)',
  })
  where?: WhereClauseDto[];

  @ApiPropertyOptional({ type: FromCampaignDto, description: 'Retarget: recipients of an earlier campaign, by status, reply and button' })
  fromCampaign?: FromCampaignDto;

  @ApiPropertyOptional({ example: 'e1f2a3b4-c5d6-4e7f-8a9b-0c1d2e3f4a77', description: 'A saved segment (POST /v1/segments); the other options narrow it further' })
  segmentId?: string;
}

export const AUDIENCE_DESCRIPTION =
  'Whom to reach: lists (a union) minus excluded lists, narrowed by where clauses (ANDed), an earlier campaign and a segment. ' +
  'Needs listIds, fromCampaign or segmentId. Opted-out and never-opted-in contacts are kept as skipped, as with listId';

export class PreviewTemplateDto {
  @ApiProperty({ example: 'spring_sale' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(512)
  name: string;

  @ApiProperty({ example: 'en' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(20)
  language: string;
}

/** The frequency cap the preview counts against (the campaign's `frequencyCap`, same bounds). */
export class PreviewFrequencyCapDto {
  @ApiProperty({ example: 1, minimum: 1, maximum: 100, description: 'At most this many MARKETING templates per contact…' })
  @IsInt({ message: 'max must be a whole number' })
  @Min(1, { message: 'max must be a whole number from 1 to 100' })
  @Max(100, { message: 'max must be a whole number from 1 to 100' })
  max: number;

  @ApiProperty({ example: 24, minimum: 1, maximum: 720, description: '…in any window of this many hours (any campaign, any channel of this engine)' })
  @IsInt({ message: 'hours must be a whole number of hours' })
  @Min(1, { message: 'hours must be a whole number of hours from 1 to 720' })
  @Max(720, { message: 'hours must be a whole number of hours from 1 to 720' })
  hours: number;
}

export class AudiencePreviewDto {
  @ApiProperty({ example: '0f8b1c2d-3e4f-4a5b-9c6d-7e8f9a0b1c22', description: 'The channel the campaign would send on' })
  @IsUUID('all', { message: 'channelId must be a channel id (a UUID)' })
  channelId: string;

  @ApiProperty({ type: AudienceDto, description: AUDIENCE_DESCRIPTION })
  @IsDefined({ message: 'audience is required, e.g. {"listIds": ["…"]}' })
  @Allow()
  audience: unknown;

  @ApiPropertyOptional({
    type: PreviewTemplateDto,
    description: "The campaign's template: contacts who stopped marketing messages are excluded only when it is MARKETING by the channel's registry (or unknown to it). Without it, MARKETING is assumed",
  })
  @IsOptional()
  @ValidateNested()
  @Type(() => PreviewTemplateDto)
  template?: PreviewTemplateDto;

  @ApiPropertyOptional({
    type: PreviewFrequencyCapDto,
    description: "The campaign's own frequency cap, as in POST /v1/campaigns; without it MARKETING_FREQUENCY_CAP counts (unset: no cap, excluded.frequencyCap is 0)",
  })
  @IsOptional()
  @ValidateNested()
  @Type(() => PreviewFrequencyCapDto)
  frequencyCap?: PreviewFrequencyCapDto;
}

export class CountryCountDto {
  @ApiProperty({ nullable: true, type: String, example: 'DE', description: 'ISO 3166-1 alpha-2; null: unknown' }) country: string | null;
  @ApiProperty({ example: 41250 }) count: number;
}

export class ExcludedCountsDto {
  @ApiProperty({ example: 312, description: 'In the audience but opted out, never opted in, or opted out of marketing: the launch keeps them as skipped' })
  optedOut: number;

  @ApiProperty({
    example: 27,
    description:
      'Of `count`, contacts at their marketing frequency cap right now (the request\'s frequencyCap, else MARKETING_FREQUENCY_CAP; ' +
      'MARKETING templates only, a template the registry does not know or none given counting as MARKETING), by the frequency ledger as the ' +
      'sender counts it. They are still launched: each waits (waitingReason frequency_cap) until the cap allows, or is skipped once validUntil has passed',
  })
  frequencyCap: number;
}

export class SampleContactDto {
  @ApiProperty({ example: '1042' }) id: string;
  @ApiProperty({ example: '+4915112345678' }) phone: string;
  @ApiProperty({ nullable: true, type: String, example: 'Maria' }) firstName: string | null;
  @ApiProperty({ nullable: true, type: String, example: 'Schmidt' }) lastName: string | null;
  @ApiProperty({ nullable: true, type: String, example: 'de' }) language: string | null;
  @ApiProperty({ nullable: true, type: String, example: 'DE' }) country: string | null;
}

export class AudiencePreviewResponse {
  @ApiProperty({ example: 48210, description: 'Contacts a launch now would create as pending (to be sent): the audience minus excluded.optedOut' })
  count: number;

  @ApiProperty({ type: ExcludedCountsDto })
  excluded: ExcludedCountsDto;

  @ApiProperty({ type: [CountryCountDto], description: 'count by the contacts’ country, largest first' })
  byCountry: CountryCountDto[];

  @ApiProperty({ type: [SampleContactDto], description: 'Up to 10 contacts of count, lowest id first' })
  sample: SampleContactDto[];
}
