import { createHash } from 'node:crypto';
import type pg from 'pg';
import type { DataSource, EntityManager } from 'typeorm';
import { isDatabaseUnavailable } from './database-errors.js';
import { placeholder, type SqlDialect } from './dialect.js';
import type { PreparedStatements } from './postgres-client.js';

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
 *
 * `preparedAs` names a hot statement: on a PostgreSQL server, outside a transaction, it is then
 * a named prepared statement, parsed and planned once per connection instead of on every call
 * (issue 11: Handoff's consume ran at 1,797 TPS unnamed, 3,635 prepared). Only statements whose
 * text does not vary with their values may have a name: each connection keeps every statement it
 * prepared. The text's hash is part of the name, since pg refuses a name reused for other text
 * (two servers in one process may differ, e.g. in a token lifetime written into the SQL).
 */
export async function execute<T = Record<string, unknown>>(
  source: DataSource | EntityManager,
  sql: string,
  parameters: readonly unknown[] = [],
  preparedAs?: string,
): Promise<SqlResult<T>> {
  // Outside a transaction on PostgreSQL, straight to the pool: these statements are the hot path,
  // and TypeORM's per-statement query runner costs more than the statement's own client work.
  const pool = 'createQueryRunner' in source ? postgresPool(source) : undefined;
  if (pool) {
    const client = await pool.connect();
    let broken: Error | undefined;
    try {
      const name = preparedAs ? statementName(preparedAs, sql) : undefined;
      const result =
        name && 'queryPrepared' in client
          ? await (client as PreparedStatements).queryPrepared(name, sql, [...parameters])
          : await client.query({ ...(name ? { name } : {}), text: sql, values: [...parameters] });
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

/** Per `preparedAs` name, the texts it was given and their statement names (one text, as a rule). */
const statementNames = new Map<string, Array<{ sql: string; name: string }>>();

function statementName(name: string, sql: string): string {
  // Looked up by the short name and compared with ===: a Map keyed by the text would hash the
  // whole statement (1–2 KB) on every call (issue 11's profile: ~5 µs a request).
  let named = statementNames.get(name);
  if (!named) statementNames.set(name, (named = []));
  let entry = named.find((candidate) => candidate.sql === sql);
  if (!entry) named.push((entry = { sql, name: `${name}:${createHash('sha1').update(sql).digest('hex').slice(0, 12)}` }));
  return entry.name;
}

function postgresPool(dataSource: DataSource): pg.Pool | undefined {
  if (dataSource.options.type !== 'postgres' || !dataSource.isInitialized) return undefined;
  return (dataSource.driver as unknown as { master?: pg.Pool }).master;
}

/**
 * The bind parameters of a statement written from several owners' fragments: each fragment adds
 * its values and writes the placeholder it is given, so that none needs to know the others' count.
 */
export class SqlParameters {
  readonly values: unknown[] = [];

  constructor(private readonly dialect: SqlDialect) {}

  /** Adds a value; answers its placeholder (`$n`, or `?` in MySQL, whose order is the text's). */
  add(value: unknown): string {
    this.values.push(value);
    return placeholder(this.dialect, this.values.length);
  }
}
