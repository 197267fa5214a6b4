import { Module } from '@nestjs/common';
import { FacilitiesModule } from '../facilities/facilities.module.js';
import { HoldsModule } from '../holds/holds.module.js';
import { NoticesModule } from '../notices/notices.module.js';
import { AlertPlanner } from './alert-planner.service.js';
import { AlertScheduler } from './alert-scheduler.service.js';
import { AlertsController } from './alerts.controller.js';
import { AlertsRepository } from './alerts.repository.js';
import { AlertsService } from './alerts.service.js';
import { SweepService } from './sweep.service.js';
import { WebhooksService } from './webhooks.service.js';

@Module({
  imports: [HoldsModule, FacilitiesModule, NoticesModule],
  controllers: [AlertsController],
  providers: [AlertsRepository, AlertPlanner, SweepService, WebhooksService, AlertsService, AlertScheduler],
  exports: [SweepService, WebhooksService, AlertScheduler],
})
export class AlertsModule {}
