import { Body, Controller, Get, Param, Post, Query, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import type { AuthedRequest } from '../auth/api-key.guard.js';
import { Roles } from '../auth/roles.decorator.js';
import { parseOrThrow } from '../common/zod-validation.js';
import { noticesQuery, servedBody } from './notices.dto.js';
import { NoticesService } from './notices.service.js';

@ApiTags('notices')
@ApiBearerAuth()
@Controller('api/notices')
export class NoticesController {
  constructor(private readonly notices: NoticesService) {}

  @Get()
  @Roles('supervisor')
  @ApiOperation({
    summary:
      "Notices to the person the facility's rules make due (rules.notices; the us-ca preset carries the TRUTH Act's). status=due (default): not yet served, soonest first, late ones flagged; late: past due and not served; served.",
  })
  @ApiQuery({ name: 'status', required: false, enum: ['due', 'late', 'served'] })
  @ApiQuery({ name: 'facilityId', required: false })
  @ApiQuery({ name: 'bookingId', required: false })
  @ApiQuery({ name: 'limit', required: false })
  list(@Query() query: unknown) {
    return this.notices.list(parseOrThrow(noticesQuery, query));
  }

  @Post(':id/served')
  @Roles('supervisor')
  @ApiOperation({ summary: 'Record that a notice was served: when (default now), by whom, in what language, how. Kept in the tamper-evident chain (notice.served); recorded once (409 after).' })
  @ApiBody({ schema: z.toJSONSchema(servedBody, { io: 'input' }) as object })
  served(@Req() req: AuthedRequest, @Param('id') id: string, @Body() body: unknown) {
    return this.notices.served(id, parseOrThrow(servedBody, body), req.principal!);
  }
}
