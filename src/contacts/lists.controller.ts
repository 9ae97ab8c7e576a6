import { Controller, Get, Param, Query, UseGuards } from '@nestjs/common';
import { ApiBadRequestResponse, ApiBearerAuth, ApiNotFoundResponse, ApiOkResponse, ApiTags, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { ApiTokenGuard } from '../common/api-token.guard.js';
import { ListListsQuery, ListPageResponse, ListResponse } from './dto/list.dto.js';
import { ListsService } from './lists.service.js';
import { listIdParam } from '../common/id-param.pipe.js';

@ApiTags('lists')
@ApiBearerAuth()
@ApiUnauthorizedResponse({ description: 'Missing or wrong API token' })
@UseGuards(ApiTokenGuard)
@Controller('v1/lists')
export class ListsController {
  constructor(private readonly lists: ListsService) {}

  @Get()
  @ApiOkResponse({ type: ListPageResponse, description: 'Oldest first, keyset-paginated' })
  list(@Query() query: ListListsQuery): Promise<ListPageResponse> {
    return this.lists.list(query.cursor, query.limit);
  }

  @Get(':id')
  @ApiOkResponse({ type: ListResponse })
  @ApiNotFoundResponse({ description: 'Unknown list' })
  @ApiBadRequestResponse({ description: 'id is not a list id (a UUID)' })
  get(@Param('id', listIdParam) id: string): Promise<ListResponse> {
    return this.lists.get(id);
  }
}
