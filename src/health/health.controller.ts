import { Controller, Get } from '@nestjs/common';
import { HealthService, type ReadinessDto } from './health.service.js';
import { HandoffRoutes } from '../common/handoff-routes.decorator.js';
import { LiveSchema, ReadySchema } from '../docs/response-schemas.js';
import { ApiDoc } from '../docs/api-doc.decorator.js';

@HandoffRoutes()
@Controller('health')
export class HealthController {
  constructor(private readonly health: HealthService) {}

  /** The process is up and serving; says nothing about dependencies. */
  @Get('live')
  @ApiDoc({ summary: 'The process serves (says nothing of its dependencies)', response: LiveSchema })
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  /** The service can do its work: the database answers. */
  @Get('ready')
  @ApiDoc({ summary: 'The database answers', response: ReadySchema, errors: ['DATABASE_UNAVAILABLE'] })
  ready(): Promise<ReadinessDto> {
    return this.health.readiness();
  }
}
