import { Controller, Get, Res, UseGuards } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { ApiDoc } from '../docs/api-doc.decorator.js';
import { MetricsGuard } from './metrics.guard.js';
import { MetricsService } from './metrics.service.js';
import { HandoffRoutes } from '../common/handoff-routes.decorator.js';

@HandoffRoutes()
@Controller('metrics')
@UseGuards(MetricsGuard)
export class MetricsController {
  constructor(private readonly metrics: MetricsService) {}

  @Get()
  @ApiDoc({
    summary: 'Prometheus metrics (text exposition format); with HANDOFF_METRICS_TOKEN set, that token as a bearer token',
    produces: { type: 'text/plain', schema: { type: 'string' } },
  })
  async scrape(@Res({ passthrough: true }) reply: FastifyReply): Promise<string> {
    void reply.header('content-type', this.metrics.contentType);
    return this.metrics.render();
  }
}
