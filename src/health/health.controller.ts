import { Controller, Get } from '@nestjs/common';
import { HealthService, type ReadinessDto } from './health.service.js';
import { HandoffRoutes } from '../common/handoff-routes.decorator.js';

@HandoffRoutes()
@Controller('health')
export class HealthController {
  constructor(private readonly health: HealthService) {}

  /** The process is up and serving; says nothing about dependencies. */
  @Get('live')
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  /** The service can do its work: the database answers. */
  @Get('ready')
  ready(): Promise<ReadinessDto> {
    return this.health.readiness();
  }
}
