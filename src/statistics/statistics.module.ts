import { Module } from '@nestjs/common';
import { AdminGuard } from '../admin/admin.guard.js';
import { StatisticsController } from './statistics.controller.js';
import { StatisticsRepository } from './statistics.repository.js';
import { StatisticsService } from './statistics.service.js';

/** SPEC §7: statistics and monitoring. */
@Module({
  controllers: [StatisticsController],
  providers: [StatisticsService, StatisticsRepository, AdminGuard],
  exports: [StatisticsService],
})
export class StatisticsModule {}
