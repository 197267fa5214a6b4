import { Body, Controller, Delete, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { parseOrThrow } from '../common/zod-validation.js';
import { ApiKeysService, createKeyBody } from './api-keys.service.js';

@ApiTags('auth')
@ApiBearerAuth()
@Controller('api/keys')
export class ApiKeysController {
  constructor(private readonly keys: ApiKeysService) {}

  @Post()
  @ApiOperation({ summary: 'Issue an API key (admin). The secret is in the answer once and never again.' })
  @ApiBody({ schema: z.toJSONSchema(createKeyBody, { io: 'input' }) as object })
  create(@Body() body: unknown) {
    return this.keys.create(parseOrThrow(createKeyBody, body));
  }

  @Get()
  @ApiOperation({ summary: 'List API keys, without their secrets (admin).' })
  async list() {
    return { items: await this.keys.list() };
  }

  @Delete(':id')
  @HttpCode(200)
  @ApiOperation({ summary: 'Revoke an API key at once (admin).' })
  revoke(@Param('id') id: string) {
    return this.keys.revoke(id);
  }
}
