import { Module } from '@nestjs/common';
import { TargetAppGuard } from './target-app.guard.js';
import { TargetAppRepository } from './target-app.repository.js';
import { TargetAppsService } from './target-apps.service.js';

@Module({
  providers: [TargetAppsService, TargetAppRepository, TargetAppGuard],
  exports: [TargetAppsService, TargetAppGuard],
})
export class TargetAppsModule {}
