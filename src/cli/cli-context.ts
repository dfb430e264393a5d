import type { ZodType } from 'zod';
import { ConfigError, type HandoffConfig, loadConfig } from '../config/config.js';
import { resolveSecrets } from '../config/dev-secrets.js';
import { findRunningServer } from '../config/running-server.js';
import type { HandoffDataSource } from '../database/data-source.js';
import type { CliServices } from './cli-services.js';

// TypeORM, the driver and the services are imported when a command needs them, not at start:
// `--help` and the commands that need no database answer at once (load only what a command needs).

/** Thrown by a command to end with one line on stderr and a non-zero exit code. */
export class CliError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CliError';
  }
}

/** What a command prints: data a script may read to stdout, everything else to stderr. */
export const out = {
  data(line: string): void {
    process.stdout.write(`${line}\n`);
  },
  info(line: string): void {
    process.stderr.write(`${line}\n`);
  },
  /** `--json`: the value as JSON on stdout; otherwise each line as data. */
  table(json: boolean | undefined, value: unknown, lines: () => string[]): void {
    if (json) out.data(JSON.stringify(value));
    else for (const line of lines()) out.data(line);
  },
};

export async function cliConfig(): Promise<HandoffConfig> {
  try {
    const { config, generated, file } = await resolveSecrets(loadConfig(process.env));
    // A first command on a fresh embedded database generates its secrets: say where they are.
    if (generated.length > 0) out.info(`generated the embedded database's admin token and key secret into ${file}`);
    return config;
  } catch (error) {
    if (error instanceof ConfigError) throw new CliError(error.problems.join('\nhandoff: '));
    throw error;
  }
}

/**
 * For openDatabase, whose lines (which database it opens) a command does not show: it says what it
 * did itself, and a failure ends it with one line. pino is not loaded for them.
 */
const QUIET = { debug: () => undefined, info: () => undefined, warn: () => undefined };

/**
 * Runs `work` against the configured database (the same DATABASE_URL as the server) and closes it
 * afterwards, whatever happens.
 */
export async function withDatabase<T>(work: (dataSource: HandoffDataSource, config: HandoffConfig) => Promise<T>): Promise<T> {
  const config = await cliConfig();
  if (config.database.kind === 'pglite') {
    // Said before loading the database layers: a second at most, not after a long boot.
    const server = await findRunningServer(config.dataDir);
    if (server) {
      throw new CliError(
        `a Handoff server (pid ${server.pid}) holds the embedded database at ${server.url}: stop it first, ` +
          'or do this through its admin API (`npx handoff admin-token`; docs/admin.md), or set DATABASE_URL to PostgreSQL or MariaDB',
      );
    }
  }
  const { openDatabase } = await import('../database/open-database.js');
  const dataSource = await openDatabase(config, QUIET);
  try {
    return await work(dataSource, config);
  } finally {
    await dataSource.destroy();
  }
}

/**
 * Runs `work` with Handoff's services (the same ones the server and its admin API use) on a
 * migrated database. Service errors become one line on stderr.
 */
export async function withServices<T>(work: (services: CliServices) => Promise<T>): Promise<T> {
  const [{ AppError }, { migrationStatus }, { CliServices }] = await Promise.all([
    import('../common/errors/app-error.js'),
    import('../database/migration-runner.js'),
    import('./cli-services.js'),
  ]);
  return withDatabase(async (dataSource, config) => {
    const pending = (await migrationStatus(dataSource)).filter((state) => !state.applied);
    if (pending.length > 0) {
      throw new CliError(`the database needs ${pending.length} migration(s): run \`handoff migrate up\` first`);
    }
    try {
      return await work(new CliServices(dataSource, config));
    } catch (error) {
      if (error instanceof AppError) throw new CliError(`${error.message} (${error.code})`);
      throw error;
    }
  });
}

/** Parses a command-line value with a zod schema; a bad value ends the command with its name. */
export function parseOption<T>(name: string, schema: ZodType<T>, value: unknown): T {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new CliError(`${name}: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
  return parsed.data;
}
