import {
  type DynamicModule,
  Global,
  Inject,
  Module,
  type ModuleMetadata,
  type OnApplicationBootstrap,
  type Provider,
  type Type,
} from '@nestjs/common';
import { RouterModule } from '@nestjs/core';
import pino, { type Logger } from 'pino';
import { DataSource } from 'typeorm';
import { AccessTokensModule } from './access-tokens/access-tokens.module.js';
import { HOST_AUTHENTICATION, type HostAuthentication } from './access-tokens/host-authentication.js';
import { AdminModule } from './admin/admin.module.js';
import { AuditModule } from './audit/audit.module.js';
import { BackupModule } from './backup/backup.module.js';
import { LOGGER } from './common/logger.js';
import { ConfigError, HANDOFF_CONFIG, type HandoffConfig, loadConfig } from './config/config.js';
import { resolveSecrets } from './config/dev-secrets.js';
import { PublicUrl } from './config/public-url.js';
import { CrossAppModule } from './cross-app/cross-app.module.js';
import { type HostTablesOptions, useHostTables } from './database/host-tables.js';
import { DirectoryModule } from './directory/directory.module.js';
import { DocsModule } from './docs/docs.module.js';
import { HandoffService } from './handoff.service.js';
import { HealthModule } from './health/health.module.js';
import { MaintenanceModule } from './maintenance/maintenance.module.js';
import { MetricsModule } from './metrics/metrics.module.js';
import { QrLoginModule } from './qr-login/qr-login.module.js';
import { RateLimitsModule } from './rate-limits/rate-limits.module.js';
import { SchedulerModule } from './scheduler/scheduler.module.js';
import { SchedulerService } from './scheduler/scheduler.service.js';
import { SigningKeysModule } from './signing-keys/signing-keys.module.js';
import { SigningKeysService } from './signing-keys/signing-keys.service.js';
import { StatisticsModule } from './statistics/statistics.module.js';
import { TargetAppsModule } from './target-apps/target-apps.module.js';

/** What Handoff needs at run time; `forRootAsync` builds it in the host's container. */
export interface HandoffRuntimeOptions {
  /** The DataSource Handoff works on: the host's own, listing `handoffEntities()` among its entities. */
  readonly dataSource: DataSource;
  /**
   * Handoff's configuration as environment variables (the names of docs/configuration.md), over
   * `process.env`. A built HandoffConfig may be given instead.
   */
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly config?: HandoffConfig;
  readonly logger?: Logger;
  /** The host's signed-in user for Handoff's user routes, besides Bearer tokens (see host-authentication.ts). */
  readonly authenticateRequest?: HostAuthentication;
  /** Shared with the standalone server, which settles PORT=0 once it listens. */
  readonly publicUrl?: PublicUrl;
  /**
   * At application start: make a signing key if there is none, and start the scheduled jobs
   * (cleanup, partitions, prune) as configured. Default true; false for a process that must do
   * neither (a second instance whose jobs run elsewhere, a one-off script).
   */
  readonly bootstrap?: boolean;
}

/** What must be known before the host's container exists: where routes and tables are. */
export interface HandoffStaticOptions {
  /** Where users, accounts and memberships live; omitted: Handoff's own tables (standalone). */
  readonly directory?: HostTablesOptions;
  /** Path before every Handoff route, e.g. `auth` serves `/auth/api/cross-app/…`. */
  readonly routePrefix?: string;
}

export type HandoffModuleOptions = HandoffRuntimeOptions & HandoffStaticOptions;

export interface HandoffModuleAsyncOptions extends HandoffStaticOptions, Pick<ModuleMetadata, 'imports'> {
  readonly useFactory: (...args: never[]) => HandoffRuntimeOptions | Promise<HandoffRuntimeOptions>;
  readonly inject?: Array<Type | string | symbol>;
}

const RUNTIME_OPTIONS = Symbol('HANDOFF_RUNTIME_OPTIONS');

/** Every capability's module; each route's controller lives in one of them. */
const FEATURES = [
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
];

/**
 * The runtime options alone, built where the host's providers are visible: the core module below
 * provides `DataSource` itself, so a factory that injects the host's DataSource cannot live there.
 */
@Module({})
class HandoffOptionsModule {
  static register(imports: NonNullable<ModuleMetadata['imports']>, runtime: Provider): DynamicModule {
    return { module: HandoffOptionsModule, imports, providers: [runtime], exports: [RUNTIME_OPTIONS] };
  }
}

