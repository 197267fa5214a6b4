import { Global, Module, type DynamicModule, type Provider } from '@nestjs/common';
import { ScheduleModule } from '@nestjs/schedule';
import { AlertsModule } from './alerts/alerts.module.js';
import { AppConfig } from './app-config.js';
import { AuditModule } from './audit/audit.module.js';
import { ReportsModule } from './reports/reports.module.js';
import { AuthModule } from './auth/auth.module.js';
import { Clock } from './common/clock.js';
import { DatabaseModule } from './database/database.module.js';
import { EventsModule } from './events/events.module.js';
import { FacilitiesModule } from './facilities/facilities.module.js';
import { HealthController } from './health/health.controller.js';
import { HoldsModule } from './holds/holds.module.js';
import { ImportsModule } from './imports/imports.module.js';
import { ReviewsModule } from './reviews/reviews.module.js';
import { ComplaintsModule } from './complaints/complaints.module.js';
import { NoticesModule } from './notices/notices.module.js';
import { ExportsModule } from './exports/exports.module.js';

/** Configuration and the clock, available everywhere. */
@Global()
@Module({})
class CoreModule {
  static with(config: AppConfig, clock: Clock): DynamicModule {
    const providers: Provider[] = [
      { provide: AppConfig, useValue: config },
      { provide: Clock, useValue: clock },
    ];
    return { module: CoreModule, providers, exports: providers };
  }
}

@Module({})
export class AppModule {
  static forRoot(config: AppConfig, clock: Clock = new Clock()): DynamicModule {
    return {
      module: AppModule,
      imports: [
        CoreModule.with(config, clock),
        ScheduleModule.forRoot(),
        DatabaseModule,
        AuthModule,
        FacilitiesModule,
        HoldsModule,
        EventsModule,
        AlertsModule,
        AuditModule,
        ReportsModule,
        ImportsModule,
        ReviewsModule,
        ComplaintsModule,
        NoticesModule,
        ExportsModule,
      ],
      controllers: [HealthController],
    };
  }
}
