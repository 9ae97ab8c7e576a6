/** The parts a campaign is made of (template, send window, frequency cap, A/B variants), shared by create, update and the answer. */
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsIn,
  IsInt,
  IsNotEmpty,
  IsNumber,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';


export class TemplateComponentDto {
  @ApiProperty({ example: 'body', description: 'header, body or button' })
  @IsIn(['header', 'body', 'button', 'footer'])
  type: string;

  @ApiPropertyOptional({ example: 'url', description: 'buttons only: url, quick_reply, …' })
  @IsOptional()
  @IsString()
  sub_type?: string;

  @ApiPropertyOptional({ example: '0', description: 'buttons only: position of the button' })
  @IsOptional()
  index?: string | number;

  @ApiPropertyOptional({
    example: [{ type: 'text', text: '{{first_name|there}}' }],
    description: 'Parameters as 360dialog expects them; any string may hold {{field}} or {{field|fallback}}',
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(30)
  @IsObject({ each: true })
  parameters?: Array<Record<string, unknown>>;
}

export class TemplateDto {
  @ApiProperty({ example: 'spring_sale' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(512)
  name: string;

  @ApiProperty({ example: 'en' })
  @IsString()
  @Matches(/^[a-z]{2,3}([_-][A-Za-z]{2,4})?$/, { message: 'template.language must be a language code such as en or pt_BR' })
  language: string;

  @ApiPropertyOptional({ description: 'On-Premise channels: the template namespace (defaults to the channel’s)' })
  @IsOptional()
  @IsString()
  namespace?: string;

  @ApiProperty({ type: [TemplateComponentDto] })
  @IsArray()
  @ArrayMaxSize(20)
  @ValidateNested({ each: true })
  @Type(() => TemplateComponentDto)
  components: TemplateComponentDto[];
}

export class SendWindowDto {
  @ApiProperty({ example: '09:00' })
  @IsString()
  start: string;

  @ApiProperty({ example: '20:00' })
  @IsString()
  end: string;

  @ApiProperty({
    example: 'Europe/Berlin',
    description:
      'An IANA time zone, or "recipient": each recipient\'s own time — the contact\'s `timezone` attribute, else the zone of the number\'s country when it has one, else fallbackTimezone',
  })
  @IsString()
  timezone: string;

  @ApiPropertyOptional({
    example: 'Europe/Berlin',
    description: 'Required with timezone "recipient" (and only allowed there): the zone of recipients whose own zone is unknown',
  })
  @IsOptional()
  @IsString()
  fallbackTimezone?: string;
}

export class FrequencyCapDto {
  @ApiProperty({ example: 1, minimum: 1, maximum: 100, description: 'At most this many MARKETING templates per contact…' })
  @IsInt({ message: 'frequencyCap.max must be a whole number' })
  max: number;

  @ApiProperty({ example: 24, minimum: 1, maximum: 720, description: '…in any window of this many hours (any campaign, any channel of this engine)' })
  @IsInt({ message: 'frequencyCap.hours must be a whole number of hours' })
  hours: number;
}

export const FREQUENCY_CAP =
  'Overrides MARKETING_FREQUENCY_CAP for this campaign (MARKETING templates only). A contact at the cap waits (waitingReason frequency_cap) until allowed, or is skipped when that is after validUntil';
export class CampaignVariantDto {
  @ApiProperty({ example: 'A', description: 'Unique within the campaign: 1–64 letters, digits, _ or -' })
  @IsString()
  @Matches(/^[A-Za-z0-9_-]{1,64}$/, { message: 'variants[].name must be 1–64 letters, digits, _ or -' })
  name: string;

  @ApiProperty({ type: TemplateDto })
  @ValidateNested()
  @Type(() => TemplateDto)
  template: TemplateDto;

  @ApiProperty({ example: 50, description: 'Relative share of the (test) audience: 50/50, 1/1 and 70/30 are all fine' })
  @IsInt({ message: 'variants[].weight must be a whole number' })
  @Min(1)
  @Max(1000)
  weight: number;
}

export class WinnerRuleDto {
  @ApiProperty({ enum: ['read', 'replied', 'clicked'], example: 'clicked', description: 'Rate compared per variant: read, replied or clicked per sent test message' })
  @IsIn(['read', 'replied', 'clicked'], { message: 'winner.metric must be one of read, replied, clicked' })
  metric: 'read' | 'replied' | 'clicked';

  @ApiProperty({ example: 20, description: 'Percent of the audience in the test (1–99); the rest waits (waitingReason ab_test) and gets the winner' })
  @IsInt({ message: 'winner.testShare must be a whole percent' })
  @Min(1)
  @Max(99)
  testShare: number;

  @ApiProperty({ example: 4, description: 'Hours after launch at which the winner is picked (up to 720)' })
  @IsNumber({}, { message: 'winner.afterHours must be a number of hours' })
  @Min(0.01)
  @Max(720)
  afterHours: number;
}

