import { Controller, Get, Param, Query, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import type { AuthedRequest } from '../auth/api-key.guard.js';
import { attachment } from '../common/content-disposition.js';
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
  @ApiQuery({ name: 'endedFrom', required: false, description: "custody that ended at or after: a date YYYY-MM-DD (midnight in each facility's own time zone) or an instant with offset" })
  @ApiQuery({ name: 'endedTo', required: false, description: 'custody that ended before (exclusive), of the same kind as endedFrom' })
  @ApiQuery({ name: 'limit', required: false, description: '1-1000, default 100' })
  @ApiQuery({ name: 'cursor', required: false, description: 'nextCursor of the previous page' })
  @ApiQuery({ name: 'format', required: false, enum: ['json', 'csv'], description: 'csv: every matching record (not a page), one row per person, in words' })
  async list(@Req() req: AuthedRequest, @Query() query: unknown, @Res({ passthrough: true }) res: Response) {
    const q = parseOrThrow(custodyQuery, query);
    if (q.format === 'json') return this.custody.list(q, req.principal!.role);
    const body = await this.custody.csv(q, req.principal!.role);
    res.type('text/csv; charset=utf-8').setHeader('Content-Disposition', attachment(`custody-${q.facilityId ?? 'all'}.csv`));
    return body;
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
