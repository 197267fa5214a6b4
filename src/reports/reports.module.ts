import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module.js';
import { ComplaintsModule } from '../complaints/complaints.module.js';
import { CustodyModule } from '../custody/custody.module.js';
import { NoticesModule } from '../notices/notices.module.js';
import { ReviewsModule } from '../reviews/reviews.module.js';
import { HistoryService } from './history.service.js';
import { QuarterlyRepository } from './quarterly.repository.js';
import { QuarterlyService } from './quarterly.service.js';
import { ReportsController } from './reports.controller.js';
import { ReportsRepository } from './reports.repository.js';
import { ReportsService } from './reports.service.js';

@Module({
  imports: [AuditModule, CustodyModule, ComplaintsModule, NoticesModule, ReviewsModule],
  controllers: [ReportsController],
  providers: [ReportsRepository, ReportsService, HistoryService, QuarterlyRepository, QuarterlyService],
})
export class ReportsModule {}
