import { Controller, Get, HttpCode, Param, Post, Req, StreamableFile, UseGuards } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiBody,
  ApiConsumes,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiPayloadTooLargeResponse,
  ApiProduces,
  ApiTags,
  ApiUnauthorizedResponse,
  ApiUnprocessableEntityResponse,
  ApiUnsupportedMediaTypeResponse,
} from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { ApiTokenGuard } from '../common/api-token.guard.js';
import { CreateImportBody, ImportAcceptedResponse, ImportResponse } from './dto/import.dto.js';
import { ImportsService } from './imports.service.js';
import { importIdParam } from '../common/id-param.pipe.js';

@ApiTags('contacts')
@ApiBearerAuth()
@ApiUnauthorizedResponse({ description: 'Missing or wrong API token' })
@UseGuards(ApiTokenGuard)
@Controller('v1/contacts/imports')
export class ImportsController {
  constructor(private readonly imports: ImportsService) {}

  @Post()
  @HttpCode(202)
  @ApiConsumes('multipart/form-data')
  @ApiBody({ type: CreateImportBody })
  @ApiAcceptedResponse({ type: ImportAcceptedResponse, description: 'Accepted; the file is imported in the background: poll GET /v1/contacts/imports/{id}' })
  @ApiBadRequestResponse({ description: 'No file, unknown fields, an empty file, no phone column, a bad defaultCountry' })
  @ApiPayloadTooLargeResponse({ description: 'Over the upload limit (UPLOAD_LIMIT_MB, default 100)' })
  @ApiUnprocessableEntityResponse({ description: 'A header of more than 1,000 columns' })
  @ApiUnsupportedMediaTypeResponse({ description: 'Not multipart, or the file is not CSV text (a workbook, binary, not UTF-8, JSON, HTML)' })
  async create(@Req() request: FastifyRequest): Promise<ImportAcceptedResponse> {
    return this.imports.create(await this.imports.receive(request));
  }

  @Get(':id')
  @ApiOkResponse({ type: ImportResponse, description: 'Status with running counts while it runs; the first 100 rejects' })
  @ApiNotFoundResponse({ description: 'Unknown import' })
  @ApiBadRequestResponse({ description: 'id is not an import id (a UUID)' })
  get(@Param('id', importIdParam) id: string): Promise<ImportResponse> {
    return this.imports.get(id);
  }

  @Get(':id/errors.csv')
  @ApiProduces('text/csv')
  @ApiOkResponse({ description: 'Every rejected row: line,value,reason (cells escaped against formula injection)', schema: { type: 'string' } })
  @ApiNotFoundResponse({ description: 'Unknown import' })
  @ApiBadRequestResponse({ description: 'id is not an import id (a UUID)' })
  async errors(@Param('id', importIdParam) id: string): Promise<StreamableFile> {
    return new StreamableFile(await this.imports.errorsCsv(id), {
      type: 'text/csv; charset=utf-8',
      disposition: `attachment; filename="import-${id}-errors.csv"`,
    });
  }
}
