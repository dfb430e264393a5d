import { Module } from '@nestjs/common';
import { MaintenanceService } from './maintenance.service.js';
import { SessionArchiveRepository } from './session-archive.repository.js';

/** SPEC §7: cleanup into the archive, the archive's partitions and retention. */
@Module({
  providers: [MaintenanceService, SessionArchiveRepository],
  exports: [MaintenanceService],
})
export class MaintenanceModule {}
