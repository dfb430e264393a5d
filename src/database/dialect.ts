import type { DataSource, QueryRunner } from 'typeorm';

/**
 * The two SQL dialects Handoff speaks. PGlite is PostgreSQL; MariaDB and MySQL share one dialect.
 * Every place where SQL differs between them asks this module instead of testing the driver itself.
 */
export type SqlDialect = 'postgres' | 'mysql';

export function dialectOf(source: DataSource | QueryRunner): SqlDialect {
  const type = 'connection' in source ? source.connection.options.type : source.options.type;
  switch (type) {
    case 'postgres':
      return 'postgres';
    case 'mysql':
    case 'mariadb':
      return 'mysql';
    default:
      throw new Error(`unsupported database type "${String(type)}"`);
  }
}

/** Picks the statement(s) written for the dialect at hand. */
export function forDialect<T>(dialect: SqlDialect, variants: Record<SqlDialect, T>): T {
  return variants[dialect];
}

/** Runs one dialect's list of statements in order (for migrations). */
export async function runStatements(
  queryRunner: QueryRunner,
  variants: Record<SqlDialect, readonly string[]>,
): Promise<void> {
  for (const statement of forDialect(dialectOf(queryRunner), variants)) {
    await queryRunner.query(statement);
  }
}

/**
 * The database's current time at the columns' precision, in the session zone (always UTC). On
 * PostgreSQL the statement's time, not CURRENT_TIMESTAMP's transaction start, which would run
 * late inside a long transaction (MySQL's CURRENT_TIMESTAMP is already per statement).
 */
export function nowSql(dialect: SqlDialect): string {
  return forDialect(dialect, { postgres: 'statement_timestamp()', mysql: 'CURRENT_TIMESTAMP(6)' });
}

/** SQL for "now + seconds", computed by the database so that expiry never depends on the app's clock or zone. */
export function nowPlusSecondsSql(dialect: SqlDialect, seconds: number): string {
  if (!Number.isInteger(seconds)) throw new Error('seconds must be an integer');
  return forDialect(dialect, {
    postgres: `${nowSql(dialect)} + INTERVAL '${seconds} seconds'`,
    mysql: `${nowSql(dialect)} + INTERVAL ${seconds} SECOND`,
  });
}

/**
 * The i-th (1-based) bind parameter. MySQL's `?` binds in the order the placeholders appear in
 * the text, whatever `index` says: write them in index order.
 */
export function placeholder(dialect: SqlDialect, index: number): string {
  return dialect === 'postgres' ? `$${index}` : '?';
}
