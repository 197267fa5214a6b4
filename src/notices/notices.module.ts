import { Module } from '@nestjs/common';
import { EventsModule } from '../events/events.module.js';
import { FacilitiesModule } from '../facilities/facilities.module.js';
import { HoldsModule } from '../holds/holds.module.js';
import { NoticePlanner } from './notice-planner.service.js';
import { NoticesController } from './notices.controller.js';
import { NoticesRepository } from './notices.repository.js';
import { NoticesService } from './notices.service.js';
import { OversightAlertsController } from './oversight-alerts.controller.js';
import { OversightAlertsService } from './oversight-alerts.service.js';
import { OversightSweep } from './oversight-sweep.service.js';

@Module({
  imports: [EventsModule, FacilitiesModule, HoldsModule],
  controllers: [NoticesController, OversightAlertsController],
  providers: [NoticesRepository, NoticesService, NoticePlanner, OversightSweep, OversightAlertsService],
  exports: [NoticesService, NoticePlanner, OversightSweep],
})
export class NoticesModule {}
