import { Module } from '@nestjs/common';
import { CustodyModule } from '../custody/custody.module.js';
import { EventsModule } from '../events/events.module.js';
import { ReviewsController } from './reviews.controller.js';
import { ReviewsService } from './reviews.service.js';

@Module({
  imports: [CustodyModule, EventsModule],
  controllers: [ReviewsController],
  providers: [ReviewsService],
})
export class ReviewsModule {}
