import { DataSource } from 'typeorm';
import { Injectable } from '../common/injection.js';
import { isLockTimeout } from '../database/database-errors.js';
import { dialectOf, forDialect, nowPlusSecondsSql, type SqlDialect } from '../database/dialect.js';
import { execute } from '../database/sql.js';
import { ARCHIVE_TABLE, type ArchivePartition, boundLiteral, type MonthRange, parsePartitionBound } from './archive-partitions.js';

/** The live table's columns, which the archive has too (migration 1795600100000). */
const COLUMNS = 'id, token_hash, user_id, account_id, expires_at, created_at, used_at, revoked_at, source_app, target_app, user_agent, ip_address';
/** The same, as copied: `created_at` is the archive's partition key and cannot be NULL there. */
const ARCHIVED_VALUES = COLUMNS.replace('created_at', 'COALESCE(created_at, expires_at)');

export interface MovedBatch {
  readonly moved: number;
  /** The highest id of the batch: the next batch starts after it. */
  readonly lastId: number | null;
}

/**
 * The SQL of cleanup and retention: moving dead sessions from `cross_app_sessions` into
 * `cross_app_sessions_archive`, deleting finished `auth_sessions`, and the archive's monthly
 * partitions (PostgreSQL) or batched deletes (MariaDB).
 */
@Injectable()
export class SessionArchiveRepository {
  constructor(private readonly dataSource: DataSource) {}

  get dialect(): SqlDialect {
    return dialectOf(this.dataSource);
  }

  /** Sessions expired or revoked more than `graceSeconds` ago, by the database's clock. */
  private deadCondition(graceSeconds: number): string {
    const cutoff = nowPlusSecondsSql(this.dialect, -graceSeconds);
    return `(expires_at < ${cutoff} OR revoked_at < ${cutoff})`;
  }

  async countDead(graceSeconds: number): Promise<number> {
    const { rows } = await execute<{ n: number | string }>(
      this.dataSource,
      `SELECT COUNT(*) AS n FROM cross_app_sessions WHERE ${this.deadCondition(graceSeconds)}`,
    );
    return Number(rows[0]?.n ?? 0);
  }

  /** The oldest and newest `created_at` the archive would receive now (for its partitions). */
  async deadCreatedRange(graceSeconds: number): Promise<{ oldest: Date | null; newest: Date | null }> {
    const { rows } = await execute<{ oldest: Date | null; newest: Date | null }>(
      this.dataSource,
      `SELECT MIN(COALESCE(created_at, expires_at)) AS oldest, MAX(COALESCE(created_at, expires_at)) AS newest
       FROM cross_app_sessions WHERE ${this.deadCondition(graceSeconds)}`,
    );
    return { oldest: rows[0]?.oldest ?? null, newest: rows[0]?.newest ?? null };
  }

  /**
   * Moves up to `limit` dead sessions with ids above `afterId`, in id order, in one transaction:
   * a session is in exactly one of the two tables at every moment. Rows another transaction has
   * locked are skipped (SKIP LOCKED), so cleanup never waits on a request, and a request never
   * waits on more than one short batch. Walking the primary key from `afterId` visits each row
   * once per run, however many dead index entries earlier batches left behind.
   */
  moveBatch(afterId: number, graceSeconds: number, limit: number): Promise<MovedBatch> {
    return this.dialect === 'postgres' ? this.moveBatchPostgres(afterId, graceSeconds, limit) : this.moveBatchMysql(afterId, graceSeconds, limit);
  }

  /** One statement, hence one transaction: select, delete and insert in data-modifying CTEs. */
  private async moveBatchPostgres(afterId: number, graceSeconds: number, limit: number): Promise<MovedBatch> {
    const { rows } = await execute<{ moved: number; last_id: number | null }>(
      this.dataSource,
      `WITH batch AS (
         SELECT id FROM cross_app_sessions
         WHERE id > $1 AND ${this.deadCondition(graceSeconds)}
         ORDER BY id LIMIT $2
         FOR UPDATE SKIP LOCKED
       ), moved AS (
         DELETE FROM cross_app_sessions s USING batch WHERE s.id = batch.id
         RETURNING s.id, s.token_hash, s.user_id, s.account_id, s.expires_at, s.created_at, s.used_at, s.revoked_at,
                   s.source_app, s.target_app, s.user_agent, s.ip_address
       ), archived AS (
         INSERT INTO ${ARCHIVE_TABLE} (${COLUMNS}) SELECT ${ARCHIVED_VALUES} FROM moved RETURNING id
       )
       SELECT COUNT(*)::int AS moved, MAX(id) AS last_id FROM archived`,
      [afterId, limit],
    );
    const lastId = rows[0]?.last_id;
    return { moved: Number(rows[0]?.moved ?? 0), lastId: lastId === null || lastId === undefined ? null : Number(lastId) };
  }

