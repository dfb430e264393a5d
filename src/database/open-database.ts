import type { Logger } from 'pino';
import { StartupError } from '../common/startup-error.js';
import type { HandoffConfig } from '../config/config.js';
import { describeDatabase } from '../config/database-url.js';
import { describeConnectionError } from './database-errors.js';
import { createDataSource, type DataSourceLimits, type HandoffDataSource } from './data-source.js';
import { EmbeddedDatabaseBusyError } from './embedded-postgres.js';

/**
 * Creates and connects the configured database. Failures become a StartupError with one line
 * that names the variable to fix and never the password.
 */
export async function openDatabase(
  config: HandoffConfig,
  logger: Pick<Logger, 'debug' | 'info' | 'warn'>,
  limits: DataSourceLimits = {},
): Promise<HandoffDataSource> {
  const description = describeDatabase(config.database);
  logger.debug(`opening ${description}`);
  let dataSource: HandoffDataSource;
  try {
    dataSource = await createDataSource(config.database, { limits, directory: config.directory });
  } catch (error) {
    if (error instanceof EmbeddedDatabaseBusyError) throw new StartupError(`HANDOFF_DATA_DIR: ${error.message}`);
    throw new StartupError(`HANDOFF_DATA_DIR: cannot open ${description}: ${(error as Error).message}`, {
      cause: error,
    });
  }
  try {
    await dataSource.initialize();
  } catch (error) {
    await dataSource.destroy().catch(() => undefined);
    throw new StartupError(`DATABASE_URL: cannot connect to ${description} (${describeConnectionError(error)})`, {
      cause: error,
    });
  }
  if (config.database.kind === 'pglite') {
    logger.warn(
      `running on the embedded PGlite database at ${config.database.directory}: ` +
        'for development and demos; set DATABASE_URL to PostgreSQL or MariaDB for production',
    );
  } else {
    logger.info(`connected to ${description}`);
  }
  return dataSource;
}

