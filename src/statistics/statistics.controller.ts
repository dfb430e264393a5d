import { Controller, Get, Query, UseGuards } from '@nestjs/common';
import { AdminGuard } from '../admin/admin.guard.js';
import { ApiDoc } from '../docs/api-doc.decorator.js';
import { type MonitorDto, MonitorSchema, type StatsDto, type StatsQueryDto, StatsQuerySchema, StatsSchema } from './statistics.schemas.js';
import { StatisticsService } from './statistics.service.js';
import { HandoffRoutes } from '../common/handoff-routes.decorator.js';

/** The operators' view of SPEC §7's statistics and monitoring (the same as `handoff stats` / `monitor`). */
@HandoffRoutes()
@Controller('api/admin')
@UseGuards(AdminGuard)
export class StatisticsController {
  constructor(private readonly statistics: StatisticsService) {}

  @Get('stats')
  @ApiDoc({
    summary: 'Cross-app sessions per day: created, used, revoked, expired (live and archived)',
    response: StatsSchema,
  })
  stats(@Query({ schema: StatsQuerySchema }) query: StatsQueryDto): Promise<StatsDto> {
    return this.statistics.daily(query.days);
  }

  @Get('monitor')
  @ApiDoc({ summary: "The database's table and index statistics for Handoff's tables", response: MonitorSchema })
  monitor(): Promise<MonitorDto> {
    return this.statistics.monitor();
  }
}
