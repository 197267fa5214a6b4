import { Module } from '@nestjs/common';
import { EventLogModule } from '../events/event-log.module.js';
import { CustodyController } from './custody.controller.js';
import { CustodyRepository } from './custody.repository.js';
import { CustodyService } from './custody.service.js';

@Module({
  imports: [EventLogModule],
  controllers: [CustodyController],
  providers: [CustodyRepository, CustodyService],
  exports: [CustodyRepository, CustodyService],
})
export class CustodyModule {}
