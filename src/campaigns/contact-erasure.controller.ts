import { Controller, Delete, HttpCode, Param, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiConflictResponse, ApiNoContentResponse, ApiNotFoundResponse, ApiTags, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { ApiTokenGuard } from '../common/api-token.guard.js';
import { ContactErasureService } from './contact-erasure.service.js';
import { contactIdParam } from '../common/id-param.pipe.js';

@ApiTags('contacts')
@ApiBearerAuth()
@ApiUnauthorizedResponse({ description: 'Missing or wrong API token' })
@UseGuards(ApiTokenGuard)
@Controller('v1/contacts')
export class ContactErasureController {
  constructor(private readonly erasure: ContactErasureService) {}

  @Delete(':id')
  @HttpCode(204)
  @ApiNoContentResponse({
    description:
      'Erased: the contact, its consent history and list memberships are deleted; its campaign recipients keep their rows (counts) without phone, WhatsApp id, rendered parameters or user id, and those not sent yet are skipped (skipReason contact_erased). When the person had opted out, a keyed hash of the number is kept so that an import of it again creates the contact opted out.',
  })
  @ApiNotFoundResponse({ description: 'Unknown contact' })
  @ApiConflictResponse({ description: 'An import is writing contacts; try again when it has finished' })
  async erase(@Param('id', contactIdParam) id: string): Promise<void> {
    await this.erasure.erase(id);
  }
}
