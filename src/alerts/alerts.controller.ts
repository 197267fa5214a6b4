import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import type { AuthedRequest } from '../auth/api-key.guard.js';
import { Roles } from '../auth/roles.decorator.js';
import { parseOrThrow } from '../common/zod-validation.js';
import { ALERT_LEVELS, ALERT_STATE_FILTERS, acknowledgeBody, alertQuery, webhookBody } from './alert.dto.js';
import { AlertsService } from './alerts.service.js';
import { WebhooksService } from './webhooks.service.js';

@ApiTags('alerts')
@ApiBearerAuth()
@Controller('api')
export class AlertsController {
  constructor(
    private readonly alerts: AlertsService,
    private readonly webhooks: WebhooksService,
  ) {}

  @Get('alerts')
  @Roles('supervisor')
  @ApiOperation({ summary: 'Alerts, newest first, with cursor pagination.' })
  @ApiQuery({ name: 'facilityId', required: false })
  @ApiQuery({ name: 'holdId', required: false })
  @ApiQuery({ name: 'level', required: false, enum: ALERT_LEVELS })
  @ApiQuery({ name: 'state', required: false, enum: ALERT_STATE_FILTERS, description: 'live = open or acknowledged: what is open now, one per custody record' })
  @ApiQuery({ name: 'limit', required: false })
  @ApiQuery({ name: 'cursor', required: false })
  list(@Req() req: AuthedRequest, @Query() query: unknown) {
    return this.alerts.list(parseOrThrow(alertQuery, query), req.principal!.role);
  }

  @Post('alerts/:id/acknowledge')
  @HttpCode(200)
  @Roles('supervisor')
  @ApiOperation({ summary: 'Acknowledge an open alert (who is taken from the API key), with an optional note. An alert whose custody has ended is resolved at once.' })
  @ApiBody({ schema: z.toJSONSchema(acknowledgeBody) as object, required: false })
  acknowledge(@Req() req: AuthedRequest, @Param('id') id: string, @Body() body: unknown) {
    const { note } = parseOrThrow(acknowledgeBody, body ?? {});
    return this.alerts.acknowledge(id, req.principal!, note ?? null);
  }

  @Post('facilities/:facilityId/webhooks')
  @ApiOperation({ summary: 'Add a webhook that receives every alert of the facility, signed (admin). The secret is shown once.' })
  @ApiBody({ schema: z.toJSONSchema(webhookBody) as object })
  createWebhook(@Param('facilityId') facilityId: string, @Body() body: unknown) {
    return this.webhooks.create(facilityId, parseOrThrow(webhookBody, body));
  }

  @Get('facilities/:facilityId/webhooks')
  @ApiOperation({ summary: "A facility's webhooks, without their secrets (admin)." })
  async listWebhooks(@Param('facilityId') facilityId: string) {
    return { items: await this.webhooks.list(facilityId) };
  }

  @Delete('webhooks/:id')
  @HttpCode(200)
  @ApiOperation({ summary: 'Stop a webhook (admin); its delivery log stays.' })
  disableWebhook(@Param('id') id: string) {
    return this.webhooks.disable(id);
  }

  @Get('webhooks/:id/deliveries')
  @ApiOperation({ summary: "A webhook's delivery log, newest first (admin)." })
  deliveries(@Param('id') id: string) {
    return this.webhooks.deliveries(id);
  }
}
