import { Module } from '@nestjs/common';
import { EventsModule } from '../events/events.module.js';
import { FacilitiesModule } from '../facilities/facilities.module.js';
import { ComplaintsController } from './complaints.controller.js';
import { ComplaintsRepository } from './complaints.repository.js';
import { ComplaintsService } from './complaints.service.js';

@Module({
  imports: [EventsModule, FacilitiesModule],
  controllers: [ComplaintsController],
  providers: [ComplaintsService, ComplaintsRepository],
  exports: [ComplaintsService, ComplaintsRepository],
})
export class ComplaintsModule {}