  /**
   * MySQL has no data-modifying CTEs: lock the batch, copy it, delete it, in one transaction.
   * READ COMMITTED, so that InnoDB locks the rows it moves and no gaps: at REPEATABLE READ the
   * range scan would also lock the gap after the newest row and hold up every new session.
   */
  private moveBatchMysql(afterId: number, graceSeconds: number, limit: number): Promise<MovedBatch> {
    return this.dataSource.transaction('READ COMMITTED', async (manager) => {
      const { rows } = await execute<{ id: number }>(
        manager,
        `SELECT id FROM cross_app_sessions WHERE id > ? AND ${this.deadCondition(graceSeconds)}
         ORDER BY id LIMIT ? FOR UPDATE SKIP LOCKED`,
        [afterId, limit],
      );
      if (rows.length === 0) return { moved: 0, lastId: null };
      const ids = rows.map((row) => Number(row.id));
      const list = ids.map(() => '?').join(', ');
      await execute(manager, `INSERT INTO ${ARCHIVE_TABLE} (${COLUMNS}) SELECT ${ARCHIVED_VALUES} FROM cross_app_sessions WHERE id IN (${list})`, ids);
      const { affected } = await execute(manager, `DELETE FROM cross_app_sessions WHERE id IN (${list})`, ids);
      return { moved: affected, lastId: ids[ids.length - 1]! };
    });
  }

  /** Deletes up to `limit` QR login requests that expired more than `graceSeconds` ago, whatever their status. */
  async deleteFinishedAuthSessions(graceSeconds: number, limit: number): Promise<number> {
    const cutoff = nowPlusSecondsSql(this.dialect, -graceSeconds);
    const { affected } = await execute(
      this.dataSource,
      forDialect(this.dialect, {
        postgres: `DELETE FROM auth_sessions WHERE id IN (
          SELECT id FROM auth_sessions WHERE expires_at < ${cutoff} LIMIT $1 FOR UPDATE SKIP LOCKED)`,
        // MariaDB refuses LIMIT in an IN subquery; DELETE … LIMIT is MySQL's own way.
        mysql: `DELETE FROM auth_sessions WHERE expires_at < ${cutoff} ORDER BY expires_at LIMIT ?`,
      }),
      [limit],
    );
    return affected;
  }

  /** The database's time `seconds` ago. */
  async secondsAgo(seconds: number): Promise<Date> {
    const { rows } = await execute<{ at: Date }>(this.dataSource, `SELECT ${nowPlusSecondsSql(this.dialect, -seconds)} AS at`);
    return new Date(rows[0]!.at);
  }

  /** PostgreSQL: the archive's partitions with their ranges, oldest first. */
  async listPartitions(): Promise<ArchivePartition[]> {
    const { rows } = await execute<{ name: string; bound: string }>(
      this.dataSource,
      `SELECT c.relname AS name, pg_get_expr(c.relpartbound, c.oid) AS bound
       FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
       WHERE i.inhparent = to_regclass('${ARCHIVE_TABLE}')`,
    );
    return rows
      .flatMap((row) => {
        const range = parsePartitionBound(row.bound);
        return range ? [{ name: row.name, ...range }] : [];
      })
      .sort((a, b) => a.from.getTime() - b.from.getTime());
  }

  async createPartition(name: string, month: MonthRange): Promise<void> {
    await execute(
      this.dataSource,
      `CREATE TABLE IF NOT EXISTS ${quoteIdentifier(name)} PARTITION OF ${ARCHIVE_TABLE}
       FOR VALUES FROM ('${boundLiteral(month.from)}') TO ('${boundLiteral(month.to)}')`,
    );
  }

  /**
   * Drops a whole partition: no row-by-row delete, no dead tuples, no vacuum. The DROP needs an
   * exclusive lock on the archive itself, and while it waits for one (behind a long backup, say)
   * every later reader and writer of the archive queues behind it: so the wait is bounded, and
   * false means the lock did not come in time and the partition is still there.
   */
  async dropPartition(name: string, lockTimeoutSeconds: number): Promise<boolean> {
    try {
      await this.dataSource.transaction(async (manager) => {
        await execute(manager, `SET LOCAL lock_timeout = '${Math.ceil(lockTimeoutSeconds)}s'`);
        await execute(manager, `DROP TABLE ${quoteIdentifier(name)}`);
      });
      return true;
    } catch (error) {
      if (isLockTimeout(error)) return false;
      throw error;
    }
  }

  /** MySQL, whose archive has no partitions: deletes up to `limit` sessions archived from before `cutoff`. */
  async deleteArchivedBefore(cutoff: Date, limit: number): Promise<number> {
    const { affected } = await execute(this.dataSource, `DELETE FROM ${ARCHIVE_TABLE} WHERE created_at < ? ORDER BY created_at LIMIT ?`, [cutoff, limit]);
    return affected;
  }
}

function quoteIdentifier(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}
