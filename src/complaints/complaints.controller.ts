import { Body, Controller, Get, Param, Post, Query, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import type { AuthedRequest } from '../auth/api-key.guard.js';
import { Roles } from '../auth/roles.decorator.js';
import { parseOrThrow } from '../common/zod-validation.js';
import { complaintCountsQuery, complaintsQuery, fileComplaintBody, transitionBody } from './complaints.dto.js';
import { ComplaintsService } from './complaints.service.js';

@ApiTags('complaints')
@ApiBearerAuth()
@Controller('api/complaints')
export class ComplaintsController {
  constructor(private readonly complaints: ComplaintsService) {}

  @Post()
  @Roles('supervisor', 'counsel')
  @ApiOperation({
    summary:
      "File a complaint (staff on someone's behalf; counsel only about a booking or person granted to them). Due dates for acknowledgement and closure follow the facility's complaintDeadlines (default 72 hours, 30 days). Logged in the tamper-evident chain.",
  })
  @ApiBody({ schema: z.toJSONSchema(fileComplaintBody, { io: 'input' }) as object })
  file(@Req() req: AuthedRequest, @Body() body: unknown) {
    return this.complaints.file(parseOrThrow(fileComplaintBody, body), req.principal!);
  }

  @Get()
  @Roles('supervisor', 'counsel')
  @ApiOperation({ summary: 'Complaints, newest first (counsel: those about bookings or people granted to the key).' })
  @ApiQuery({ name: 'facilityId', required: false })
  @ApiQuery({ name: 'bookingId', required: false })
  @ApiQuery({ name: 'personId', required: false })
  @ApiQuery({ name: 'state', required: false, enum: ['received', 'acknowledged', 'investigating', 'closed'] })
  @ApiQuery({ name: 'limit', required: false })
  list(@Req() req: AuthedRequest, @Query() query: unknown) {
    return this.complaints.list(parseOrThrow(complaintsQuery, query), req.principal!);
  }

  @Get('counts')
  @Roles('sheriff', 'supervisor')
  @ApiOperation({ summary: 'Complaints received in [from, to): by category, state and finding (zero where none), and how many were acknowledged or closed late.' })
  @ApiQuery({ name: 'facilityId', required: false })
  @ApiQuery({ name: 'from', required: true })
  @ApiQuery({ name: 'to', required: true })
  counts(@Query() query: unknown) {
    return this.complaints.counts(parseOrThrow(complaintCountsQuery, query));
  }

  @Post(':id/transition')
  @Roles('supervisor')
  @ApiOperation({
    summary:
      'Move a complaint along received → acknowledged → investigating → closed (acknowledged may close directly). Closing needs finding and response (400 naming them); a step the workflow does not allow → 409 naming to.',
  })
  @ApiBody({ schema: z.toJSONSchema(transitionBody, { io: 'input' }) as object })
  transition(@Req() req: AuthedRequest, @Param('id') id: string, @Body() body: unknown) {
    return this.complaints.transition(id, parseOrThrow(transitionBody, body), req.principal!);
  }
}