/** The configuration, the database, the logger and the host's hooks, for every feature module. */
@Global()
@Module({})
class HandoffCoreModule {
  static register(directory: HostTablesOptions | undefined, prefix: string | undefined, options: DynamicModule): DynamicModule {
    const tables = useHostTables(directory);
    const providers: Provider[] = [
      {
        provide: HANDOFF_CONFIG,
        inject: [RUNTIME_OPTIONS],
        useFactory: async (options: HandoffRuntimeOptions) => {
          // Without DATABASE_URL (a host on the embedded database), secrets not given are generated
          // into HANDOFF_DATA_DIR, as for the standalone service.
          const config = options.config ?? (await resolveSecrets(loadConfig({ ...process.env, ...options.env }))).config;
          if (!tables.standalone && config.externalIssuers.length > 0) {
            throw new ConfigError([
              'HANDOFF_EXTERNAL_ISSUERS: external issuers provision users into Handoff\'s own users table; a host keeps its own users',
            ]);
          }
          return config;
        },
      },
      {
        provide: PublicUrl,
        inject: [RUNTIME_OPTIONS, HANDOFF_CONFIG],
        useFactory: (options: HandoffRuntimeOptions, config: HandoffConfig) => options.publicUrl ?? PublicUrl.fromConfig(config).under(prefix),
      },
      { provide: DataSource, inject: [RUNTIME_OPTIONS], useFactory: (options: HandoffRuntimeOptions) => options.dataSource },
      {
        provide: LOGGER,
        inject: [RUNTIME_OPTIONS, HANDOFF_CONFIG],
        useFactory: (options: HandoffRuntimeOptions, config: HandoffConfig) => options.logger ?? pino({ level: config.logLevel }),
      },
      {
        provide: HOST_AUTHENTICATION,
        inject: [RUNTIME_OPTIONS],
        useFactory: (options: HandoffRuntimeOptions) => options.authenticateRequest ?? null,
      },
    ];
    return {
      module: HandoffCoreModule,
      imports: [options],
      providers,
      exports: [options, HANDOFF_CONFIG, PublicUrl, DataSource, LOGGER, HOST_AUTHENTICATION],
    };
  }
}

/**
 * Handoff as one NestJS module (SPEC §10): the standalone service imports it with its own users and
 * accounts; a host app imports it with its DataSource and its own tables.
 *
 * ```ts
 * HandoffModule.forRootAsync({
 *   routePrefix: 'auth',
 *   directory: { users: { table: 'members', id: 'member_id', email: 'mail', name: 'display_name' }, … },
 *   inject: [DataSource],
 *   useFactory: (dataSource: DataSource) => ({ dataSource, authenticateRequest: (request) => … }),
 * })
 * ```
 */
@Module({})
export class HandoffModule implements OnApplicationBootstrap {
  constructor(
    private readonly signingKeys: SigningKeysService,
    private readonly scheduler: SchedulerService,
    @Inject(RUNTIME_OPTIONS) private readonly options: HandoffRuntimeOptions,
  ) {}

  static forRoot(options: HandoffModuleOptions): DynamicModule {
    return HandoffModule.build(options, [], { provide: RUNTIME_OPTIONS, useValue: options });
  }

  static forRootAsync(options: HandoffModuleAsyncOptions): DynamicModule {
    return HandoffModule.build(options, options.imports ?? [], {
      provide: RUNTIME_OPTIONS,
      inject: options.inject ?? [],
      useFactory: options.useFactory as (...args: unknown[]) => HandoffRuntimeOptions | Promise<HandoffRuntimeOptions>,
    });
  }

  private static build(
    options: HandoffStaticOptions,
    imports: NonNullable<ModuleMetadata['imports']>,
    runtime: Provider,
  ): DynamicModule {
    const prefix = options.routePrefix?.replace(/^\/+|\/+$/g, '');
    return {
      module: HandoffModule,
      imports: [
        HandoffCoreModule.register(options.directory, prefix, HandoffOptionsModule.register(imports, runtime)),
        ...FEATURES,
        ...(prefix ? [RouterModule.register(FEATURES.map((module) => ({ path: prefix, module })))] : []),
      ],
      providers: [HandoffService],
      exports: [HandoffService],
    };
  }

  /** A signing key exists before the first token is issued; the scheduled jobs start. */
  async onApplicationBootstrap(): Promise<void> {
    if (this.options.bootstrap === false) return;
    await this.signingKeys.ensureKey(this.options.dataSource);
    this.scheduler.start();
  }
}
