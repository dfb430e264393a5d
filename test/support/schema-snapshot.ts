import type { DataSource } from 'typeorm';
import { dialectOf } from '../../src/database/dialect.js';

export type SchemaSnapshot = Record<string, unknown[]>;

const POSTGRES_QUERIES: Record<string, string> = {
  columns: `SELECT table_name, column_name, data_type, character_maximum_length, datetime_precision,
                   is_nullable, column_default, col_description((quote_ident(table_name))::regclass, ordinal_position) AS comment
            FROM information_schema.columns WHERE table_schema = 'public'
            ORDER BY table_name, column_name`,
  indexes: `SELECT tablename, indexname, indexdef FROM pg_indexes WHERE schemaname = 'public'
            ORDER BY tablename, indexname`,
  constraints: `SELECT conrelid::regclass::text AS table_name, conname, contype, confdeltype,
                       pg_get_constraintdef(oid) AS definition
                FROM pg_constraint WHERE connamespace = 'public'::regnamespace
                ORDER BY table_name, conname`,
  triggers: `SELECT event_object_table, trigger_name, event_manipulation, action_timing, action_statement
             FROM information_schema.triggers WHERE trigger_schema = 'public'
             ORDER BY event_object_table, trigger_name`,
  functions: `SELECT proname FROM pg_proc WHERE pronamespace = 'public'::regnamespace ORDER BY proname`,
};

const MYSQL_QUERIES: Record<string, string> = {
  columns: `SELECT TABLE_NAME, COLUMN_NAME, COLUMN_TYPE, IS_NULLABLE, COLUMN_DEFAULT, EXTRA, COLUMN_COMMENT
            FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE()
            ORDER BY TABLE_NAME, COLUMN_NAME`,
  indexes: `SELECT TABLE_NAME, INDEX_NAME, SEQ_IN_INDEX, COLUMN_NAME, NON_UNIQUE
            FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = DATABASE()
            ORDER BY TABLE_NAME, INDEX_NAME, SEQ_IN_INDEX`,
  constraints: `SELECT r.TABLE_NAME, r.CONSTRAINT_NAME, r.REFERENCED_TABLE_NAME, r.DELETE_RULE, r.UPDATE_RULE,
                       k.COLUMN_NAME, k.REFERENCED_COLUMN_NAME
                FROM information_schema.REFERENTIAL_CONSTRAINTS r
                JOIN information_schema.KEY_COLUMN_USAGE k
                  ON k.CONSTRAINT_SCHEMA = r.CONSTRAINT_SCHEMA AND k.CONSTRAINT_NAME = r.CONSTRAINT_NAME
                 AND k.TABLE_NAME = r.TABLE_NAME
                WHERE r.CONSTRAINT_SCHEMA = DATABASE()
                ORDER BY r.TABLE_NAME, r.CONSTRAINT_NAME, k.ORDINAL_POSITION`,
  checks: `SELECT TABLE_NAME, CONSTRAINT_NAME, CHECK_CLAUSE FROM information_schema.CHECK_CONSTRAINTS
           WHERE CONSTRAINT_SCHEMA = DATABASE() ORDER BY TABLE_NAME, CONSTRAINT_NAME`,
  tables: `SELECT TABLE_NAME, ENGINE, TABLE_COLLATION FROM information_schema.TABLES
           WHERE TABLE_SCHEMA = DATABASE() ORDER BY TABLE_NAME`,
};

/** Everything information_schema says about the schema: columns, indexes, constraints, triggers. */
export async function schemaSnapshot(dataSource: DataSource): Promise<SchemaSnapshot> {
  const queries = dialectOf(dataSource) === 'postgres' ? POSTGRES_QUERIES : MYSQL_QUERIES;
  const snapshot: SchemaSnapshot = {};
  for (const [part, sql] of Object.entries(queries)) snapshot[part] = await dataSource.query(sql);
  return snapshot;
}

/** Tables of the schema, other than TypeORM's own `migrations`. */
export async function tableNames(dataSource: DataSource): Promise<string[]> {
  const rows: Array<{ name: string }> =
    dialectOf(dataSource) === 'postgres'
      ? await dataSource.query(
          "SELECT table_name AS name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY 1",
        )
      : await dataSource.query(
          'SELECT TABLE_NAME AS name FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() ORDER BY 1',
        );
  return rows.map((row) => row.name).filter((name) => name !== 'migrations');
}
