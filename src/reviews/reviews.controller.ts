import { Body, Controller, Get, Param, Post, Query, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import type { AuthedRequest } from '../auth/api-key.guard.js';
import { Roles } from '../auth/roles.decorator.js';
import { parseOrThrow } from '../common/zod-validation.js';
import { decisionBody, reviewsQuery } from './reviews.dto.js';
import { ReviewsService } from './reviews.service.js';

@ApiTags('reviews')
@ApiBearerAuth()
@Controller('api')
export class ReviewsController {
  constructor(private readonly reviews: ReviewsService) {}

  @Get('reviews')
  @Roles('supervisor')
  @ApiOperation({
    summary: "Detainers waiting for a supervisor's decision (authority needs_review) on custody not yet ended: the criteria the jail's facts cannot decide, and ICE's discretion cases.",
  })
  @ApiQuery({ name: 'facilityId', required: false })
  @ApiQuery({ name: 'limit', required: false, description: 'custody records, 1-1000, default 100' })
  list(@Query() query: unknown) {
    return this.reviews.list(parseOrThrow(reviewsQuery, query));
  }

  @Post('custody/:id/decisions')
  @Roles('supervisor')
  @ApiOperation({
    summary: 'Record a decision (honour or decline, the basis in words) on a detainer that needs review; kept in the tamper-evident event log. 409 when the detainer needs no decision.',
  })
  @ApiBody({ schema: z.toJSONSchema(decisionBody, { io: 'input' }) as object })
  decide(@Req() req: AuthedRequest, @Param('id') id: string, @Body() body: unknown) {
    return this.reviews.decide(id, parseOrThrow(decisionBody, body), req.principal!);
  }
}
