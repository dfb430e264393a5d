import { Module } from '@nestjs/common';
import { MaintenanceModule } from '../maintenance/maintenance.module.js';
import { SigningKeysModule } from '../signing-keys/signing-keys.module.js';
import { BackupRepository } from './backup.repository.js';
import { BackupService } from './backup.service.js';

/** SPEC §7: backup and restore of Handoff's tables, portable across the three databases. */
@Module({
  imports: [MaintenanceModule, SigningKeysModule],
  providers: [BackupService, BackupRepository],
  exports: [BackupService],
})
export class BackupModule {}
