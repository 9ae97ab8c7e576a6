import { Injectable } from '@nestjs/common';
import { stringify } from 'csv-stringify/sync';
import { Readable } from 'node:stream';
import { escapeCsvCell } from '../common/csv-escape.js';
import { DomainError } from '../common/domain-error.js';
import { AppConfig } from '../config/app-config.js';
import { iso, isoOrNull } from './contacts.service.js';
import type { ImportAcceptedResponse, ImportResponse } from './dto/import.dto.js';
import type { ContactImport } from './import.entity.js';
import { sniffCsv } from './import/csv-sniff.js';
import { toCountryCode } from './import/phone.js';
import { ImportProcessor } from './import.processor.js';
import { type ImportErrorPosition, ImportsRepository } from './imports.repository.js';
import type { FastifyRequest } from 'fastify';
import { discard, type ReceivedUpload, receiveUpload } from './import-upload.js';
import { isUuid } from '../common/ids.js';

export const IMPORT_FIELDS = ['list', 'defaultCountry', 'optInSource'] as const;

const ERRORS_IN_JSON = 100;

const SNIFF_ERRORS = { not_csv: 'unsupported_media_type', empty: 'invalid', no_phone_column: 'invalid', too_many_columns: 'unprocessable' } as const;
const ERRORS_PAGE = 5_000;

/**
 * What is checked before the 202 (nothing is written to the database when one fails):
 * - not multipart, no "file" part, unknown fields, a second file → 400 / 415;
 * - over UPLOAD_LIMIT_MB → 413 (the upload is streamed into PostgreSQL in 1 MB chunks; `truncated` is checked);
 * - empty file, or a header row with no contact after it → 400;
 * - not CSV text: binary, a workbook/PDF/image/archive, UTF-16, not UTF-8, JSON or HTML → 415
 *   (judged on the first 64 KB);
 * - header without a phone column, with several phone columns or a known column twice → 400;
 * - a header of more than 1,000 columns → 422 (judged on the first 64 KB, in time linear in its length);
 * - defaultCountry not an ISO alpha-2 country → 400.
 * Everything else is found while the file is read and ends in the status: a row's problem is a
 * reject with line and reason; a problem of the file itself (a quote never closed, a row over 1 MB,
 * bytes that are not UTF-8 after the first 64 KB, a database failure) ends the import `failed` with
 * the reason, and nothing of it is imported.
 */
@Injectable()
export class ImportsService {
  constructor(
    private readonly imports: ImportsRepository,
    private readonly processor: ImportProcessor,
    private readonly config: AppConfig,
  ) {}

  /** Streams the multipart request's file into PostgreSQL (import_upload_chunks) and reads its fields. */
  receive(request: FastifyRequest): Promise<ReceivedUpload> {
    return receiveUpload(request, IMPORT_FIELDS, this.imports);
  }

  async create(upload: ReceivedUpload): Promise<ImportAcceptedResponse> {
    let accepted = false;
    try {
      if (upload.unexpected.length > 0) {
        throw new DomainError('invalid', `Unexpected ${upload.unexpected.join(', ')}: send the CSV as "file" and optionally ${IMPORT_FIELDS.join(', ')}`);
      }
      const file = upload.file;
      if (!file) throw new DomainError('invalid', 'file is required: attach the CSV in the multipart field "file"');
      if (file.truncated) {
        throw new DomainError('payload_too_large', `The file is larger than the upload limit of ${this.config.env.UPLOAD_LIMIT_MB} MB (UPLOAD_LIMIT_MB)`);
      }
      const options = this.options(upload.fields);
      const sniff = sniffCsv(file.head, file.size <= file.head.length);
      if (!sniff.ok) throw new DomainError(SNIFF_ERRORS[sniff.kind], sniff.message);

      const entity = await this.imports.create({
        id: file.uploadId,
        delimiter: sniff.delimiter,
        fileName: file.name || null,
        listName: options.list,
        defaultCountry: options.defaultCountry,
        optInSource: options.optInSource,
        fileSize: file.size,
      });
      this.processor.enqueue({
        id: entity.id,
        delimiter: sniff.delimiter,
        listName: options.list,
        defaultCountry: options.defaultCountry,
        optInSource: options.optInSource,
        createdAt: entity.createdAt,
      });
      accepted = true;
      return { id: entity.id, status: 'queued' };
    } finally {
      if (!accepted) await discard(upload, this.imports);
    }
  }

  async get(id: string): Promise<ImportResponse> {
    const entity = await this.find(id);
    const errors = await this.imports.firstErrors(id, ERRORS_IN_JSON);
    const size = entity.fileSize === null ? null : Number(entity.fileSize);
    const progress = entity.status === 'completed' ? 1 : size ? Math.min(1, Number(entity.bytesRead) / size) : null;
    return {
      id: entity.id,
      status: entity.status,
      listId: entity.listId,
      list: entity.listName,
      fileName: entity.fileName,
      defaultCountry: entity.defaultCountry,
      optInSource: entity.optInSource,
      totalRows: entity.totalRows,
      imported: entity.imported,
      updated: entity.updated,
      duplicates: entity.duplicates,
      rejected: entity.rejected,
      optedOut: entity.optedOut,
      progress: progress === null ? null : Math.round(progress * 1000) / 1000,
      errors: errors.map((error) => ({ line: error.line, value: error.value, reason: error.reason })),
      failureReason: entity.failureReason,
      createdAt: iso(entity.createdAt),
      startedAt: isoOrNull(entity.startedAt),
      finishedAt: isoOrNull(entity.finishedAt),
    };
  }

  /** Every reject (line, value, reason), streamed page by page; cells escaped against formula injection. */
  async errorsCsv(id: string): Promise<Readable> {
    await this.find(id);
    const imports = this.imports;
    async function* lines(): AsyncGenerator<string> {
      yield stringify([['line', 'value', 'reason']]);
      let after: ImportErrorPosition = { line: 0, id: '0' };
      for (;;) {
        const rows = await imports.errorsPage(id, after, ERRORS_PAGE);
        if (rows.length === 0) return;
        yield stringify(rows.map((row) => [row.line, escapeCsvCell(row.value), escapeCsvCell(row.reason)]));
        const last = rows[rows.length - 1];
        after = { line: last.line, id: last.id };
        if (rows.length < ERRORS_PAGE) return;
      }
    }
    return Readable.from(lines());
  }

  private options(fields: Record<string, string>): { list: string | null; defaultCountry: string | null; optInSource: string | null } {
    const list = fields.list?.trim() || null;
    if (list !== null && list.length > 200) throw new DomainError('invalid', 'list must be a list name of at most 200 characters');
    const countryText = fields.defaultCountry?.trim() || null;
    const defaultCountry = countryText === null ? null : toCountryCode(countryText);
    if (countryText !== null && defaultCountry === null) {
      throw new DomainError('invalid', `defaultCountry must be an ISO 3166 alpha-2 country code such as DE, GB or US (got "${countryText.slice(0, 20)}")`);
    }
    const optInSource = fields.optInSource?.trim() || null;
    if (optInSource !== null && optInSource.length > 500) throw new DomainError('invalid', 'optInSource must be at most 500 characters');
    return { list, defaultCountry, optInSource };
  }

  private async find(id: string): Promise<ContactImport> {
    const entity = isUuid(id) ? await this.imports.findById(id) : null;
    if (!entity) throw new DomainError('not_found', `Import ${id} not found`);
    return entity;
  }
}
