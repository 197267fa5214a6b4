import { Controller, Get, Param, Query, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { AuthedRequest } from '../auth/api-key.guard.js';
import { Roles } from '../auth/roles.decorator.js';
import { parseOrThrow } from '../common/zod-validation.js';
import { CUSTODY_STATUSES, custodyQuery, verdictChangesQuery } from './custody.dto.js';
import { CustodyService } from './custody.service.js';
import { VIOLATION_REASONS } from './judge.js';

@ApiTags('custody')
@ApiBearerAuth()
@Controller('api/custody')
export class CustodyController {
  constructor(private readonly custody: CustodyService) {}

  @Get()
  @Roles('supervisor', 'sheriff')
  @ApiOperation({ summary: 'Custody records (one per booking that has or had a detainer), least authority left first, with cursor pagination.' })
  @ApiQuery({ name: 'facilityId', required: false })
  @ApiQuery({ name: 'bookingId', required: false })
  @ApiQuery({ name: 'personId', required: false })
  @ApiQuery({ name: 'q', required: false, description: 'find a person or booking: a booking id, person id, A-number or words of a name (names and A-numbers for roles that see them)' })
  @ApiQuery({ name: 'status', required: false, enum: CUSTODY_STATUSES })
  @ApiQuery({ name: 'authorizedBefore', required: false, description: 'ISO 8601 instant with offset: open custody whose authority ends (or ended) before it' })
  @ApiQuery({ name: 'compliant', required: false, enum: ['true', 'false'] })
  @ApiQuery({ name: 'quarter', required: false, description: "e.g. 2025-Q1: custody whose first detainer was received in that quarter of the facility's calendar (as the quarterly review counts)" })
  @ApiQuery({ name: 'reason', required: false, enum: VIOLATION_REASONS, description: 'custody with a violation of this reason' })
  @ApiQuery({ name: 'limit', required: false, description: '1-1000, default 100' })
  @ApiQuery({ name: 'cursor', required: false, description: 'nextCursor of the previous page' })
  list(@Req() req: AuthedRequest, @Query() query: unknown) {
    return this.custody.list(parseOrThrow(custodyQuery, query), req.principal!.role);
  }

  @Get('verdict-changes')
  @ApiOperation({ summary: "Verdicts that changed when custody was judged again (an upgrade, or a change of a facility's rules), newest first (admin)." })
  verdictChanges(@Query() query: unknown) {
    return this.custody.verdictChanges(parseOrThrow(verdictChangesQuery, query));
  }

  @Get(':id')
  @Roles('supervisor', 'sheriff')
  @ApiOperation({ summary: 'One custody record with its timeline: every event of the booking, in occurredAt order.' })
  get(@Req() req: AuthedRequest, @Param('id') id: string) {
    return this.custody.get(id, req.principal!.role);
  }
}
