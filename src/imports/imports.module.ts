import { Module } from '@nestjs/common';
import { ImportsController } from './imports.controller.js';
import { ImportsRepository } from './imports.repository.js';

/** The server's side of imports: rejects kept and listed, and the events an earlier import made. */
@Module({
  controllers: [ImportsController],
  providers: [ImportsRepository],
})
export class ImportsModule {}
