import { Module } from '@nestjs/common';
import { AccessTokensModule } from '../access-tokens/access-tokens.module.js';
import { UserOrAdminGuard } from '../admin/user-or-admin.guard.js';
import { DirectoryModule } from '../directory/directory.module.js';
import { TargetAppsModule } from '../target-apps/target-apps.module.js';
import { CrossAppSessionRepository } from './cross-app-session.repository.js';
import { CrossAppController } from './cross-app.controller.js';
import { CrossAppService } from './cross-app.service.js';

/** Cross-app handoff sessions (SPEC §4). */
@Module({
  imports: [AccessTokensModule, DirectoryModule, TargetAppsModule],
  controllers: [CrossAppController],
  providers: [CrossAppService, CrossAppSessionRepository, UserOrAdminGuard],
  exports: [CrossAppService],
})
export class CrossAppModule {}
