import { Module } from '@nestjs/common';
import { AccessTokensModule } from '../access-tokens/access-tokens.module.js';
import { DashboardModule } from '../dashboard/dashboard.module.js';
import { DirectoryModule } from '../directory/directory.module.js';
import { SigningKeysModule } from '../signing-keys/signing-keys.module.js';
import { TargetAppsModule } from '../target-apps/target-apps.module.js';
import { AdminController } from './admin.controller.js';
import { AdminGuard } from './admin.guard.js';
import { AdminService } from './admin.service.js';

/** Operators: the admin API and the actions the CLI shares with it. */
@Module({
  imports: [AccessTokensModule, DashboardModule, DirectoryModule, SigningKeysModule, TargetAppsModule],
  controllers: [AdminController],
  providers: [AdminService, AdminGuard],
  exports: [AdminService],
})
export class AdminModule {}
