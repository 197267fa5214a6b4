import { Body, Controller, Get, Param, Post, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import type { AuthedRequest } from '../auth/api-key.guard.js';
import { Roles } from '../auth/roles.decorator.js';
import { parseOrThrow } from '../common/zod-validation.js';
import { contactBody, ContactsService } from './contacts.service.js';

@ApiTags('custody')
@ApiBearerAuth()
@Controller('api/custody')
export class ContactsController {
  constructor(private readonly contacts: ContactsService) {}

  @Post(':id/contacts')
  @Roles('supervisor')
  @ApiOperation({
    summary: "Log a contact with ICE about this custody (kind, when, a note). One the facility's disclosure rule did not allow then is flagged (allowed: false) and counted in reports.",
  })
  @ApiBody({ schema: z.toJSONSchema(contactBody, { io: 'input' }) as object })
  add(@Req() req: AuthedRequest, @Param('id') id: string, @Body() body: unknown) {
    return this.contacts.add(id, parseOrThrow(contactBody, body), req.principal!);
  }

  @Get(':id/contacts')
  @Roles('supervisor', 'sheriff')
  @ApiOperation({ summary: 'The ICE-contact log of this custody, in time order, each with whether the disclosure rule allowed it.' })
  list(@Param('id') id: string) {
    return this.contacts.list(id);
  }
}
