import type pg from 'pg';
import type { DataSource, EntityManager } from 'typeorm';
import { isDatabaseUnavailable } from './database-errors.js';

export interface SqlResult<T> {
  readonly rows: T[];
  /** Rows inserted, updated or deleted. */
  readonly affected: number;
  /** MySQL: the AUTO_INCREMENT id of an INSERT. */
  readonly insertId: number | undefined;
}

/**
 * Runs one statement and returns its rows and affected count in the same shape on every
 * database, for the few hot or single-statement paths that repositories write in SQL.
 */
export async function execute<T = Record<string, unknown>>(
  source: DataSource | EntityManager,
  sql: string,
  parameters: readonly unknown[] = [],
): Promise<SqlResult<T>> {
  // Outside a transaction on PostgreSQL, straight to the pool: these statements are the hot path,
  // and TypeORM's per-statement query runner costs more than the statement's own client work.
  const pool = 'createQueryRunner' in source ? postgresPool(source) : undefined;
  if (pool) {
    const client = await pool.connect();
    let broken: Error | undefined;
    try {
      const result = await client.query({ text: sql, values: [...parameters] });
      return { rows: result.rows as T[], affected: result.rowCount ?? 0, insertId: undefined };
    } catch (error) {
      // pool.query() would throw the connection away on any error; only a broken one should go.
      if (isDatabaseUnavailable(error)) broken = error as Error;
      throw error;
    } finally {
      client.release(broken);
    }
  }
  const runner = 'queryRunner' in source && source.queryRunner ? source.queryRunner : undefined;
  const ownRunner = runner ? undefined : ('createQueryRunner' in source ? source : source.connection).createQueryRunner();
  try {
    const result = await (runner ?? ownRunner!).query(sql, [...parameters], true);
    const raw = result.raw as { insertId?: number } | undefined;
    return {
      rows: (result.records ?? []) as T[],
      affected: result.affected ?? 0,
      insertId: raw && typeof raw === 'object' && 'insertId' in raw ? Number(raw.insertId) : undefined,
    };
  } finally {
    await ownRunner?.release();
  }
}

function postgresPool(dataSource: DataSource): pg.Pool | undefined {
  if (dataSource.options.type !== 'postgres' || !dataSource.isInitialized) return undefined;
  return (dataSource.driver as unknown as { master?: pg.Pool }).master;
}
