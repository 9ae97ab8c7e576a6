import { Body, Controller, Get, HttpCode, Param, Patch, Post, Query, UseGuards } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiConflictResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { ApiTokenGuard } from '../common/api-token.guard.js';
import { ContactsService } from './contacts.service.js';
import { ContactDetailResponse, ContactPageResponse, ListContactsQuery, OptInBody, OptOutBody, UpdateContactBody } from './dto/contact.dto.js';
import { contactIdParam } from '../common/id-param.pipe.js';

@ApiTags('contacts')
@ApiBearerAuth()
@ApiUnauthorizedResponse({ description: 'Missing or wrong API token' })
@UseGuards(ApiTokenGuard)
@Controller('v1/contacts')
export class ContactsController {
  constructor(private readonly contacts: ContactsService) {}

  @Get()
  @ApiOkResponse({ type: ContactPageResponse, description: 'Keyset-paginated by id; filter by phone (any format) and/or list' })
  @ApiBadRequestResponse({ description: 'A bad cursor, limit or listId' })
  list(@Query() query: ListContactsQuery): Promise<ContactPageResponse> {
    return this.contacts.list(query);
  }

  @Get(':id')
  @ApiOkResponse({ type: ContactDetailResponse })
  @ApiNotFoundResponse({ description: 'Unknown contact' })
  @ApiBadRequestResponse({ description: 'id is not a contact id (a whole number)' })
  get(@Param('id', contactIdParam) id: string): Promise<ContactDetailResponse> {
    return this.contacts.get(id);
  }

  @Patch(':id')
  @ApiOkResponse({ type: ContactDetailResponse, description: 'Names, language and attributes changed (consent and the number are not edited here)' })
  @ApiBadRequestResponse({ description: 'Nothing to change, a bad language code, an attribute key or value that is not allowed' })
  @ApiNotFoundResponse({ description: 'Unknown contact' })
  @ApiConflictResponse({ description: 'An import is writing contacts; try again when it has finished' })
  update(@Param('id', contactIdParam) id: string, @Body() body: UpdateContactBody): Promise<ContactDetailResponse> {
    return this.contacts.update(id, body);
  }

  @Post(':id/opt-out')
  @HttpCode(200)
  @ApiOkResponse({ type: ContactDetailResponse, description: 'Opted out (sticky: imports never opt the contact in again)' })
  @ApiNotFoundResponse({ description: 'Unknown contact' })
  @ApiConflictResponse({ description: 'An import is writing contacts; try again when it has finished' })
  @ApiBadRequestResponse({ description: 'id is not a contact id (a whole number)' })
  optOut(@Param('id', contactIdParam) id: string, @Body() body: OptOutBody): Promise<ContactDetailResponse> {
    return this.contacts.optOut(id, body);
  }

  @Post(':id/opt-in')
  @HttpCode(200)
  @ApiOkResponse({ type: ContactDetailResponse, description: 'Opted in again, with source and proof recorded in the history' })
  @ApiNotFoundResponse({ description: 'Unknown contact' })
  @ApiConflictResponse({ description: 'An import is writing contacts; try again when it has finished' })
  @ApiBadRequestResponse({ description: 'id is not a contact id (a whole number)' })
  optIn(@Param('id', contactIdParam) id: string, @Body() body: OptInBody): Promise<ContactDetailResponse> {
    return this.contacts.optIn(id, body);
  }
}
