import type { AccessTokensService } from '../access-tokens/access-tokens.service.js';
import type { AdminService } from '../admin/admin.service.js';
import type { BackupService } from '../backup/backup.service.js';
import type { HandoffConfig } from '../config/config.js';
import type { HandoffDataSource } from '../database/data-source.js';
import type { DirectoryService } from '../directory/directory.service.js';
import type { MaintenanceService } from '../maintenance/maintenance.service.js';
import type { SigningKeysService } from '../signing-keys/signing-keys.service.js';
import type { StatisticsService } from '../statistics/statistics.service.js';
import type { TargetAppsService } from '../target-apps/target-apps.service.js';

/**
 * Handoff's services for one CLI command: the classes the server's modules provide, built here
 * without NestJS, each on first use and once (as the container would), with only the modules it
 * needs loaded. Booting every module for one query cost more than a second per command.
 *
 * The constructors' arguments are the ones each feature module wires: a service that gains a
 * dependency fails to compile here until it is given.
 */
export class CliServices {
  /** Each service, built on first use (a promise, so that concurrent first uses share it). */
  private readonly made: {
    directory?: Promise<DirectoryService>;
    targetApps?: Promise<TargetAppsService>;
    signingKeys?: Promise<SigningKeysService>;
    accessTokens?: Promise<AccessTokensService>;
    admin?: Promise<AdminService>;
    statistics?: Promise<StatisticsService>;
    maintenance?: Promise<MaintenanceService>;
    backup?: Promise<BackupService>;
  } = {};

  constructor(
    readonly dataSource: HandoffDataSource,
    private readonly config: HandoffConfig,
  ) {}

  directory(): Promise<DirectoryService> {
    return (this.made.directory ??= (async () => {
      const [{ DirectoryService }, { UserRepository }, { AccountRepository }, { MembershipRepository }, { AccountResourceRepository }] = await Promise.all([
        import('../directory/directory.service.js'),
        import('../directory/user.repository.js'),
        import('../directory/account.repository.js'),
        import('../directory/membership.repository.js'),
        import('../directory/account-resource.repository.js'),
      ]);
      const { dataSource } = this;
      return new DirectoryService(
        new UserRepository(dataSource),
        new AccountRepository(dataSource),
        new MembershipRepository(dataSource),
        new AccountResourceRepository(dataSource),
        this.config,
      );
    })());
  }

  targetApps(): Promise<TargetAppsService> {
    return (this.made.targetApps ??= (async () => {
      const [{ TargetAppsService }, { TargetAppRepository }] = await Promise.all([
        import('../target-apps/target-apps.service.js'),
        import('../target-apps/target-app.repository.js'),
      ]);
      return new TargetAppsService(new TargetAppRepository(this.dataSource));
    })());
  }

  signingKeys(): Promise<SigningKeysService> {
    return (this.made.signingKeys ??= (async () => {
      const [{ SigningKeysService }, { SigningKeyRepository }] = await Promise.all([
        import('../signing-keys/signing-keys.service.js'),
        import('../signing-keys/signing-key.repository.js'),
      ]);
      return new SigningKeysService(new SigningKeyRepository(this.dataSource), this.config);
    })());
  }

  accessTokens(): Promise<AccessTokensService> {
    return (this.made.accessTokens ??= (async () => {
      const [{ AccessTokensService }, { AuthUserTokenRepository }, { PublicUrl }, signingKeys] = await Promise.all([
        import('../access-tokens/access-tokens.service.js'),
        import('../access-tokens/auth-user-token.repository.js'),
        import('../config/public-url.js'),
        this.signingKeys(),
      ]);
      // The issuer the server derives the same way (its route prefix is a host app's, never the CLI's).
      return new AccessTokensService(new AuthUserTokenRepository(this.dataSource), signingKeys, PublicUrl.fromConfig(this.config), this.config);
    })());
  }

  admin(): Promise<AdminService> {
    return (this.made.admin ??= (async () => {
      const [{ AdminService }, directory, accessTokens] = await Promise.all([
        import('../admin/admin.service.js'),
        this.directory(),
        this.accessTokens(),
      ]);
      return new AdminService(this.dataSource, directory, accessTokens);
    })());
  }

  statistics(): Promise<StatisticsService> {
    return (this.made.statistics ??= (async () => {
      const [{ StatisticsService }, { StatisticsRepository }] = await Promise.all([
        import('../statistics/statistics.service.js'),
        import('../statistics/statistics.repository.js'),
      ]);
      return new StatisticsService(this.dataSource, new StatisticsRepository(this.dataSource));
    })());
  }

  maintenance(): Promise<MaintenanceService> {
    return (this.made.maintenance ??= (async () => {
      const [{ MaintenanceService }, { SessionArchiveRepository }, { MetricsService }] = await Promise.all([
        import('../maintenance/maintenance.service.js'),
        import('../maintenance/session-archive.repository.js'),
        import('../metrics/metrics.service.js'),
      ]);
      return new MaintenanceService(this.dataSource, new SessionArchiveRepository(this.dataSource), new MetricsService(), this.config);
    })());
  }

  backup(): Promise<BackupService> {
    return (this.made.backup ??= (async () => {
      const [{ BackupService }, { BackupRepository }, maintenance, signingKeys] = await Promise.all([
        import('../backup/backup.service.js'),
        import('../backup/backup.repository.js'),
        this.maintenance(),
        this.signingKeys(),
      ]);
      return new BackupService(this.dataSource, new BackupRepository(this.dataSource), maintenance, signingKeys);
    })());
  }
}
