import { Controller, Get, Res } from '@nestjs/common';
import type { Response } from 'express';
import { HealthService, type HealthReport } from '../../../application/health/health.service.js';
import { Public } from '../auth.js';

@Controller('health')
export class HealthController {
  constructor(private readonly health: HealthService) {}

  @Public()
  @Get()
  async get(@Res({ passthrough: true }) res: Response): Promise<HealthReport> {
    const report = await this.health.check();
    // Degraded still serves (a load balancer keeps it); only a process without its database is down.
    if (report.status === 'down') res.status(503);
    return report;
  }
}
