import { Module } from '@nestjs/common';
import { EventsModule } from '../events/events.module.js';
import { ImportFolder } from './import-folder.service.js';
import { ImportsController } from './imports.controller.js';
import { ImportsRepository } from './imports.repository.js';
import { ImportsService } from './imports.service.js';
import { MappingLibrary } from './mapping-library.js';

/** The server's side of imports: rejects kept and listed, the events an earlier import made, the watched folder and uploads. */
@Module({
  imports: [EventsModule],
  controllers: [ImportsController],
  providers: [ImportsRepository, ImportsService, MappingLibrary, ImportFolder],
  exports: [ImportFolder],
})
export class ImportsModule {}
