import { Module } from '@nestjs/common';
import { TargetAppRepository } from './target-app.repository.js';
import { TargetAppsService } from './target-apps.service.js';

@Module({
  providers: [TargetAppsService, TargetAppRepository],
  exports: [TargetAppsService],
})
export class TargetAppsModule {}
