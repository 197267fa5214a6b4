import { Body, Controller, Get, HttpCode, Param, Post, Query, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { acknowledgeBody } from '../alerts/alert.dto.js';
import type { AuthedRequest } from '../auth/api-key.guard.js';
import { Roles } from '../auth/roles.decorator.js';
import { pageLimit, parseOrThrow } from '../common/zod-validation.js';
import { OversightAlertsService } from './oversight-alerts.service.js';

const KINDS = ['complaint_acknowledgement_overdue', 'complaint_closure_overdue', 'notice_late'] as const;
const STATES = ['open', 'acknowledged'] as const;
const query = z
  .object({
    facilityId: z.string().min(1).max(128).optional(),
    kind: z.enum(KINDS, { error: `must be one of ${KINDS.join(', ')}` }).optional(),
    state: z.enum(STATES, { error: `must be one of ${STATES.join(', ')}` }).optional(),
    limit: pageLimit(),
  })
  .strict();

@ApiTags('notices')
@ApiBearerAuth()
@Controller('api/oversight-alerts')
export class OversightAlertsController {
  constructor(private readonly alerts: OversightAlertsService) {}

  @Get()
  @Roles('supervisor')
  @ApiOperation({ summary: 'Alerts raised once when a complaint is not acknowledged or closed by its due date, or a notice to the person is late; newest first.' })
  @ApiQuery({ name: 'facilityId', required: false })
  @ApiQuery({ name: 'kind', required: false, enum: KINDS })
  @ApiQuery({ name: 'state', required: false, enum: STATES, description: 'open: not acknowledged yet' })
  @ApiQuery({ name: 'limit', required: false })
  list(@Query() q: unknown) {
    return this.alerts.list(parseOrThrow(query, q));
  }

  @Post(':id/acknowledge')
  @HttpCode(200)
  @Roles('supervisor')
  @ApiOperation({ summary: 'Acknowledge an open oversight alert (who is taken from the API key), with an optional note; once.' })
  @ApiBody({ schema: z.toJSONSchema(acknowledgeBody) as object, required: false })
  acknowledge(@Req() req: AuthedRequest, @Param('id') id: string, @Body() body: unknown) {
    const { note } = parseOrThrow(acknowledgeBody, body ?? {});
    return this.alerts.acknowledge(id, req.principal!, note ?? null);
  }
}
