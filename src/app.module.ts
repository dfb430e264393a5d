import { type DynamicModule, Global, Module } from '@nestjs/common';
import type { Logger } from 'pino';
import type { DataSource } from 'typeorm';
import { AccessTokensModule } from './access-tokens/access-tokens.module.js';
import { AdminModule } from './admin/admin.module.js';
import { AuditModule } from './audit/audit.module.js';
import { BackupModule } from './backup/backup.module.js';
import { LOGGER } from './common/logger.js';
import type { HandoffConfig } from './config/config.js';
import { ConfigModule } from './config/config.module.js';
import type { PublicUrl } from './config/public-url.js';
import { CrossAppModule } from './cross-app/cross-app.module.js';
import { DatabaseModule } from './database/database.module.js';
import { DirectoryModule } from './directory/directory.module.js';
import { DocsModule } from './docs/docs.module.js';
import { HealthModule } from './health/health.module.js';
import { MaintenanceModule } from './maintenance/maintenance.module.js';
import { MetricsModule } from './metrics/metrics.module.js';
import { QrLoginModule } from './qr-login/qr-login.module.js';
import { RateLimitsModule } from './rate-limits/rate-limits.module.js';
import { SchedulerModule } from './scheduler/scheduler.module.js';
import { SigningKeysModule } from './signing-keys/signing-keys.module.js';
import { StatisticsModule } from './statistics/statistics.module.js';
import { TargetAppsModule } from './target-apps/target-apps.module.js';

export interface AppModuleOptions {
  readonly config: HandoffConfig;
  readonly dataSource: DataSource;
  readonly logger: Logger;
  /** Shared with the caller, which completes it once the server listens (PORT=0). */
  readonly publicUrl?: PublicUrl;
}

@Global()
@Module({})
class LoggerModule {
  static forRoot(logger: Logger): DynamicModule {
    return { module: LoggerModule, providers: [{ provide: LOGGER, useValue: logger }], exports: [LOGGER] };
  }
}

/** The standalone service: every capability plus its own users and accounts. */
@Module({})
export class AppModule {
  static forRoot({ config, dataSource, logger, publicUrl }: AppModuleOptions): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config, publicUrl),
        DatabaseModule.forRoot(dataSource),
        LoggerModule.forRoot(logger),
        AuditModule,
        MetricsModule,
        RateLimitsModule,
        HealthModule,
        DirectoryModule,
        SigningKeysModule,
        TargetAppsModule,
        AccessTokensModule,
        AdminModule,
        CrossAppModule,
        QrLoginModule,
        DocsModule,
        MaintenanceModule,
        StatisticsModule,
        BackupModule,
        SchedulerModule,
      ],
    };
  }
}
