import { Body, Controller, Get, Param, Put, Query, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import type { AuthedRequest } from '../auth/api-key.guard.js';
import { Roles } from '../auth/roles.decorator.js';
import { parseOrThrow } from '../common/zod-validation.js';
import { DETAINER_FORMS, WARRANT_KINDS } from '../clock/hold-clock.js';
import { calendarQuery, deadlineQuery, facilityBody } from './facility.dto.js';
import { FacilitiesService } from './facilities.service.js';

@ApiTags('facilities')
@ApiBearerAuth()
@Controller('api/facilities')
export class FacilitiesController {
  constructor(private readonly facilities: FacilitiesService) {}

  @Put(':facilityId')
  @ApiOperation({ summary: 'Create or reconfigure a facility (admin). A changed policy becomes a dated version; holds are judged again.' })
  @ApiBody({ schema: z.toJSONSchema(facilityBody, { io: 'input', unrepresentable: 'any' }) as object })
  put(@Req() req: AuthedRequest, @Param('facilityId') id: string, @Body() body: unknown) {
    return this.facilities.put(id, parseOrThrow(facilityBody, body), req.principal!);
  }

  @Get(':facilityId/changes')
  @Roles('sheriff')
  @ApiOperation({ summary: "Who changed the facility's configuration, when, and from what to what (the whole configuration before and after each change), newest first. Append-only." })
  changes(@Param('facilityId') id: string) {
    return this.facilities.changes(id);
  }

  @Get(':facilityId')
  @Roles('supervisor', 'sheriff')
  @ApiOperation({ summary: 'A facility, its policy in force now and its policy history.' })
  get(@Param('facilityId') id: string) {
    return this.facilities.get(id);
  }

  @Get(':facilityId/deadline')
  @Roles('supervisor', 'sheriff')
  @ApiOperation({ summary: 'The deadline if the person becomes eligible for release at a given instant (default now): the rules in force then, the days that do not count, the deadline, explained.' })
  @ApiQuery({ name: 'releaseEligibleAt', required: false, description: 'ISO 8601 instant with offset; default now' })
  @ApiQuery({ name: 'form', required: false, enum: DETAINER_FORMS, description: 'default I-247A' })
  @ApiQuery({ name: 'warrant', required: false, enum: WARRANT_KINDS, description: 'default none given' })
  deadline(@Param('facilityId') id: string, @Query() query: unknown) {
    return this.facilities.deadline(id, parseOrThrow(deadlineQuery, query));
  }

  @Get(':facilityId/calendar')
  @Roles('supervisor', 'sheriff')
  @ApiOperation({ summary: "The weekdays of a year that a business-hours count skips under the rules in force now: observed federal holidays and the facility's own, with the reason for each." })
  @ApiQuery({ name: 'year', required: false, description: "default this year on the jail's calendar" })
  calendar(@Param('facilityId') id: string, @Query() query: unknown) {
    return this.facilities.calendar(id, parseOrThrow(calendarQuery, query));
  }

  @Get()
  @Roles('supervisor', 'sheriff')
  @ApiOperation({ summary: 'All facilities.' })
  async list() {
    return { items: await this.facilities.list() };
  }
}
