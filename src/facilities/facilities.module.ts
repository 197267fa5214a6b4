import { Module } from '@nestjs/common';
import { FacilitiesController } from './facilities.controller.js';
import { FacilitiesRepository } from './facilities.repository.js';
import { FacilitiesService } from './facilities.service.js';
import { RulePresetsController } from './rule-presets.controller.js';

@Module({
  controllers: [FacilitiesController, RulePresetsController],
  providers: [FacilitiesRepository, FacilitiesService],
  exports: [FacilitiesRepository, FacilitiesService],
})
export class FacilitiesModule {}
