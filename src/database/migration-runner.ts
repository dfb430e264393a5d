import { type DataSource, MigrationExecutor } from 'typeorm';
import { adoptDesignDocumentTables } from './adoption/adopt-design-document-tables.js';
import { withDatabaseLock } from './database-lock.js';

export interface MigrationState {
  readonly name: string;
  readonly applied: boolean;
}

/**
 * Applies every pending migration, one transaction each; returns the names applied. Tables that
 * the design documents' SQL created by hand are taken over first (adoption/), or, if one differs
 * from the documents, nothing changes and SCHEMA_MISMATCH says how.
 */
export async function runPendingMigrations(dataSource: DataSource): Promise<string[]> {
  return (await migrateUp(dataSource)).applied;
}

/** runPendingMigrations, also saying which migrations were recorded for tables taken over. */
export async function migrateUp(dataSource: DataSource): Promise<{ adopted: string[]; applied: string[] }> {
  return withDatabaseLock(dataSource, 'migrations', async () => {
    const adopted = await adoptDesignDocumentTables(dataSource);
    const applied = await dataSource.runMigrations({ transaction: 'each' });
    return { adopted, applied: applied.map((migration) => migration.name) };
  });
}

/** Reverts the last `steps` applied migrations (all of them with `Infinity`); returns their names. */
export async function revertMigrations(dataSource: DataSource, steps: number): Promise<string[]> {
  return withDatabaseLock(dataSource, 'migrations', async () => {
    const reverted: string[] = [];
    while (reverted.length < steps) {
      const executed = await new MigrationExecutor(dataSource).getExecutedMigrations();
      const last = executed.sort((a, b) => b.timestamp - a.timestamp || b.id! - a.id!)[0];
      if (!last) break;
      await dataSource.undoLastMigration({ transaction: 'each' });
      reverted.push(last.name);
    }
    return reverted;
  });
}

export async function migrationStatus(dataSource: DataSource): Promise<MigrationState[]> {
  const pending = new Set(
    (await new MigrationExecutor(dataSource).getPendingMigrations()).map((migration) => migration.name),
  );
  return dataSource.migrations
    .map((migration) => migration.name ?? migration.constructor.name)
    .sort((a, b) => Number(a.slice(-13)) - Number(b.slice(-13)))
    .map((name) => ({ name, applied: !pending.has(name) }));
}
