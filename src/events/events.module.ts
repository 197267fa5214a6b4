import { Module } from '@nestjs/common';
import { HoldsModule } from '../holds/holds.module.js';
import { EventLogModule } from './event-log.module.js';
import { EventArchiveService } from './event-archive.service.js';
import { EventsController } from './events.controller.js';
import { IngestionService } from './ingestion.service.js';
import { RefusalsService } from './refusals.service.js';

@Module({
  imports: [EventLogModule, HoldsModule],
  controllers: [EventsController],
  providers: [IngestionService, EventArchiveService, RefusalsService],
  exports: [IngestionService],
})
export class EventsModule {}
