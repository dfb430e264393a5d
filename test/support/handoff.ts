import 'reflect-metadata';
import { createDataSource, type HandoffDataSource } from '../../src/database/data-source.js';
import { runPendingMigrations } from '../../src/database/migration-runner.js';
import type { TestDatabase } from './test-databases.js';

/** Handoff's own DataSource on a test database, connected, optionally with every migration applied. */
export async function openDataSource(
  database: TestDatabase,
  options: { migrate?: boolean } = {},
): Promise<HandoffDataSource> {
  const dataSource = await createDataSource(database.config.database);
  await dataSource.initialize();
  if (options.migrate) await runPendingMigrations(dataSource);
  return dataSource;
}
