import { Controller, Get, Param, Query, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { AuthedRequest } from '../auth/api-key.guard.js';
import { Roles } from '../auth/roles.decorator.js';
import { parseOrThrow } from '../common/zod-validation.js';
import { HOLD_STATUSES, holdQuery } from './hold.dto.js';
import { HoldsService } from './holds.service.js';

@ApiTags('holds')
@ApiBearerAuth()
@Controller('api/holds')
export class HoldsController {
  constructor(private readonly holds: HoldsService) {}

  @Get()
  @Roles('supervisor', 'sheriff')
  @ApiOperation({ summary: 'Holds, by time left (soonest deadline first, no deadline last), with cursor pagination.' })
  @ApiQuery({ name: 'facilityId', required: false })
  @ApiQuery({ name: 'bookingId', required: false })
  @ApiQuery({ name: 'personId', required: false })
  @ApiQuery({ name: 'status', required: false, enum: HOLD_STATUSES })
  @ApiQuery({ name: 'deadlineBefore', required: false, description: 'ISO 8601 instant with offset' })
  @ApiQuery({ name: 'limit', required: false, description: '1-1000, default 100' })
  @ApiQuery({ name: 'cursor', required: false, description: 'nextCursor of the previous page' })
  list(@Req() req: AuthedRequest, @Query() query: unknown) {
    return this.holds.list(parseOrThrow(holdQuery, query), req.principal!.role);
  }

  @Get(':id')
  @Roles('supervisor', 'sheriff')
  @ApiOperation({ summary: 'One hold with its timeline: every event that shaped it, in occurredAt order.' })
  get(@Req() req: AuthedRequest, @Param('id') id: string) {
    return this.holds.get(id, req.principal!.role);
  }
}
