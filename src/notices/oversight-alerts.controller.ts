import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { Roles } from '../auth/roles.decorator.js';
import { pageLimit, parseOrThrow } from '../common/zod-validation.js';
import { OversightSweep } from './oversight-sweep.service.js';

const KINDS = ['complaint_acknowledgement_overdue', 'complaint_closure_overdue', 'notice_late'] as const;
const query = z
  .object({
    facilityId: z.string().min(1).max(128).optional(),
    kind: z.enum(KINDS, { error: `must be one of ${KINDS.join(', ')}` }).optional(),
    limit: pageLimit(),
  })
  .strict();

@ApiTags('notices')
@ApiBearerAuth()
@Controller('api/oversight-alerts')
export class OversightAlertsController {
  constructor(private readonly sweep: OversightSweep) {}

  @Get()
  @Roles('supervisor')
  @ApiOperation({ summary: 'Alerts raised once when a complaint is not acknowledged or closed by its due date, or a notice to the person is late; newest first.' })
  @ApiQuery({ name: 'facilityId', required: false })
  @ApiQuery({ name: 'kind', required: false, enum: KINDS })
  @ApiQuery({ name: 'limit', required: false })
  list(@Query() q: unknown) {
    return this.sweep.list(parseOrThrow(query, q));
  }
}
