import { type DataSource, MigrationExecutor } from 'typeorm';
import { withDatabaseLock } from './database-lock.js';

export interface MigrationState {
  readonly name: string;
  readonly applied: boolean;
}

/** Applies every pending migration, one transaction each; returns the names applied. */
export async function runPendingMigrations(dataSource: DataSource): Promise<string[]> {
  return withDatabaseLock(dataSource, 'migrations', async () => {
    const applied = await dataSource.runMigrations({ transaction: 'each' });
    return applied.map((migration) => migration.name);
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
