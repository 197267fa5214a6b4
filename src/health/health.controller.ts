import { Controller, Get, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { DataSource } from 'typeorm';
import { AlertScheduler } from '../alerts/alert-scheduler.service.js';
import { SweepService } from '../alerts/sweep.service.js';
import { Public } from '../auth/roles.decorator.js';
import { Rederivation } from '../holds/rederivation.service.js';

@ApiTags('health')
@Controller('api/health')
export class HealthController {
  constructor(
    private readonly ds: DataSource,
    private readonly scheduler: AlertScheduler,
    private readonly sweep: SweepService,
    private readonly rederivation: Rederivation,
  ) {}

  /**
   * A late alert sweep leaves the answer 200 ("degraded"), not 503: the board and the API still
   * serve (holds show overdue from their deadlines, sweep or not), and a balancer that took the
   * instance out would take the board away from the staff who must act.
   */
  @Get()
  @Public()
  @ApiOperation({
    summary:
      '200 once the database is reachable and migrated (503 otherwise), with when the alert sweep and webhook deliveries of this process last ran, whether due alerts wait unraised, and whether the stored holds were derived by this build: "degraded" when any is late or they were not. No key needed.',
  })
  async health(@Res({ passthrough: true }) res: Response) {
    const { code, body } = await this.probeOnce();
    res.status(code);
    return body;
  }

  /**
   * Requests that arrive while a probe runs share its answer: the route needs no key, and a flood
   * of it must not take the pool's connections from ingestion and the board (one at a time here).
   */
  private inFlight: Promise<{ code: number; body: object }> | null = null;
  private probeOnce(): Promise<{ code: number; body: object }> {
    this.inFlight ??= this.probe().finally(() => (this.inFlight = null));
    return this.inFlight;
  }

  private async probe(): Promise<{ code: number; body: object }> {
    try {
      const pending = await this.ds.showMigrations();
      if (pending) return { code: 503, body: { status: 'unavailable', database: 'up', migrations: 'pending' } };
      const alertSweep = this.scheduler.health('alertSweep');
      const webhookDelivery = this.scheduler.health('webhookDelivery');
      const alertsDue = await this.sweep.backlog();
      const derivation = await this.rederivation.state();
      const late = [alertSweep, webhookDelivery, alertsDue].some((j) => j.state === 'late');
      const status = late || derivation.state !== 'ok' ? 'degraded' : 'ok';
      return { code: 200, body: { status, database: 'up', migrations: 'applied', alertSweep, webhookDelivery, alertsDue, derivation } };
    } catch {
      return { code: 503, body: { status: 'unavailable', database: 'down', message: 'The database cannot be reached.' } };
    }
  }
}
