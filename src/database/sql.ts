import type { DataSource, EntityManager } from 'typeorm';

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
