import { isAbsolute, join, resolve } from 'node:path';

export type DatabaseKind = 'pglite' | 'postgres' | 'mysql';

export interface EmbeddedDatabaseConfig {
  readonly kind: 'pglite';
  /** Directory PGlite keeps its files in (`<HANDOFF_DATA_DIR>/pglite`). */
  readonly directory: string;
}

export interface ServerDatabaseConfig {
  readonly kind: 'postgres' | 'mysql';
  /** `mariadb://` URLs select TypeORM's `mariadb` type; both share the MySQL dialect. */
  readonly flavour: 'postgres' | 'mysql' | 'mariadb';
  readonly host: string;
  readonly port: number;
  readonly username: string;
  readonly password: string | undefined;
  readonly database: string;
  readonly ssl: boolean;
  readonly poolSize: number;
}

export type DatabaseConfig = EmbeddedDatabaseConfig | ServerDatabaseConfig;

const SCHEMES: Record<string, ServerDatabaseConfig['flavour']> = {
  'postgres:': 'postgres',
  'postgresql:': 'postgres',
  'mysql:': 'mysql',
  'mariadb:': 'mariadb',
};

const DEFAULT_PORTS = { postgres: 5432, mysql: 3306, mariadb: 3306 } as const;

/**
 * Turns `DATABASE_URL` into connection settings. Throws an Error whose message says what is wrong
 * without echoing the URL, which may hold a password.
 */
export function parseDatabaseUrl(url: string, poolSize: number): ServerDatabaseConfig {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new Error('not a valid URL (expected postgres://, mysql:// or mariadb://)');
  }
  const flavour = SCHEMES[parsed.protocol];
  if (!flavour) {
    throw new Error(`unsupported scheme "${parsed.protocol.replace(/:$/, '')}" (expected postgres, mysql or mariadb)`);
  }
  if (!parsed.hostname) throw new Error('missing host');
  const database = decodeURIComponent(parsed.pathname.replace(/^\//, ''));
  if (!database) throw new Error('missing database name (the path of the URL)');
  const port = parsed.port ? Number(parsed.port) : DEFAULT_PORTS[flavour];
  const sslParam = parsed.searchParams.get('sslmode') ?? parsed.searchParams.get('ssl');
  return {
    kind: flavour === 'postgres' ? 'postgres' : 'mysql',
    flavour,
    // WHATWG URL keeps IPv6 hosts in brackets; drivers want them bare.
    host: parsed.hostname.replace(/^\[(.*)\]$/, '$1'),
    port,
    username: decodeURIComponent(parsed.username) || (flavour === 'postgres' ? 'postgres' : 'root'),
    password: parsed.password ? decodeURIComponent(parsed.password) : undefined,
    database,
    ssl: sslParam !== null && !['disable', 'false', '0'].includes(sslParam),
    poolSize,
  };
}

export function embeddedDatabase(dataDir: string): EmbeddedDatabaseConfig {
  return { kind: 'pglite', directory: join(dataDir, 'pglite') };
}

export function resolveDataDir(value: string, cwd: string): string {
  return isAbsolute(value) ? value : resolve(cwd, value);
}

/** A description of the database that is safe to log: never the password. */
export function describeDatabase(database: DatabaseConfig): string {
  if (database.kind === 'pglite') return `embedded PGlite at ${database.directory}`;
  const host = database.host.includes(':') ? `[${database.host}]` : database.host;
  return `${database.flavour}://${database.username}@${host}:${database.port}/${database.database}`;
}
