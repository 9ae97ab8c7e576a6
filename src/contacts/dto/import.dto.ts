import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/** The multipart body of POST /v1/contacts/imports (documentation only: the upload is streamed, not parsed into this). */
export class CreateImportBody {
  @ApiProperty({
    type: 'string',
    format: 'binary',
    description:
      'The CSV (UTF-8, with or without BOM; delimiter , ; or tab). Header row required, with a phone column named phone, ' +
      'phone_number, mobile, msisdn or wa_id (any case). Known columns: first_name, last_name, language, opted_in_at, ' +
      'opt_in_source, opt_in_proof, country (the default country of that row). Every other column goes into attributes.',
  })
  file: unknown;

  @ApiPropertyOptional({ example: 'Spring customers', description: 'List name: created if missing, reused otherwise. Omit to import without a list.' })
  list?: string;

  @ApiPropertyOptional({ example: 'DE', description: 'ISO 3166 alpha-2 country for numbers written without a country code' })
  defaultCountry?: string;

  @ApiPropertyOptional({ example: 'website signup form', description: 'Opt-in source for rows without an opt_in_source column value (default "import")' })
  optInSource?: string;
}

export class ImportAcceptedResponse {
  @ApiProperty({ example: '3f1c2a9e-5b7d-4c1e-9a8b-2d4e6f8a0b1c' })
  id: string;

  @ApiProperty({ example: 'queued', enum: ['queued'] })
  status: 'queued';
}

export class ImportErrorResponse {
  @ApiProperty({ example: 17, description: '1-based physical line in the file where the rejected row starts (header = line 1)' })
  line: number;

  @ApiProperty({ example: '12ab', description: 'The raw value that was refused' })
  value: string | null;

  @ApiProperty({ example: 'invalid phone number' })
  reason: string;
}

export class ImportResponse {
  @ApiProperty()
  id: string;

  @ApiProperty({ enum: ['queued', 'running', 'completed', 'failed'] })
  status: string;

  @ApiProperty({ nullable: true, type: String, description: 'Set once the import has completed (the list is created atomically with the import)' })
  listId: string | null;

  @ApiProperty({ nullable: true, type: String, example: 'Spring customers', description: 'The list name given with the upload' })
  list: string | null;

  @ApiProperty({ nullable: true, type: String, example: 'contacts.csv' })
  fileName: string | null;

  @ApiProperty({ nullable: true, type: String, example: 'DE' })
  defaultCountry: string | null;

  @ApiProperty({ nullable: true, type: String })
  optInSource: string | null;

  @ApiProperty({ description: 'Data rows read (blank lines not counted) = imported + updated + duplicates + rejected once completed' })
  totalRows: number;

  @ApiProperty({ description: 'New contacts created' })
  imported: number;

  @ApiProperty({ description: 'Rows matching an existing contact (its fields updated where the file has values)' })
  updated: number;

  @ApiProperty({ description: 'Rows repeating a phone number seen earlier in the file (the first row wins)' })
  duplicates: number;

  @ApiProperty({ description: 'Rows refused, each with a line and a reason' })
  rejected: number;

  @ApiProperty({ description: 'Of the updated rows, contacts that are opted out and stay opted out' })
  optedOut: number;

  @ApiProperty({ nullable: true, type: Number, example: 0.42, description: 'Share of the file read so far (0 to 1)' })
  progress: number | null;

  @ApiProperty({ type: [ImportErrorResponse], description: 'The first 100 rejects; all of them in errors.csv' })
  errors: ImportErrorResponse[];

  @ApiProperty({ nullable: true, type: String, description: 'Why a failed import failed (nothing of it was imported)' })
  failureReason: string | null;

  @ApiProperty()
  createdAt: string;

  @ApiProperty({ nullable: true, type: String })
  startedAt: string | null;

  @ApiProperty({ nullable: true, type: String })
  finishedAt: string | null;
}
