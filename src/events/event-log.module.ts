import { Module } from '@nestjs/common';
import { EventLogRepository } from './event-log.repository.js';

/** The event log's data access alone, so that downstream modules can read the log without the ingestion. */
@Module({ providers: [EventLogRepository], exports: [EventLogRepository] })
export class EventLogModule {}
