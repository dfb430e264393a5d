import { Module } from '@nestjs/common';
import { MaintenanceModule } from '../maintenance/maintenance.module.js';
import { JobRunRepository } from './job-run.repository.js';
import { SchedulerService } from './scheduler.service.js';

/** The server's scheduled jobs (SPEC §7), one instance at a time. */
@Module({
  imports: [MaintenanceModule],
  providers: [SchedulerService, JobRunRepository],
  exports: [SchedulerService],
})
export class SchedulerModule {}
