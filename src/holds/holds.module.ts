import { Module } from '@nestjs/common';
import { CustodyModule } from '../custody/custody.module.js';
import { EventLogModule } from '../events/event-log.module.js';
import { FacilitiesModule } from '../facilities/facilities.module.js';
import { HoldProjector } from './hold-projector.service.js';
import { HoldsController } from './holds.controller.js';
import { HoldsRepository } from './holds.repository.js';
import { HoldsService } from './holds.service.js';
import { Rederivation } from './rederivation.service.js';

@Module({
  imports: [FacilitiesModule, EventLogModule, CustodyModule],
  controllers: [HoldsController],
  providers: [HoldsRepository, HoldProjector, HoldsService, Rederivation],
  exports: [HoldProjector, HoldsRepository, Rederivation],
})
export class HoldsModule {}
