import { Controller, Get, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { DataSource } from 'typeorm';
import { Public } from '../auth/roles.decorator.js';

@ApiTags('health')
@Controller('api/health')
export class HealthController {
  constructor(private readonly ds: DataSource) {}

  @Get()
  @Public()
  @ApiOperation({ summary: '200 once the database is reachable and migrated; 503 otherwise. No key needed.' })
  async health(@Res({ passthrough: true }) res: Response) {
    try {
      const pending = await this.ds.showMigrations();
      if (pending) {
        res.status(503);
        return { status: 'unavailable', database: 'up', migrations: 'pending' };
      }
      return { status: 'ok', database: 'up', migrations: 'applied' };
    } catch {
      res.status(503);
      return { status: 'unavailable', database: 'down', message: 'The database cannot be reached.' };
    }
  }
}
