import { Module } from '@nestjs/common';
import { CustodyModule } from '../custody/custody.module.js';
import { EventsModule } from '../events/events.module.js';
import { NoticesModule } from '../notices/notices.module.js';
import { ContactsController } from './contacts.controller.js';
import { ContactsRepository } from './contacts.repository.js';
import { ContactsService } from './contacts.service.js';
import { ReviewsController } from './reviews.controller.js';
import { ReviewsService } from './reviews.service.js';

@Module({
  imports: [CustodyModule, EventsModule, NoticesModule],
  controllers: [ReviewsController, ContactsController],
  providers: [ReviewsService, ContactsService, ContactsRepository],
  exports: [ContactsRepository],
})
export class ReviewsModule {}
