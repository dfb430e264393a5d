import { Module } from '@nestjs/common';
import { AccessTokensModule } from '../access-tokens/access-tokens.module.js';
import { AdminGuard } from '../admin/admin.guard.js';
import { DashboardApiController } from './dashboard-api.controller.js';
import { DashboardPagesController } from './dashboard-pages.controller.js';
import { DashboardRepository } from './dashboard.repository.js';
import { DashboardService } from './dashboard.service.js';

/** The operators' dashboard (/admin) and the admin routes only it needs. */
@Module({
  imports: [AccessTokensModule],
  controllers: [DashboardApiController, DashboardPagesController],
  providers: [DashboardService, DashboardRepository, AdminGuard],
})
export class DashboardModule {}
