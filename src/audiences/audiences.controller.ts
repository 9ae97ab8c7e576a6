import { BadRequestException, Body, Controller, Delete, Get, HttpCode, Param, type PipeTransform, Post, Query, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiConflictResponse, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiTags, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { ApiTokenGuard } from '../common/api-token.guard.js';
import { isUuid } from '../common/ids.js';
import { AudiencesService } from './audiences.service.js';
import { AudiencePreviewDto, AudiencePreviewResponse } from './dto/audience.dto.js';
import { CreateSegmentDto, ListSegmentsQueryDto, SegmentListResponse, SegmentResponse } from './dto/segment.dto.js';
import { SegmentsService } from './segments.service.js';

class SegmentIdPipe implements PipeTransform<string, string> {
  transform(value: string): string {
    if (!isUuid(value)) throw new BadRequestException('Validation failed (uuid is expected)');
    return value;
  }
}

@ApiTags('audiences')
@ApiBearerAuth()
@ApiUnauthorizedResponse({ description: 'Missing or wrong API token' })
@UseGuards(ApiTokenGuard)
@Controller('v1/audiences')
export class AudiencesController {
  constructor(private readonly audiences: AudiencesService) {}

  @Post('preview')
  @HttpCode(200)
  @ApiOkResponse({ type: AudiencePreviewResponse, description: 'What a launch now would do: counted by the launch’s own SQL' })
  preview(@Body() body: AudiencePreviewDto): Promise<AudiencePreviewResponse> {
    return this.audiences.preview(body);
  }
}

@ApiTags('audiences')
@ApiBearerAuth()
@ApiUnauthorizedResponse({ description: 'Missing or wrong API token' })
@UseGuards(ApiTokenGuard)
@Controller('v1/segments')
export class SegmentsController {
  constructor(private readonly segments: SegmentsService) {}

  @Post()
  @ApiCreatedResponse({ type: SegmentResponse })
  @ApiConflictResponse({ description: 'A segment with this name exists' })
  create(@Body() body: CreateSegmentDto): Promise<SegmentResponse> {
    return this.segments.create(body);
  }

  @Get()
  @ApiOkResponse({ type: SegmentListResponse, description: 'Newest first, keyset-paginated' })
  list(@Query() query: ListSegmentsQueryDto): Promise<SegmentListResponse> {
    return this.segments.list(query.cursor, query.limit);
  }

  @Get(':id')
  @ApiOkResponse({ type: SegmentResponse })
  get(@Param('id', SegmentIdPipe) id: string): Promise<SegmentResponse> {
    return this.segments.get(id);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'Deleted' })
  @ApiConflictResponse({ description: 'A campaign not launched yet uses the segment' })
  delete(@Param('id', SegmentIdPipe) id: string): Promise<void> {
    return this.segments.delete(id);
  }
}
