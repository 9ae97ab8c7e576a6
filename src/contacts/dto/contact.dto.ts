import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsNotEmpty, IsObject, IsOptional, IsString, IsUUID, Matches, Max, MaxLength, Min } from 'class-validator';

export class ContactResponse {
  @ApiProperty({ example: '42' })
  id: string;

  @ApiProperty({ example: '+4915112345678', description: 'E.164' })
  phone: string;

  @ApiProperty({ example: '4915112345678', description: 'WhatsApp id: the digits of the E.164 number' })
  waId: string;

  @ApiProperty({ nullable: true, type: String })
  firstName: string | null;

  @ApiProperty({ nullable: true, type: String })
  lastName: string | null;

  @ApiProperty({ nullable: true, type: String, example: 'de' })
  language: string | null;

  @ApiProperty({ nullable: true, type: String, example: 'DE', description: 'Country of the number' })
  country: string | null;

  @ApiProperty({ type: 'object', additionalProperties: { type: 'string' }, example: { city: 'Berlin' } })
  attributes: Record<string, string>;

  @ApiProperty({ description: 'Opted in and not opted out: campaigns may message this contact' })
  optedIn: boolean;

  @ApiProperty({ nullable: true, type: String })
  optedInAt: string | null;

  @ApiProperty({ nullable: true, type: String })
  optInSource: string | null;

  @ApiProperty({ nullable: true, type: String })
  optInProof: string | null;

  @ApiProperty({ nullable: true, type: String })
  optedOutAt: string | null;

  @ApiProperty({ nullable: true, type: String })
  optOutReason: string | null;

  @ApiProperty({ nullable: true, type: String, description: 'Last message from the contact (opens the 24 h service window)' })
  lastInboundAt: string | null;

  @ApiProperty({
    nullable: true,
    type: String,
    description: 'When WhatsApp reported that the person stopped marketing messages (user_preferences, error 131050): no MARKETING template is sent to them',
  })
  marketingOptedOutAt: string | null;

  @ApiProperty({ nullable: true, type: String, description: "WhatsApp's business-scoped user id, when a webhook named it" })
  userId: string | null;

  @ApiProperty()
  createdAt: string;

  @ApiProperty()
  updatedAt: string;
}

export class ConsentEventResponse {
  @ApiProperty({ enum: ['opt_in', 'opt_out'] })
  kind: string;

  @ApiProperty({ example: 'import' })
  source: string;

  @ApiProperty({ nullable: true, type: String })
  proof: string | null;

  @ApiProperty()
  occurredAt: string;
}

export class ContactDetailResponse extends ContactResponse {
  @ApiProperty({ type: [String], description: 'Lists the contact belongs to' })
  listIds: string[];

  @ApiProperty({ type: [ConsentEventResponse], description: 'Opt-in and opt-out history, oldest first' })
  consentHistory: ConsentEventResponse[];
}

export class ContactPageResponse {
  @ApiProperty({ type: [ContactResponse] })
  items: ContactResponse[];

  @ApiProperty({ nullable: true, type: String, description: 'Pass as cursor for the next page; null on the last page' })
  nextCursor: string | null;
}

export class ListContactsQuery {
  @ApiPropertyOptional({ example: '+49 151 1234 5678', description: 'A phone number in any format (E.164, 00…, spaces, dashes, wa_id digits)' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  phone?: string;

  @ApiPropertyOptional({ example: 'DE', description: 'Country for a phone given without country code' })
  @IsOptional()
  @IsString()
  @MaxLength(2)
  country?: string;

  @ApiPropertyOptional({ description: 'Only members of this list' })
  @IsOptional()
  @IsUUID('all', { message: 'listId must be a list id (UUID)' })
  listId?: string;

  @ApiPropertyOptional({ example: 'maria', description: 'Contacts whose "first_name last_name" contains this text (any case); ignored when phone is given' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  name?: string;

  @ApiPropertyOptional({ description: 'nextCursor of the previous page' })
  @IsOptional()
  @IsString()
  @MaxLength(128)
  cursor?: string;

  @ApiPropertyOptional({ default: 50, minimum: 1, maximum: 500 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(500)
  limit?: number;
}

export class OptOutBody {
  @ApiPropertyOptional({ example: 'asked by phone to stop messages', description: 'Why the contact opted out (default "opted out via API")' })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  reason?: string;

  @ApiPropertyOptional({ example: 'ticket #4711', description: 'Evidence of the request' })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  proof?: string;
}

export class OptInBody {
  @ApiProperty({ example: 'double opt-in email', description: 'How the contact opted in again' })
  @IsString()
  @IsNotEmpty({ message: 'source must say how the contact opted in' })
  @MaxLength(500)
  source: string;

  @ApiPropertyOptional({ example: 'confirmation 2026-03-01T10:00:00Z from 203.0.113.7', description: 'Evidence of the opt-in' })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  proof?: string;
}

/** PATCH /v1/contacts/:id: only the fields given change; null (or "") clears a name or the language. */
export class UpdateContactBody {
  @ApiPropertyOptional({ example: 'Maria', nullable: true, type: String, description: 'null or "" clears it' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  firstName?: string | null;

  @ApiPropertyOptional({ example: 'Schmidt', nullable: true, type: String, description: 'null or "" clears it' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  lastName?: string | null;

  @ApiPropertyOptional({ example: 'de', nullable: true, type: String, description: 'A language code such as de, en_US or pt-BR; null or "" clears it' })
  @IsOptional()
  @IsString()
  @Matches(/^$|^[A-Za-z]{2,3}([_-][A-Za-z0-9]{2,8})*$/, { message: 'language must be a language code such as de, en_US or pt-BR' })
  @MaxLength(35)
  language?: string | null;

  @ApiPropertyOptional({
    example: { plan: 'gold', city: 'Berlin', old_key: null },
    description: 'Merged into the attributes: a string sets the key, null removes it (keys: letters, digits and _, at most 64; values at most 1000 characters; at most 100 keys)',
    type: 'object',
    additionalProperties: { type: 'string', nullable: true },
  })
  @IsOptional()
  @IsObject()
  attributes?: Record<string, string | null>;
}
