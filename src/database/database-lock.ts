import { createHash } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { dialectOf } from './dialect.js';

/**
 * Runs `work` while holding a named lock in the database, so that of several Handoff instances
 * sharing one database only one runs it at a time (migrations, seeding, scheduled jobs). The lock
 * is a session lock held on a connection of its own: PostgreSQL advisory lock, MySQL GET_LOCK.
 *
 * PGlite has a single connection and a single process (its directory is locked), so there is
 * nothing to exclude and taking a second connection would deadlock: `work` just runs.
 */
export async function withDatabaseLock<T>(
  dataSource: DataSource,
  name: string,
  work: () => Promise<T>,
  timeoutSeconds = 600,
): Promise<T> {
  if (isSingleConnection(dataSource)) return work();
  const runner = dataSource.createQueryRunner('master');
  const dialect = dialectOf(dataSource);
  try {
    await runner.connect();
    if (dialect === 'postgres') {
      await runner.query(`SET lock_timeout = '${timeoutSeconds}s'`);
      await runner.query('SELECT pg_advisory_lock($1)', [advisoryKey(name)]);
    } else {
      const [row] = (await runner.query('SELECT GET_LOCK(?, ?) AS acquired', [
        `handoff:${name}`,
        timeoutSeconds,
      ])) as Array<{ acquired: number | string | null }>;
      if (Number(row?.acquired) !== 1) throw new Error(`timed out waiting for the "${name}" lock`);
    }
    try {
      return await work();
    } finally {
      if (dialect === 'postgres') {
        await runner.query('SELECT pg_advisory_unlock($1)', [advisoryKey(name)]);
      } else {
        await runner.query('SELECT RELEASE_LOCK(?)', [`handoff:${name}`]);
      }
    }
  } finally {
    await runner.release();
  }
}

function isSingleConnection(dataSource: DataSource): boolean {
  return 'poolSize' in dataSource.options && dataSource.options.poolSize === 1;
}

/** A stable signed 64-bit key for pg_advisory_lock, derived from the lock's name. */
function advisoryKey(name: string): string {
  return createHash('sha256').update(`handoff:${name}`).digest().readBigInt64BE(0).toString();
}
