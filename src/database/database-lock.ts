import { createHash } from 'node:crypto';
import type { DataSource, QueryRunner } from 'typeorm';
import { HandoffDataSource } from './data-source.js';
import { dialectOf, forDialect, type SqlDialect } from './dialect.js';

interface SessionLock {
  acquire(runner: QueryRunner, name: string, timeoutSeconds: number): Promise<void>;
  /** Takes the lock if it is free; false at once if another session holds it. */
  tryAcquire(runner: QueryRunner, name: string): Promise<boolean>;
  release(runner: QueryRunner, name: string): Promise<void>;
}

const SESSION_LOCKS: Record<SqlDialect, SessionLock> = {
  postgres: {
    async acquire(runner, name, timeoutSeconds) {
      // Bounds the wait; reset on release, since the connection goes back to the pool.
      await runner.query("SELECT set_config('lock_timeout', $1, false)", [`${timeoutSeconds}s`]);
      await runner.query('SELECT pg_advisory_lock($1)', [advisoryKey(name)]);
    },
    async tryAcquire(runner, name) {
      const [row] = (await runner.query('SELECT pg_try_advisory_lock($1) AS acquired', [advisoryKey(name)])) as Array<{ acquired: boolean }>;
      return row?.acquired === true;
    },
    async release(runner, name) {
      await runner.query('SELECT pg_advisory_unlock($1)', [advisoryKey(name)]);
      await runner.query('RESET lock_timeout');
    },
  },
  mysql: {
    async acquire(runner, name, timeoutSeconds) {
      const [row] = (await runner.query('SELECT GET_LOCK(?, ?) AS acquired', [`handoff:${name}`, timeoutSeconds])) as Array<{
        acquired: number | string | null;
      }>;
      if (Number(row?.acquired) !== 1) throw new Error(`timed out waiting for the "${name}" lock`);
    },
    async tryAcquire(runner, name) {
      const [row] = (await runner.query('SELECT GET_LOCK(?, 0) AS acquired', [`handoff:${name}`])) as Array<{ acquired: number | string | null }>;
      return Number(row?.acquired) === 1;
    },
    async release(runner, name) {
      await runner.query('SELECT RELEASE_LOCK(?)', [`handoff:${name}`]);
    },
  },
};

/**
 * Runs `work` while holding a named lock in the database, so that of several Handoff instances
 * sharing one database only one runs it at a time (migrations, seeding, scheduled jobs). The lock
 * is a session lock held on a connection of its own: PostgreSQL advisory lock, MySQL GET_LOCK.
 *
 * The embedded PGlite has a single connection and a single process (its folder is locked), so
 * there is nothing to exclude, and taking a second connection would deadlock: `work` just runs.
 */
export async function withDatabaseLock<T>(
  dataSource: DataSource,
  name: string,
  work: () => Promise<T>,
  timeoutSeconds = 600,
): Promise<T> {
  const result = await underLock(dataSource, name, work, async (lock, runner) => {
    await lock.acquire(runner, name, timeoutSeconds);
    return true;
  });
  if (!result.ran) throw new Error(`the "${name}" lock was not taken`);
  return result.value;
}

/**
 * Like withDatabaseLock, but when another session holds the lock `work` does not run and the
 * result is `{ ran: false }` at once: for scheduled jobs, which a second instance skips.
 */
export function tryWithDatabaseLock<T>(
  dataSource: DataSource,
  name: string,
  work: () => Promise<T>,
): Promise<{ ran: true; value: T } | { ran: false }> {
  return underLock(dataSource, name, work, (lock, runner) => lock.tryAcquire(runner, name));
}

async function underLock<T>(
  dataSource: DataSource,
  name: string,
  work: () => Promise<T>,
  acquire: (lock: SessionLock, runner: QueryRunner) => Promise<boolean>,
): Promise<{ ran: true; value: T } | { ran: false }> {
  if (dataSource instanceof HandoffDataSource && dataSource.embedded) return { ran: true, value: await work() };
  const lock = forDialect(dialectOf(dataSource), SESSION_LOCKS);
  const runner = dataSource.createQueryRunner('master');
  try {
    await runner.connect();
    if (!(await acquire(lock, runner))) return { ran: false };
    try {
      return { ran: true, value: await work() };
    } finally {
      await lock.release(runner, name);
    }
  } finally {
    await runner.release();
  }
}

/** A stable signed 64-bit key for pg_advisory_lock, derived from the lock's name. */
function advisoryKey(name: string): string {
  return createHash('sha256').update(`handoff:${name}`).digest().readBigInt64BE(0).toString();
}
