import type pg from 'pg';
import { DataSource, type DataSourceOptions, type EntitySchema } from 'typeorm';
import type { DatabaseConfig, ServerDatabaseConfig } from '../config/database-url.js';
import { applyDialectColumns } from './dialect-columns.js';
import { startEmbeddedPostgres } from './embedded-postgres.js';
import { handoffEntities } from './entities.js';
import { hostTableStubs, type HostTablesOptions } from './host-tables.js';
import { handoffMigrations } from './migrations/index.js';

const CONNECT_TIMEOUT_MS = 5_000;
/** The client gives up this long after the database should have cancelled the statement itself. */
const CLIENT_TIMEOUT_MARGIN_MS = 1_000;
/** TCP keepalive: a peer that vanished (host down, network cut) is noticed within about a minute. */
const KEEPALIVE_DELAY_MS = 10_000;

export interface DataSourceLimits {
  /**
   * Bound on one statement, for the server: the database cancels it after this long, and the
   * client stops waiting shortly after (a hung or frozen database cancels nothing). Unset for
   * the CLI and migrations, whose backups and index builds may rightly take long.
   */
  readonly queryTimeoutMs?: number;
}

/**
 * A TypeORM DataSource that also shuts down what it started (the embedded PGlite server), so
 * that `destroy()` — called by Nest at shutdown and by the TypeORM CLI — leaves nothing running.
 */
export class HandoffDataSource extends DataSource {
  /** True for the in-process PGlite: one connection, one process. */
  readonly embedded: boolean;

  constructor(
    options: DataSourceOptions,
    private readonly releaseResources?: () => Promise<void>,
  ) {
    super(options);
    this.embedded = releaseResources !== undefined;
  }

  /** The entities' dialect-specific column attributes (dialect-columns.ts), before anything uses them. */
  protected override async buildMetadatas(): Promise<void> {
    await super.buildMetadatas();
    applyDialectColumns(this);
  }

  override async destroy(): Promise<void> {
    try {
      if (this.isInitialized) await super.destroy();
    } finally {
      await this.releaseResources?.();
    }
  }
}

/** A host app's own entities and migrations, listed before Handoff's. */
export interface HostSchema {
  readonly entities?: Array<Function | EntitySchema>;
  readonly migrations?: Function[];
}

/**
 * Builds (but does not connect) the DataSource for the configured database. For the embedded
 * default this starts PGlite first.
 */
export async function createDataSource(
  database: DatabaseConfig,
  options: { readonly limits?: DataSourceLimits; readonly directory?: HostTablesOptions; readonly host?: HostSchema } = {},
): Promise<HandoffDataSource> {
  const { limits = {}, directory, host } = options;
  const common: Pick<DataSourceOptions, 'entities' | 'migrations' | 'migrationsTransactionMode' | 'logging'> = {
    // With a host's tables, Handoff's entities relate to them: the host's entities, or stand-ins
    // that name their keys.
    entities: [...(host?.entities ?? []), ...handoffEntities(directory), ...(host?.entities ? [] : hostTableStubs())],
    migrations: [...(host?.migrations ?? []), ...handoffMigrations(directory)],
    migrationsTransactionMode: 'each',
    logging: false,
  };
  if (database.kind === 'pglite') {
    const embedded = await startEmbeddedPostgres(database.directory);
    return new HandoffDataSource(
      {
        ...common,
        ...(await postgresOptions({
          host: embedded.socketDirectory,
          port: embedded.port,
          username: 'postgres',
          database: 'postgres',
          // PGlite is single-session: one connection, and queries queue for it.
          poolSize: 1,
          embedded: true,
        })),
      },
      embedded.close,
    );
  }
  return new HandoffDataSource({
    ...common,
    ...(database.kind === 'postgres' ? await postgresOptions(database, limits) : await mysqlOptions(database, limits)),
  });
}

type ConnectionTarget = Pick<ServerDatabaseConfig, 'host' | 'port' | 'username' | 'database' | 'poolSize'> &
  Partial<Pick<ServerDatabaseConfig, 'password' | 'ssl'>> & { embedded?: boolean };

/**
 * Every connection works in UTC whatever the server's or the database's default zone: the design
 * documents' columns are TIMESTAMP WITHOUT TIME ZONE compared with CURRENT_TIMESTAMP, which is
 * only right if the session zone is fixed. Values read back are parsed as UTC for the same reason.
 */
async function postgresOptions(target: ConnectionTarget, limits: DataSourceLimits = {}): Promise<DataSourceOptions> {
  const timeout = limits.queryTimeoutMs;
  // Each driver is loaded for its own kind only: a CLI command on PostgreSQL does without mysql2's
  // 80-odd modules, and one on MariaDB without pg.
  const { UtcParametersClient, utcTypes } = await import('./postgres-client.js');
  return {
    type: 'postgres',
    host: target.host,
    port: target.port,
    username: target.username,
    password: target.password,
    database: target.database,
    ssl: target.ssl ? { rejectUnauthorized: true } : false,
    poolSize: target.poolSize,
    connectTimeoutMS: CONNECT_TIMEOUT_MS,
    applicationName: 'handoff',
    extra: {
      Client: UtcParametersClient,
      keepAlive: true,
      keepAliveInitialDelayMillis: KEEPALIVE_DELAY_MS,
      ...(timeout
        ? {
            statement_timeout: timeout,
            // A transaction left open (a request that died between statements) must not hold locks.
            idle_in_transaction_session_timeout: timeout * 2,
            query_timeout: timeout + CLIENT_TIMEOUT_MARGIN_MS,
          }
        : {}),
      onConnect: async (client: pg.PoolClient) => {
        // PGlite has one backend session for every connection it is given: statements another
        // (discarded) connection prepared would still be there and collide by name.
        if (target.embedded) await client.query('DEALLOCATE ALL');
        // ISO dates too: partition bounds are read back as text (pg_get_expr).
        await client.query("SET TIME ZONE 'UTC'");
        await client.query("SET DateStyle = 'ISO, YMD'");
      },
      types: utcTypes,
    },
  };
}

async function mysqlOptions(target: ServerDatabaseConfig, limits: DataSourceLimits): Promise<DataSourceOptions> {
  const timeout = limits.queryTimeoutMs;
  const { mysqlDriver } = await import('./mysql-pool.js');
  return {
    type: target.flavour === 'mariadb' ? 'mariadb' : 'mysql',
    host: target.host,
    port: target.port,
    username: target.username,
    password: target.password,
    database: target.database,
    ssl: target.ssl ? { rejectUnauthorized: true } : undefined,
    poolSize: target.poolSize,
    connectTimeout: CONNECT_TIMEOUT_MS,
    charset: 'utf8mb4_unicode_ci',
    extra: { enableKeepAlive: true, keepAliveInitialDelay: KEEPALIVE_DELAY_MS },
    // mysql2 converts DATETIME values from and to UTC, and every new pooled connection sets its
    // session zone before any other statement runs (mysql-pool.ts).
    timezone: 'Z',
    driver: mysqlDriver(timeout && timeout + CLIENT_TIMEOUT_MARGIN_MS),
  };
}
