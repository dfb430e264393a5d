import { pino } from 'pino';
import { ConfigError, type HandoffConfig, loadConfig } from '../config/config.js';
import type { HandoffDataSource } from '../database/data-source.js';
import { openDatabase } from '../database/open-database.js';

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
};

export function cliConfig(): HandoffConfig {
  try {
    return loadConfig(process.env);
  } catch (error) {
    if (error instanceof ConfigError) throw new CliError(error.problems.join('\nhandoff: '));
    throw error;
  }
}

/**
 * Runs `work` against the configured database (the same DATABASE_URL as the server) and closes it
 * afterwards, whatever happens.
 */
export async function withDatabase<T>(work: (dataSource: HandoffDataSource) => Promise<T>): Promise<T> {
  const config = cliConfig();
  // Commands say what they did themselves; only errors from below are worth showing.
  const logger = pino({ level: 'error' }, pino.destination(2));
  const dataSource = await openDatabase(config, logger);
  try {
    return await work(dataSource);
  } finally {
    await dataSource.destroy();
  }
}
